#include "newsq/server/router.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <future>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <unicode/utf8.h>

#include "newsq/server/errors.hpp"
#include "newsq/server/page.hpp"
#include "newsq/server/search_params.hpp"

namespace newsq::server {

namespace urls = boost::urls;

namespace {

std::string_view to_std(boost::beast::string_view text) { return {text.data(), text.size()}; }

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
  return std::round(elapsed.count() * 1000) / 1000;  // microsecond precision is plenty
}

Response html_response(http::status status, std::string body, unsigned version) {
  Response response{status, version};
  add_common_headers(response);
  response.set(http::field::content_type, "text/html; charset=utf-8");
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set("X-Frame-Options", "DENY");  // frame-ancestors for browsers without CSP 2
  response.set("Referrer-Policy", "no-referrer");
  response.set(http::field::cache_control, "no-cache");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

/// The route a path names, independent of the method (for 404 versus 405).
enum class Route {
  none, page, search, suggest, article, related, articles, health, ready, metrics, asset
};

struct Match {
  Route route = Route::none;
  std::string argument;  ///< percent-decoded article id or asset name
};

Match match_route(const urls::url_view& url) {
  auto path = to_std(url.encoded_path());
  if (path == "/") return {Route::page, {}};
  if (path == "/search") return {Route::search, {}};
  if (path == "/suggest") return {Route::suggest, {}};
  if (path == "/healthz") return {Route::health, {}};
  if (path == "/readyz") return {Route::ready, {}};
  if (path == "/metrics") return {Route::metrics, {}};
  if (path == "/articles") return {Route::articles, {}};
  auto segments = url.encoded_segments();
  if (segments.size() == 2 && url.is_path_absolute()) {
    auto first = *segments.begin();
    auto second = *std::next(segments.begin());
    // Decoding after splitting keeps an id containing "%2F" in one piece.
    if (!second.empty() && first == "articles") return {Route::article, second.decode()};
    if (!second.empty() && first == "static") return {Route::asset, second.decode()};
  }
  if (segments.size() == 3 && url.is_path_absolute()) {
    auto it = segments.begin();
    auto first = *it++;
    auto second = *it++;
    if (first == "articles" && !second.empty() && *it == "related")
      return {Route::related, second.decode()};
  }
  return {};
}

/// An article id taken from the path, where percent-encoding can decode to any bytes. Ids are
/// text, stored and answered as JSON strings, so bytes that are not UTF-8 are refused here
/// rather than failing later as an error of the index or of the answer.
const std::string& checked_article_id(const std::string& id) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(id.data());
  const auto length = static_cast<std::int32_t>(id.size());
  for (std::int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0)
      throw Error(ErrorCode::bad_parameter,
                  "the article id in the path is not UTF-8 once percent-decoded");
  }
  return id;
}

constexpr std::string_view kArticleMethods = "GET, HEAD, PUT, DELETE, OPTIONS";
constexpr std::string_view kArticlesMethods = "POST, OPTIONS";

/// The route table: every (route, method) answered and who may call it. Route::metrics is
/// listed as open; Router::access_of() makes it admin under metrics_admin.
struct RouteEntry {
  Route route;
  http::verb method;
  std::string_view path;
  RouteAccess access;
};

constexpr RouteEntry kRouteTable[] = {
    {Route::page, http::verb::get, "/", RouteAccess::open},
    {Route::page, http::verb::head, "/", RouteAccess::open},
    {Route::search, http::verb::get, "/search", RouteAccess::search},
    {Route::search, http::verb::head, "/search", RouteAccess::search},
    {Route::suggest, http::verb::get, "/suggest", RouteAccess::search},
    {Route::suggest, http::verb::head, "/suggest", RouteAccess::search},
    {Route::article, http::verb::get, "/articles/{id}", RouteAccess::search},
    {Route::article, http::verb::head, "/articles/{id}", RouteAccess::search},
    {Route::article, http::verb::put, "/articles/{id}", RouteAccess::admin},
    {Route::article, http::verb::delete_, "/articles/{id}", RouteAccess::admin},
    {Route::related, http::verb::get, "/articles/{id}/related", RouteAccess::search},
    {Route::related, http::verb::head, "/articles/{id}/related", RouteAccess::search},
    {Route::articles, http::verb::post, "/articles", RouteAccess::admin},
    {Route::health, http::verb::get, "/healthz", RouteAccess::open},
    {Route::health, http::verb::head, "/healthz", RouteAccess::open},
    {Route::ready, http::verb::get, "/readyz", RouteAccess::open},
    {Route::ready, http::verb::head, "/readyz", RouteAccess::open},
    {Route::metrics, http::verb::get, "/metrics", RouteAccess::open},
    {Route::metrics, http::verb::head, "/metrics", RouteAccess::open},
    {Route::asset, http::verb::get, "/static/{name}", RouteAccess::open},
    {Route::asset, http::verb::head, "/static/{name}", RouteAccess::open},
};

