#include "newsq/server/router.hpp"

#include <algorithm>
#include <cmath>
#include <future>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

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
  response.set("Referrer-Policy", "same-origin");
  response.set(http::field::cache_control, "no-cache");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

/// The route a path names, independent of the method (for 404 versus 405).
enum class Route { none, page, search, article, articles, health, asset };

struct Match {
  Route route = Route::none;
  std::string argument;  ///< percent-decoded article id or asset name
};

Match match_route(const urls::url_view& url) {
  auto path = to_std(url.encoded_path());
  if (path == "/") return {Route::page, {}};
  if (path == "/search") return {Route::search, {}};
  if (path == "/healthz") return {Route::health, {}};
  if (path == "/articles") return {Route::articles, {}};
  auto segments = url.encoded_segments();
  if (segments.size() == 2 && url.is_path_absolute()) {
    auto first = *segments.begin();
    auto second = *std::next(segments.begin());
    // Decoding after splitting keeps an id containing "%2F" in one piece.
    if (!second.empty() && first == "articles") return {Route::article, second.decode()};
    if (!second.empty() && first == "static") return {Route::asset, second.decode()};
  }
  return {};
}

constexpr std::string_view kArticleMethods = "GET, HEAD, PUT, DELETE, OPTIONS";
constexpr std::string_view kArticlesMethods = "POST, OPTIONS";

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

/// Admin answers never get CORS headers: a browser page on another origin must not be able to
/// read them, whatever --cors-origin says.
bool is_admin_path(const Request& request) {
  auto target = to_std(request.target());
  return target == "/articles" || target.starts_with("/articles?") ||
         (is_write(request.method()) && target.starts_with("/articles/"));
}

}  // namespace

Router::Router(SearchBackend& backend, RouterConfig config, IngestBackend* ingest)
    : backend_(backend),
      ingest_(ingest),
      config_(std::move(config)),
      started_(std::chrono::steady_clock::now()) {}

void Router::handle_async(Request request, Respond respond) const {
  std::optional<std::string> id;
  try {
    if (to_std(request.target()).size() <= config_.max_target_bytes) id = admin_request(request);
  } catch (const std::exception&) {
    id.reset();  // handle() reports whatever is wrong with the target
  }
  if (!id) return respond(handle(request));
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
  auto version = request.version();
  if (!config_.admin_token || ingest_ == nullptr)
    return respond(error_response(ingest_disabled(), version));
  if (!bearer_matches(to_std(request[http::field::authorization]), *config_.admin_token))
    return respond(error_response(unauthorized(), version));

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

Response Router::handle(const Request& request) const {
  std::optional<std::string> admin;
  try {
    if (to_std(request.target()).size() <= config_.max_target_bytes) admin = admin_request(request);
  } catch (const std::exception&) {
    admin.reset();
  }
  if (admin) {
    // Tests and synchronous callers: wait for the writer's answer.
    std::promise<Response> answer;
    auto future = answer.get_future();
    handle_async(request, [&answer](Response response) { answer.set_value(std::move(response)); });
    return future.get();
  }
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
  if (!is_admin_path(request)) add_cors_headers(request, response);
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
    case Route::article:
      return article(request, match.argument);
    case Route::articles:
      break;
    case Route::health:
      return health(request);
    case Route::asset:
      return asset(request, match.argument);
    case Route::none:
      break;
  }
  return error_response(route_not_found(to_std(url.encoded_path())), version);
}

Response Router::search(const Request& request, std::string_view query) const {
  auto search_request = to_search_request(parse_search_params(query));
  auto start = std::chrono::steady_clock::now();
  auto result = backend_.search(search_request);
  auto body = to_json(result);
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
    // Still JSON with the same keys, so monitors can show why the index is not being served.
    auto http_error = http_error_from(error);
    nlohmann::json body = {{"status", "unavailable"}, {"index", backend_.index_path()},
                           {"documents", nullptr},    {"revision", nullptr},
                           {"uptime_s", uptime},      {"error", error_body(http_error)["error"]}};
    return json_response(http_error.status, body, request.version());
  }
}

Response Router::page(const Request& request, std::string_view query) const {
  std::optional<SearchParams> params;
  std::optional<HttpError> failure;
  std::optional<SearchResult> result;
  double took_ms = 0;
  try {
    params = parse_search_params(query);
    if (params->has_query) {
      auto search_request = to_search_request(page_search_params(*params));
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
