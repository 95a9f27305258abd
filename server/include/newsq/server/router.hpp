// The HTTP API and page as a plain function from request to response: no sockets, no threads,
// so every route and every error status is tested directly (tests/server/router_test.cpp).
//
// Routes (GET and HEAD; OPTIONS on all):
//   /                 the search page (server-rendered results when q/topic/... are given)
//   /search           JSON results: to_json(SearchResult) plus took_ms
//   /articles/{id}    the stored article (id percent-decoded), 404 when absent
//   /healthz          {status, index, documents, revision, uptime_s}; 503 while no index
//   /static/{name}    embedded assets with ETag and Cache-Control
//
// Admin routes (ingest; need `Authorization: Bearer TOKEN`, never get CORS headers):
//   POST   /articles       one JSON article, a JSON array or JSON Lines; all or nothing
//   PUT    /articles/{id}  one JSON article; its id must match the path (or is set from it)
//   DELETE /articles/{id}  404 when there is no such article
// Without a configured admin token they answer 403 (ingest disabled); with a missing or wrong
// token 401. They are answered only after the writer committed (see writer_queue.hpp).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "newsq/server/assets.hpp"
#include "newsq/server/ingest.hpp"
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
  /// The admin token that the ingest routes require; nullopt disables them (403). Never logged.
  std::optional<std::string> admin_token;
};

/// Receives the response to a request answered asynchronously; called exactly once, from any
/// thread.
using Respond = std::function<void(Response)>;

class Router {
 public:
  /// `backend` (and `ingest`, when given) must outlive the router. The router itself is
  /// immutable after construction and safe to call from many threads at once (the backends are
  /// thread-safe). Without `ingest` the admin routes answer 403 like without a token.
  Router(SearchBackend& backend, RouterConfig config, IngestBackend* ingest = nullptr);

  /// Answers one request; never throws (an unexpected exception becomes a 500). The response has
  /// the request's version and Content-Length; keep-alive is left to the caller. An ingest
  /// request blocks the caller until the writer committed: servers use handle_async().
  Response handle(const Request& request) const;

  /// Like handle(), but an ingest request returns at once and `respond` is called from the
  /// writer's thread after the commit; every other request is answered before returning.
  /// Never throws.
  void handle_async(Request request, Respond respond) const;

 private:
  Response dispatch(const Request& request) const;
  Response search(const Request& request, std::string_view query) const;
  Response article(const Request& request, const std::string& id) const;
  Response health(const Request& request) const;
  Response page(const Request& request, std::string_view query) const;
  Response asset(const Request& request, std::string_view name) const;
  Response preflight(const Request& request) const;
  void add_cors_headers(const Request& request, Response& response) const;
  /// Starts an admin request; answers through `respond`. Throws newsq::Error before anything
  /// is queued (the caller answers).
  void ingest(const Request& request, const std::string& id, const Respond& respond) const;

  SearchBackend& backend_;
  IngestBackend* ingest_;
  RouterConfig config_;
  AssetTable assets_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace newsq::server