/// Words in a query: runs of letters and digits (any byte >= 0x80 counts as a letter, so
/// UTF-8 words are one run). Operators and punctuation separate words without being counted,
/// which over- rather than under-counts what the query parser makes of it.
std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool word_char = byte >= 0x80 || std::isalnum(byte) != 0;
    if (word_char && !in_word) ++words;
    in_word = word_char;
  }
  return words;
}

bool is_write(http::verb method) {
  return method == http::verb::post || method == http::verb::put || method == http::verb::delete_;
}

/// The admin request a request is, if any: POST /articles, PUT or DELETE /articles/{id}.
/// Returns the article id ("" for POST /articles).
std::optional<std::string> admin_request(const Request& request) {
  if (!is_write(request.method())) return std::nullopt;
  auto target = to_std(request.target());
  auto parsed = urls::parse_origin_form(urls::string_view(target.data(), target.size()));
  if (!parsed) return std::nullopt;
  auto match = match_route(*parsed);
  if (match.route == Route::articles && request.method() == http::verb::post) return "";
  if (match.route == Route::article && request.method() != http::verb::post) return match.argument;
  return std::nullopt;
}

std::optional<Match> match_target(std::string_view target) {
  auto parsed = urls::parse_origin_form(urls::string_view(target.data(), target.size()));
  if (!parsed) return std::nullopt;
  return match_route(*parsed);
}

}  // namespace

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> table;
  for (const auto& entry : kRouteTable) {
    auto access = entry.access;
    if (entry.route == Route::metrics && config_.metrics_admin) access = RouteAccess::admin;
    table.push_back({to_std(http::to_string(entry.method)), entry.path, access});
  }
  return table;
}

std::string_view Router::route_name(std::string_view target) noexcept {
  try {
    auto match = match_target(target);
    if (!match) return "none";
    switch (match->route) {
      case Route::page:
        return "page";
      case Route::search:
        return "search";
      case Route::suggest:
        return "suggest";
      case Route::article:
        return "article";
      case Route::related:
        return "related";
      case Route::articles:
        return "articles";
      case Route::health:
        return "healthz";
      case Route::ready:
        return "readyz";
      case Route::metrics:
        return "metrics";
      case Route::asset:
        return "static";
      case Route::none:
        break;
    }
  } catch (...) {
  }
  return "other";
}

