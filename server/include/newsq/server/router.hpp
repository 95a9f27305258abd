// The HTTP API and page as a plain function from request to response: no sockets, no threads,
// so every route and every error status is tested directly (tests/server/router_test.cpp).
//
// Routes (GET and HEAD; OPTIONS on all):
//   /                 the search page (server-rendered results when q/topic/... are given)
//   /search           JSON results: to_json(SearchResult) plus took_ms
//   /articles/{id}    the stored article (id percent-decoded), 404 when absent
//   /healthz          {status, index, documents, revision, uptime_s}; 503 while no index
//   /static/{name}    embedded assets with ETag and Cache-Control
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "newsq/server/assets.hpp"
#include "newsq/server/search_backend.hpp"

namespace newsq::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct RouterConfig {
  /// Origins allowed to call the API from a browser ("https://example.org"); none by default.
  /// Requests from these origins get Access-Control-Allow-Origin; others get no CORS headers.
  std::vector<std::string> cors_origins;
  /// Longer request targets are refused with 414.
  std::size_t max_target_bytes = 8 * 1024;
  /// Receives the real message of an unexpected failure (the client only sees a generic 500).
  /// Must be thread-safe; none by default.
  std::function<void(std::string_view)> log_error;
};

class Router {
 public:
  /// `backend` must outlive the router. The router itself is immutable after construction and
  /// safe to call from many threads at once (the backend is thread-safe).
  Router(SearchBackend& backend, RouterConfig config);

  /// Answers one request; never throws (an unexpected exception becomes a 500). The response has
  /// the request's version and Content-Length; keep-alive is left to the caller.
  Response handle(const Request& request) const;

 private:
  Response dispatch(const Request& request) const;
  Response search(const Request& request, std::string_view query) const;
  Response article(const Request& request, const std::string& id) const;
  Response health(const Request& request) const;
  Response page(const Request& request, std::string_view query) const;
  Response asset(const Request& request, std::string_view name) const;
  Response preflight(const Request& request) const;
  void add_cors_headers(const Request& request, Response& response) const;

  SearchBackend& backend_;
  RouterConfig config_;
  AssetTable assets_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace newsq::server
