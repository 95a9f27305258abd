// The HTTP API and page as a plain function from request to response: no sockets, no threads,
// so every route and every error status is tested directly (tests/server/router_test.cpp).
//
// Routes (GET and HEAD; OPTIONS on all):
//   /                 the search page (server-rendered results when q/topic/... are given)
//   /search           JSON results: to_json(SearchResult) plus took_ms
//   /articles/{id}    the stored article (id percent-decoded), 404 when absent
//   /healthz          liveness: 200 while the process runs, with {status, index, documents,
//                     revision, uptime_s} ("status":"unavailable" while there is no index)
//   /readyz           readiness: 200 when the index is open and fresh, else 503 + Retry-After
//   /metrics          Prometheus text (see metrics.hpp); an admin route with metrics_admin
//   /static/{name}    embedded assets with ETag and Cache-Control
//
// Admin routes (ingest; need `Authorization: Bearer ADMIN_KEY`, never get CORS headers):
//   POST   /articles       one JSON article, a JSON array or JSON Lines; all or nothing
//   PUT    /articles/{id}  one JSON article; its id must match the path (or is set from it)
//   DELETE /articles/{id}  404 when there is no such article
// Without a configured admin key they answer 403 (ingest disabled); without a key or with a
// wrong one 401; with a search key 403. They are answered only after the writer committed (see
// writer_queue.hpp). Which key each route needs is one table, Router::routes(), which the
// authorization check and the tests both read, so a new route cannot be left open by mistake.
//
// Search routes (/search, GET /articles/{id}) are public until search keys are configured
// (keys.hpp); then they need a search or admin key. The page (/) stays public: it is the
// site's own UI and a browser cannot send a Bearer key on navigation.
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
#include "newsq/server/errors.hpp"
#include "newsq/server/ingest.hpp"
#include "newsq/server/keys.hpp"
#include "newsq/server/metrics.hpp"
#include "newsq/server/rate_limiter.hpp"
#include "newsq/server/search_backend.hpp"
#include "newsq/server/search_params.hpp"

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
  std::function<void(std::string_view)> log_error = {};
  /// The API keys (keys.hpp). Without admin keys the admin routes answer 403; without search
  /// keys search is public.
  KeyRing keys;
  /// GET /metrics needs an admin key (--metrics-admin); public otherwise.
  bool metrics_admin = false;
  /// Receives request rejections by reason and renders /metrics; none: /metrics answers 404.
  /// Must outlive the router.
  Metrics* metrics = nullptr;
  /// Per-client limit on searches (GET /search and page searches); none: unlimited. Must
  /// outlive the router.
  RateLimiter* rate_limiter = nullptr;

  /// Query limits, checked before searching (400 bad_query / bad_parameter):
  std::size_t max_query_bytes = 1024;  ///< bytes of `q`
  std::size_t max_query_terms = 32;    ///< words in `q` plus topic/source/kind values
  /// offset + limit at most this; never above newsq::kMaxOffset + newsq::kMaxLimit.
  std::size_t max_window = 10'000;
  std::size_t max_facet_size = 100;  ///< `facet_size` (topic buckets) at most this

  /// How sort=relevance blends recency in (--recency-weight, --recency-half-life); a request's
  /// `now` parameter overrides the reference time.
  Recency recency;
};

/// Who may call a route.
enum class RouteAccess { open, search, admin };

/// One (method, path) the router answers. `path` is a template: "{id}" and "{name}" stand for
/// one path segment.
struct RouteInfo {
  std::string_view method;
  std::string_view path;
  RouteAccess access;
};

/// Where a request comes from, as the server saw the connection.
struct Client {
  std::string address;  ///< the peer's IP address ("" when unknown: no per-client limits)
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
  Response handle(const Request& request, const Client& client = {}) const;

  /// Like handle(), but an ingest request returns at once and `respond` is called from the
  /// writer's thread after the commit; every other request is answered before returning.
  /// Never throws.
  void handle_async(Request request, Respond respond, const Client& client = {}) const;

  /// Every (method, route) this router answers, with the access each needs (OPTIONS, answered on
  /// every route without a key, is not listed). The authorization check reads this table.
  std::vector<RouteInfo> routes() const;

  /// The route label of a request target for metrics and logs: one of Metrics::kRoutes.
  static std::string_view route_name(std::string_view target) noexcept;

 private:
  /// handle() after refused() let the request through (non-ingest requests).
  Response handle_checked(const Request& request) const;
  Response dispatch(const Request& request) const;
  Response search(const Request& request, std::string_view query) const;
  Response article(const Request& request, const std::string& id) const;
  Response suggest(const Request& request, std::string_view query) const;
  Response related(const Request& request, const std::string& id, std::string_view query) const;
  Response health(const Request& request) const;
  Response ready(const Request& request) const;
  Response metrics(const Request& request) const;
  /// The error that refuses `request` before routing (missing or wrong key, rate limit, query
  /// limits), or nullopt.
  std::optional<HttpError> refused(const Request& request, const Client& client) const;
  /// Checks the query limits; throws Error(bad_query / bad_parameter).
  void check_query_limits(const SearchParams& params) const;
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