std::optional<HttpError> Router::refused(const Request& request, const Client& client) const {
  auto target = to_std(request.target());
  if (target.size() > config_.max_target_bytes) return std::nullopt;  // dispatch: 414
  std::optional<Match> match;
  try {
    match = match_target(target);
  } catch (const std::exception&) {
    return std::nullopt;  // dispatch reports what is wrong with the target
  }
  if (!match || match->route == Route::none) return std::nullopt;
  auto method = request.method();
  if (method == http::verb::options) return std::nullopt;  // preflights carry no credentials
  const RouteEntry* entry = nullptr;
  for (const auto& candidate : kRouteTable)
    if (candidate.route == match->route && candidate.method == method) entry = &candidate;
  if (entry == nullptr) return std::nullopt;  // dispatch: 405
  auto access = entry->access;
  if (entry->route == Route::metrics && config_.metrics_admin) access = RouteAccess::admin;

  auto reject = [this](RejectReason reason, HttpError error) {
    if (config_.metrics) config_.metrics->record_rejection(reason);
    return std::optional<HttpError>(std::move(error));
  };
  auto authorization = to_std(request[http::field::authorization]);
  auto origin = to_std(request[http::field::origin]);
  if (access == RouteAccess::admin) {
    bool ingest_route = entry->route == Route::article || entry->route == Route::articles;
    if (!config_.keys.has_admin_keys() || (ingest_route && ingest_ == nullptr))
      return reject(RejectReason::auth, ingest_route ? ingest_disabled() : admin_disabled());
    switch (config_.keys.authorize(authorization, origin)) {
      case Access::admin:
        return std::nullopt;
      case Access::search:
      case Access::search_elsewhere:
        return reject(RejectReason::auth, search_key_forbidden());
      case Access::none:
      case Access::invalid:
        return reject(RejectReason::auth, unauthorized(true));
    }
  }
  // The page is public, but when it searches (a query string) it is a search like any other:
  // once search keys exist it needs one too, or the page would be a way around them.
  const bool page_searches =
      entry->route == Route::page && target.find('?') != std::string_view::npos;
  if ((access == RouteAccess::search || page_searches) && config_.keys.has_search_keys()) {
    auto granted = config_.keys.authorize(authorization, origin);
    if (granted != Access::search && granted != Access::admin)
      return reject(RejectReason::auth, unauthorized(false));
  }
  // Searches cost the index's time: limited per client (suggestions and related stories are
  // searches too). The page only when it searches.
  bool searches = entry->route == Route::search || entry->route == Route::suggest ||
                  entry->route == Route::related || page_searches;
  if (searches && config_.rate_limiter && !client.address.empty()) {
    if (auto wait = config_.rate_limiter->take(client.address))
      return reject(RejectReason::ratelimit, rate_limited(*wait));
  }
  return std::nullopt;
}

void Router::check_query_limits(const SearchParams& params) const {
  if (params.q.size() > config_.max_query_bytes)
    throw Error(ErrorCode::bad_query,
                "the query is longer than " + std::to_string(config_.max_query_bytes) + " bytes");
  auto terms =
      count_words(params.q) + params.topics.size() + params.sources.size() + params.kinds.size();
  if (terms > config_.max_query_terms)
    throw Error(ErrorCode::bad_query, "the query has " + std::to_string(terms) +
                                          " terms; at most " +
                                          std::to_string(config_.max_query_terms) +
                                          " are allowed (words of q plus "
                                          "topic, source and kind values)");
  auto window = std::min(config_.max_window, kMaxOffset + kMaxLimit);
  if (params.offset + params.limit > window)
    throw Error(ErrorCode::bad_parameter,
                "offset + limit must be at most " + std::to_string(window));
  if (params.facet_size && *params.facet_size > config_.max_facet_size)
    throw Error(ErrorCode::bad_parameter,
                "facet_size must be at most " + std::to_string(config_.max_facet_size));
}

/// Admin answers never get CORS headers: a browser page on another origin must not be able to
/// read them, whatever --cors-origin says.
static bool is_admin_answer(const Request& request, bool metrics_admin) {
  if (is_write(request.method())) return true;
  std::optional<Match> match;
  try {
    match = match_target(to_std(request.target()));
  } catch (const std::exception&) {
    return false;
  }
  if (!match) return false;
  return match->route == Route::articles || (metrics_admin && match->route == Route::metrics);
}

Router::Router(SearchBackend& backend, RouterConfig config, IngestBackend* ingest)
    : backend_(backend),
      ingest_(ingest),
      config_(std::move(config)),
      started_(std::chrono::steady_clock::now()) {}

void Router::handle_async(Request request, Respond respond, const Client& client) const {
  if (auto error = refused(request, client)) {
    auto response = error_response(*error, request.version());
    if (request.method() == http::verb::head) response.body().clear();
    return respond(std::move(response));
  }
  std::optional<std::string> id;
  try {
    if (to_std(request.target()).size() <= config_.max_target_bytes) id = admin_request(request);
  } catch (const std::exception&) {
    id.reset();  // handle() reports whatever is wrong with the target
  }
  if (!id) return respond(handle_checked(request));
  try {
    ingest(request, *id, respond);
  } catch (const Error& error) {
    auto http_error = http_error_from(error);
    if (http_error.status == http::status::internal_server_error && config_.log_error)
      config_.log_error(std::string(to_string(error.code())) + ": " + error.what());
    respond(error_response(http_error, request.version()));
  } catch (const std::exception& error) {
    if (config_.log_error) config_.log_error(std::string("unexpected exception: ") + error.what());
    respond(error_response(internal_error(), request.version()));
  }
}

void Router::ingest(const Request& request, const std::string& id, const Respond& respond) const {
  // refused() has checked the admin key and that ingest is enabled.
  auto version = request.version();
  if (ingest_ == nullptr) return respond(error_response(ingest_disabled(), version));
  if (!id.empty()) checked_article_id(id);

  std::vector<Change> changes;
  auto method = request.method();
  if (method == http::verb::post) {
    changes =
        parse_articles(request.body(), body_format_for(to_std(request[http::field::content_type])));
  } else if (method == http::verb::put) {
    changes.push_back(parse_put_article(request.body(), id));
  } else {
    changes.push_back({Change::Kind::remove, {}, id});
  }
  std::vector<std::string> ids;
  ids.reserve(changes.size());
  for (const auto& change : changes) ids.push_back(change.id);

  auto log_error = config_.log_error;
  ingest_->submit(std::move(changes), [respond, version, method, ids = std::move(ids),
                                       log_error](IngestOutcome outcome) {
    if (outcome.error) {
      auto http_error = http_error_from(*outcome.error);
      if (http_error.status == http::status::internal_server_error && log_error)
        log_error(std::string("ingest: ") + outcome.error->what());
      return respond(error_response(http_error, version));
    }
    if (method == http::verb::delete_) {
      if (outcome.existed.empty() || !outcome.existed[0])
        return respond(error_response(
            {http::status::not_found, "not_found", "no article with id " + ids[0]}, version));
      return respond(json_response(http::status::ok, {{"deleted", ids[0]}}, version));
    }
    nlohmann::json body = {{"indexed", ids.size()}, {"ids", ids}};
    respond(json_response(http::status::ok, body, version));
  });
}

Response Router::handle(const Request& request, const Client& client) const {
  // Tests and synchronous callers: wait for the answer (the writer's, for an ingest request).
  std::promise<Response> answer;
  auto future = answer.get_future();
  handle_async(
      request, [&answer](Response response) { answer.set_value(std::move(response)); }, client);
  return future.get();
}

Response Router::handle_checked(const Request& request) const {
  Response response;
  try {
    response = dispatch(request);
  } catch (const Error& error) {
    auto http_error = http_error_from(error);
    if (http_error.status == http::status::internal_server_error && config_.log_error)
      config_.log_error(std::string(to_string(error.code())) + ": " + error.what());
    response = error_response(http_error, request.version());
  } catch (const std::exception& error) {
    if (config_.log_error) config_.log_error(std::string("unexpected exception: ") + error.what());
    response = error_response(internal_error(), request.version());
  }
  if (!is_admin_answer(request, config_.metrics_admin)) add_cors_headers(request, response);
  if (request.method() == http::verb::head) {
    // HEAD gets GET's headers, Content-Length included, without the body.
    response.body().clear();
  }
  return response;
}

Response Router::dispatch(const Request& request) const {
  auto target = to_std(request.target());
  auto version = request.version();
  if (target.size() > config_.max_target_bytes)
    return error_response(uri_too_long(config_.max_target_bytes), version);
  if (target == "*" && request.method() == http::verb::options) return preflight(request);

  auto parsed = urls::parse_origin_form(urls::string_view(target.data(), target.size()));
  if (!parsed)
    return error_response({http::status::bad_request, "bad_request",
                           "the request target is not a valid path and query"},
                          version);
  const urls::url_view& url = *parsed;
  auto match = match_route(url);
  if (match.route == Route::none)
    return error_response(route_not_found(to_std(url.encoded_path())), version);

  if (match.route == Route::articles) {
    // POST is the only method here, and it is an admin request (handled before dispatch).
    if (request.method() == http::verb::options) {
      Response response{http::status::no_content, version};
      add_common_headers(response);
      response.set(http::field::allow, kArticlesMethods);
      response.prepare_payload();
      return response;
    }
    return error_response(method_not_allowed(to_std(request.method_string()), kArticlesMethods),
                          version);
  }
  switch (request.method()) {
    case http::verb::get:
    case http::verb::head:
      break;
    case http::verb::options:
      return preflight(request);
    default:
      return error_response(
          method_not_allowed(to_std(request.method_string()),
                             match.route == Route::article ? kArticleMethods : kAllowedMethods),
          version);
  }

  auto query = to_std(url.encoded_query());
  switch (match.route) {
    case Route::page:
      return page(request, query);
    case Route::search:
      return search(request, query);
    case Route::suggest:
      return suggest(request, query);
    case Route::article:
      return article(request, checked_article_id(match.argument));
    case Route::related:
      return related(request, checked_article_id(match.argument), query);
    case Route::articles:
      break;
    case Route::health:
      return health(request);
    case Route::ready:
      return ready(request);
    case Route::metrics:
      return metrics(request);
    case Route::asset:
      return asset(request, match.argument);
    case Route::none:
      break;
  }
  return error_response(route_not_found(to_std(url.encoded_path())), version);
}

Response Router::search(const Request& request, std::string_view query) const {
  auto params = parse_search_params(query);
  check_query_limits(params);
  auto search_request = to_search_request(params, config_.recency);
  auto start = std::chrono::steady_clock::now();
  auto result = backend_.search(search_request);
  auto body = to_json(std::move(result));
  body["took_ms"] = milliseconds_since(start);
  return json_response(http::status::ok, body, request.version());
}

Response Router::suggest(const Request& request, std::string_view query) const {
  const SuggestParams params = parse_suggest_params(query);
  if (params.q.size() > config_.max_query_bytes)
    throw Error(ErrorCode::bad_query,
                "the query is longer than " + std::to_string(config_.max_query_bytes) + " bytes");
  auto start = std::chrono::steady_clock::now();
  auto body = to_json(params.q, backend_.suggest(params.q, params.limit));
  body["took_ms"] = milliseconds_since(start);
  auto response = json_response(http::status::ok, body, request.version());
  // Typed prefixes repeat across readers: a minute of caching spares the index. Not "public":
  // a shared cache must not hand an answer given to a search key to callers without one.
  response.set(http::field::cache_control, "max-age=60");
  return response;
}

Response Router::related(const Request& request, const std::string& id,
                         std::string_view query) const {
  RelatedRequest related_request;
  related_request.id = id;
  const SearchParams params = parse_search_params(query);  // limit and collapse only
  related_request.limit = params.limit;
  related_request.collapse = params.collapse;
  auto start = std::chrono::steady_clock::now();
  auto body = to_json(backend_.related(related_request));
  body["took_ms"] = milliseconds_since(start);
  return json_response(http::status::ok, body, request.version());
}

Response Router::article(const Request& request, const std::string& id) const {
  auto found = backend_.get(id);
  if (!found)
    return error_response({http::status::not_found, "not_found", "no article with id " + id},
                          request.version());
  return json_response(http::status::ok, to_json(*found), request.version());
}

Response Router::health(const Request& request) const {
  auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_)
          .count();
  try {
    auto stats = backend_.stats();
    nlohmann::json body = {{"status", "ok"},
                           {"index", stats.path},
                           {"documents", stats.documents},
                           {"revision", stats.revision},
                           {"last_update", stats.last_update},
                           {"uptime_s", uptime}};
    return json_response(http::status::ok, body, request.version());
  } catch (const Error& error) {
    // Liveness: the process is up, so 200 (a restart would not bring the index back); the body
    // says why the index is not being served. /readyz is the one that answers 503.
    auto http_error = http_error_from(error);
    nlohmann::json body = {{"status", "unavailable"}, {"index", backend_.index_path()},
                           {"documents", nullptr},    {"revision", nullptr},
                           {"uptime_s", uptime},      {"error", error_body(http_error)["error"]}};
    return json_response(http::status::ok, body, request.version());
  }
}

Response Router::ready(const Request& request) const {
  try {
    // stats() goes through a pooled reader, which reopens when it is older than the refresh
    // interval: success means an index is open and at most one refresh interval stale.
    auto stats = backend_.stats();
    nlohmann::json body = {
        {"status", "ready"}, {"documents", stats.documents}, {"revision", stats.revision}};
    return json_response(http::status::ok, body, request.version());
  } catch (const Error& error) {
    auto http_error = not_ready(error.what());
    nlohmann::json body = {{"status", "not_ready"}, {"error", error_body(http_error)["error"]}};
    auto response = json_response(http_error.status, body, request.version());
    response.set(http::field::retry_after, std::to_string(http_error.retry_after_s.value_or(1)));
    return response;
  }
}

Response Router::metrics(const Request& request) const {
  if (config_.metrics == nullptr)
    return error_response(route_not_found("/metrics"), request.version());
  std::optional<IndexGauges> index;
  try {
    auto stats = backend_.stats();
    index = IndexGauges{stats.documents, stats.revision};
  } catch (const Error&) {
    index.reset();  // newsq_index_up 0
  }
  Response response{http::status::ok, request.version()};
  add_common_headers(response);
  response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  response.body() = config_.metrics->render(index);
  response.prepare_payload();
  return response;
}

Response Router::page(const Request& request, std::string_view query) const {
  std::optional<SearchParams> params;
  std::optional<HttpError> failure;
  std::optional<SearchResult> result;
  double took_ms = 0;
  try {
    params = parse_search_params(query);
    check_query_limits(*params);
    if (params->has_query) {
      auto search_request = to_search_request(page_search_params(*params), config_.recency);
      auto start = std::chrono::steady_clock::now();
      result = backend_.search(search_request);
      took_ms = milliseconds_since(start);
    }
  } catch (const Error& error) {
    failure = http_error_from(error);
    if (failure->status == http::status::internal_server_error && config_.log_error)
      config_.log_error(std::string(to_string(error.code())) + ": " + error.what());
  }
  SearchParams shown = params.value_or(SearchParams{});
  PageView view{shown, result ? &*result : nullptr, failure ? &*failure : nullptr, took_ms,
                assets_.version()};
  auto status = failure ? failure->status : http::status::ok;
  return html_response(status, render_page(view), request.version());
}

Response Router::asset(const Request& request, std::string_view name) const {
  const Asset* found = assets_.find(name);
  if (found == nullptr)
    return error_response(route_not_found("/static/" + std::string(name)), request.version());
  auto if_none_match = to_std(request[http::field::if_none_match]);
  bool not_modified =
      !if_none_match.empty() &&
      (if_none_match == "*" || if_none_match.find(found->etag) != std::string::npos);
  Response response{not_modified ? http::status::not_modified : http::status::ok,
                    request.version()};
  add_common_headers(response);
  response.set(http::field::etag, found->etag);
  // The page links assets with ?v=<version>; such URLs never change content, others may.
  auto target = to_std(request.target());
  bool versioned = target.find("v=" + assets_.version()) != std::string_view::npos;
  response.set(http::field::cache_control,
               versioned ? "public, max-age=31536000, immutable" : "public, max-age=300");
  response.set(http::field::content_type, found->content_type);
  if (!not_modified) response.body() = std::string(found->bytes);
  response.prepare_payload();
  return response;
}

Response Router::preflight(const Request& request) const {
  Response response{http::status::no_content, request.version()};
  add_common_headers(response);
  response.set(http::field::allow, kAllowedMethods);
  auto origin = to_std(request[http::field::origin]);
  if (!origin.empty() && std::find(config_.cors_origins.begin(), config_.cors_origins.end(),
                                   origin) != config_.cors_origins.end()) {
    response.set(http::field::access_control_allow_methods, kAllowedMethods);
    response.set(http::field::access_control_allow_headers, "Content-Type");
    response.set(http::field::access_control_max_age, "600");
  }
  response.prepare_payload();
  return response;
}

void Router::add_cors_headers(const Request& request, Response& response) const {
  if (config_.cors_origins.empty()) return;
  // The answer depends on Origin whenever CORS is configured: caches must key on it.
  response.set(http::field::vary, "Origin");
  auto origin = to_std(request[http::field::origin]);
  if (origin.empty()) return;
  if (std::find(config_.cors_origins.begin(), config_.cors_origins.end(), origin) !=
      config_.cors_origins.end())
    response.set(http::field::access_control_allow_origin, origin);
}

}  // namespace newsq::server
