// The router as a plain function: every route and every error status, without sockets.
#include "newsq/server/router.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>

#include "newsq/errors.hpp"

using namespace newsq;
using namespace newsq::server;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;

namespace {

/// A backend that returns canned answers, or throws the error it is told to.
class FakeBackend : public SearchBackend {
 public:
  std::optional<Error> fail_with;
  SearchRequest last_request;
  int searches = 0;

  SearchResult search(const SearchRequest& request) override {
    if (fail_with) throw *fail_with;
    last_request = request;
    ++searches;
    SearchResult result;
    result.query = request.query;
    result.total = 1;
    result.total_exact = true;
    Hit hit;
    hit.id = "a1";
    hit.title = "Russia's silence on <Syrian> demand";
    hit.url = "https://example.org/a1";
    hit.topics = {"syria"};
    hit.snippet = "<mark>Tartous</mark>";
    result.hits.push_back(hit);
    result.facet_topics = request.facet_topics;
    if (request.facet_topics) result.topic_facets = {{"syria", 1}};
    return result;
  }
  std::optional<Article> get(const std::string& id) override {
    if (fail_with) throw *fail_with;
    if (id != "a/1 é") return std::nullopt;
    Article article;
    article.id = id;
    article.title = "Found";
    article.body = "Body";
    return article;
  }
  RelatedRequest last_related;
  SearchResult related(const RelatedRequest& request) override {
    if (fail_with) throw *fail_with;
    if (request.id != "a/1 é") throw Error(ErrorCode::not_found, "no article with id " + request.id);
    last_related = request;
    SearchResult result;
    result.query = "related:" + request.id;
    Hit hit;
    hit.id = "a2";
    hit.title = "Related";
    result.hits.push_back(hit);
    return result;
  }
  std::string last_prefix;
  std::size_t last_suggest_limit = 0;
  std::vector<Suggestion> suggest(std::string_view prefix, std::size_t limit) override {
    if (fail_with) throw *fail_with;
    last_prefix = prefix;
    last_suggest_limit = limit;
    return {{"tartous", "title", 3}, {"tariffs", "topic", 2}};
  }
  IndexStats stats() override {
    if (fail_with) throw *fail_with;
    IndexStats stats;
    stats.path = "/idx";
    stats.documents = 42;
    stats.revision = 7;
    return stats;
  }
  std::string index_path() const override { return "/idx"; }
};

Request make_request(verb method, std::string target, std::string origin = "") {
  Request request{method, target, 11};
  request.set(field::host, "127.0.0.1");
  if (!origin.empty()) request.set(field::origin, origin);
  return request;
}

nlohmann::json json_of(const Response& response) { return nlohmann::json::parse(response.body()); }

struct Fixture {
  FakeBackend backend;
  Router router{backend, {}};
  Response get(const std::string& target) { return router.handle(make_request(verb::get, target)); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "GET /search returns the result JSON with took_ms", "[router]") {
  auto response = get("/search?q=Tartous+naval+base&topic=syria,war&facets=topic&limit=5");
  REQUIRE(response.result() == status::ok);
  CHECK(response[field::content_type] == "application/json; charset=utf-8");
  CHECK(response[field::content_length] == std::to_string(response.body().size()));
  auto body = json_of(response);
  CHECK(body["query"] == "Tartous naval base");
  CHECK(body["total"]["value"] == 1);
  CHECK(body["hits"][0]["id"] == "a1");
  CHECK(body["facets"]["topic"][0]["value"] == "syria");
  CHECK(body["took_ms"].is_number());
  CHECK(backend.last_request.topics == std::vector<std::string>{"syria", "war"});
  CHECK(backend.last_request.limit == 5);
}

TEST_CASE_METHOD(Fixture, "bad parameters and bad queries are 400 with the error shape",
                 "[router]") {
  auto response = get("/search?q=x&limit=1000");
  CHECK(response.result() == status::bad_request);
  CHECK(json_of(response)["error"]["code"] == "bad_parameter");
  CHECK(get("/search?from=tomorrow").result() == status::bad_request);
  CHECK(get("/search?q=%zz").result() == status::bad_request);

  backend.fail_with = Error(ErrorCode::bad_query, "cannot parse \"x");
  response = get("/search?q=%22x");
  CHECK(response.result() == status::bad_request);
  CHECK(json_of(response) ==
        nlohmann::json{{"error", {{"code", "bad_query"}, {"message", "cannot parse \"x"}}}});
}

TEST_CASE_METHOD(Fixture, "index errors are 503, internal errors 500 without details", "[router]") {
  for (auto code :
       {ErrorCode::index_missing, ErrorCode::index_unavailable, ErrorCode::schema_mismatch}) {
    backend.fail_with = Error(code, "no index");
    auto response = get("/search?q=x");
    CHECK(response.result() == status::service_unavailable);
    CHECK(json_of(response)["error"]["code"] == std::string(to_string(code)));
  }
  std::vector<std::string> logged;
  std::mutex mutex;
  RouterConfig config;
  config.log_error = [&](std::string_view message) {
    std::lock_guard lock(mutex);
    logged.emplace_back(message);
  };
  Router logging_router(backend, config);
  backend.fail_with = Error(ErrorCode::internal, "secret detail");
  auto response = logging_router.handle(make_request(verb::get, "/search?q=x"));
  CHECK(response.result() == status::internal_server_error);
  CHECK(response.body().find("secret") == std::string::npos);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0].find("secret detail") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "GET /articles/{id} decodes the id, 404 when absent", "[router]") {
  auto response = get("/articles/a%2F1%20%C3%A9");
  REQUIRE(response.result() == status::ok);
  CHECK(json_of(response)["title"] == "Found");
  response = get("/articles/nope");
  CHECK(response.result() == status::not_found);
  CHECK(json_of(response)["error"]["code"] == "not_found");
  CHECK(get("/articles/").result() == status::not_found);
  CHECK(get("/articles/a/b").result() == status::not_found);
  // Ids are text: bytes that are not UTF-8 once decoded are a bad parameter, not a lookup.
  for (const char* target : {"/articles/%FF", "/articles/a%C3", "/articles/%ED%A0%80/related"}) {
    response = get(target);
    CHECK(response.result() == status::bad_request);
    CHECK(json_of(response)["error"]["code"] == "bad_parameter");
  }
}

TEST_CASE_METHOD(Fixture, "GET /articles/{id}/related lists related stories, 404 for no story",
                 "[router]") {
  auto response = get("/articles/a%2F1%20%C3%A9/related?limit=3&collapse=false");
  REQUIRE(response.result() == status::ok);
  auto body = json_of(response);
  CHECK(body["query"] == "related:a/1 é");
  CHECK(body["hits"][0]["id"] == "a2");
  CHECK(body["took_ms"].is_number());
  CHECK(backend.last_related.limit == 3);
  CHECK_FALSE(backend.last_related.collapse);
  response = get("/articles/nope/related");
  CHECK(response.result() == status::not_found);
  CHECK(json_of(response)["error"]["code"] == "not_found");
  CHECK(get("/articles/a/related/x").result() == status::not_found);
  CHECK(get("/articles/a%2F1%20%C3%A9/related?limit=101").result() == status::bad_request);
  CHECK(router.handle(make_request(verb::put, "/articles/a/related")).result() ==
        status::method_not_allowed);
}

TEST_CASE_METHOD(Fixture, "GET /suggest completes the typed prefix", "[router]") {
  auto response = get("/suggest?q=Tartous+na&limit=5");
  REQUIRE(response.result() == status::ok);
  auto body = json_of(response);
  CHECK(body["query"] == "Tartous na");
  CHECK(body["suggestions"] == nlohmann::json::parse(R"([{"text":"tartous","kind":"title","count":3},
      {"text":"tariffs","kind":"topic","count":2}])"));
  CHECK(response[field::cache_control] == "max-age=60");
  CHECK(backend.last_prefix == "Tartous na");
  CHECK(backend.last_suggest_limit == 5);
  get("/suggest?q=ta");
  CHECK(backend.last_suggest_limit == 8);  // the default
  CHECK(get("/suggest?q=ta&limit=0").result() == status::bad_request);
  CHECK(get("/suggest?q=ta&limit=21").result() == status::bad_request);
  CHECK(get("/suggest?q=" + std::string(2000, 'a')).result() == status::bad_request);
  backend.fail_with = Error(ErrorCode::index_missing, "no index");
  CHECK(get("/suggest?q=ta").result() == status::service_unavailable);
}

TEST_CASE_METHOD(Fixture, "sort=text, sort=date and now reach the search request", "[router]") {
  RouterConfig config;
  config.recency.weight = 0.5;
  config.recency.half_life_days = 7;
  Router configured(backend, config);
  auto response = configured.handle(make_request(verb::get, "/search?q=x&sort=text"));
  REQUIRE(response.result() == status::ok);
  CHECK(backend.last_request.sort == SortOrder::text);
  CHECK(backend.last_request.recency.weight == 0.5);
  CHECK(backend.last_request.recency.half_life_days == 7);
  CHECK_FALSE(backend.last_request.recency.now);
  configured.handle(make_request(verb::get, "/search?q=x&now=2025-01-30"));
  CHECK(backend.last_request.sort == SortOrder::relevance);
  REQUIRE(backend.last_request.recency.now);
  CHECK(*backend.last_request.recency.now == 1738195200);
  CHECK(get("/search?q=x&now=yesterday").result() == status::bad_request);
  CHECK(get("/search?q=x&sort=best").result() == status::bad_request);
}

TEST_CASE_METHOD(Fixture, "GET /healthz is liveness and /readyz readiness", "[router]") {
  auto response = get("/healthz");
  REQUIRE(response.result() == status::ok);
  auto body = json_of(response);
  CHECK(body["status"] == "ok");
  CHECK(body["index"] == "/idx");
  CHECK(body["documents"] == 42);
  CHECK(body["revision"] == 7);
  CHECK(body["uptime_s"].is_number());

  backend.fail_with = Error(ErrorCode::index_missing, "no index at /idx");
  response = get("/healthz");
  CHECK(response.result() == status::ok);  // the process is alive; the body says why not ready
  body = json_of(response);
  CHECK(body["status"] == "unavailable");
  CHECK(body["index"] == "/idx");
  CHECK(body["error"]["code"] == "index_missing");
  auto ready = get("/readyz");
  CHECK(ready.result() == status::service_unavailable);
  CHECK(ready[field::retry_after] == "1");
  CHECK(json_of(ready)["error"]["code"] == "not_ready");

  backend.fail_with.reset();
  ready = get("/readyz");
  CHECK(ready.result() == status::ok);
  CHECK(json_of(ready)["documents"] == 42);
}

TEST_CASE_METHOD(Fixture, "GET / renders the page, with results when asked", "[router]") {
  auto response = get("/");
  REQUIRE(response.result() == status::ok);
  CHECK(response[field::content_type] == "text/html; charset=utf-8");
  CHECK(response["Content-Security-Policy"].find("script-src 'self'") != std::string::npos);
  CHECK(response["X-Content-Type-Options"] == "nosniff");
  CHECK(backend.searches == 0);

  response = get("/?q=%3Cscript%3E");
  REQUIRE(response.result() == status::ok);
  CHECK(backend.searches == 1);
  CHECK(backend.last_request.facet_topics);
  CHECK(backend.last_request.facet_date == DateBucket::month);
  CHECK(response.body().find("<script>") == std::string::npos);
  CHECK(response.body().find("Russia&#39;s silence on &lt;Syrian&gt; demand") != std::string::npos);

  response = get("/?q=x&from=never");
  CHECK(response.result() == status::bad_request);
  CHECK(response[field::content_type] == "text/html; charset=utf-8");
  CHECK(response.body().find("role=\"alert\"") != std::string::npos);

  backend.fail_with = Error(ErrorCode::index_missing, "no index");
  CHECK(get("/?q=x").result() == status::service_unavailable);
}

TEST_CASE_METHOD(Fixture, "static assets have types, ETags and caching", "[router]") {
  auto response = get("/static/style.css");
  REQUIRE(response.result() == status::ok);
  CHECK(response[field::content_type] == "text/css; charset=utf-8");
  CHECK(response[field::cache_control] == "public, max-age=300");
  auto etag = std::string(response[field::etag]);
  CHECK(etag.size() == 18);

  auto page = get("/").body();
  auto at = page.find("/static/app.js?v=");
  REQUIRE(at != std::string::npos);
  auto versioned = page.substr(at, page.find('"', at) - at);
  response = get(versioned);
  CHECK(response[field::content_type] == "text/javascript; charset=utf-8");
  CHECK(response[field::cache_control] == "public, max-age=31536000, immutable");

  auto conditional = make_request(verb::get, "/static/style.css");
  conditional.set(field::if_none_match, etag);
  response = router.handle(conditional);
  CHECK(response.result() == status::not_modified);
  CHECK(response.body().empty());

  CHECK(get("/static/nope.js").result() == status::not_found);
  CHECK(get("/static/..%2Fsrc%2Fmain.cpp").result() == status::not_found);
}

TEST_CASE_METHOD(Fixture, "unknown paths are 404, other methods 405 with Allow", "[router]") {
  auto response = get("/nope");
  CHECK(response.result() == status::not_found);
  CHECK(json_of(response)["error"]["code"] == "not_found");
  CHECK(get("/search/").result() == status::not_found);

  for (auto method : {verb::post, verb::put, verb::delete_, verb::patch}) {
    response = router.handle(make_request(method, "/search?q=x"));
    CHECK(response.result() == status::method_not_allowed);
    CHECK(response[field::allow] == "GET, HEAD, OPTIONS");
    CHECK(json_of(response)["error"]["code"] == "method_not_allowed");
  }
  CHECK(router.handle(make_request(verb::post, "/nope")).result() == status::not_found);
}

TEST_CASE("targets longer than the limit are 414, non-origin forms 400", "[router]") {
  FakeBackend backend;
  RouterConfig config;
  config.max_target_bytes = 100;
  Router router(backend, config);
  auto response = router.handle(make_request(verb::get, "/search?q=" + std::string(100, 'a')));
  CHECK(response.result() == status::uri_too_long);
  CHECK(json_of(response)["error"]["code"] == "uri_too_long");
  CHECK(router.handle(make_request(verb::get, "/search?q=" + std::string(80, 'a'))).result() ==
        status::ok);
  CHECK(router.handle(make_request(verb::get, "http://example.org/")).result() ==
        status::bad_request);
}

TEST_CASE_METHOD(Fixture, "HEAD has GET's headers and no body", "[router]") {
  auto get_response = get("/search?q=x");
  auto head = router.handle(make_request(verb::head, "/search?q=x"));
  CHECK(head.result() == status::ok);
  CHECK(head.body().empty());
  // took_ms differs between the two calls, so compare lengths loosely.
  CHECK(std::stoul(std::string(head[field::content_length])) > 50);
  head = router.handle(make_request(verb::head, "/static/app.js"));
  CHECK(head[field::content_length] == std::string(get("/static/app.js")[field::content_length]));
  CHECK(head.body().empty());
}

TEST_CASE("CORS headers only for allowlisted origins", "[router]") {
  FakeBackend backend;
  RouterConfig config;
  config.cors_origins = {"https://news.example"};
  Router router(backend, config);

  auto allowed = router.handle(make_request(verb::get, "/search?q=x", "https://news.example"));
  CHECK(allowed[field::access_control_allow_origin] == "https://news.example");
  CHECK(allowed[field::vary] == "Origin");
  auto other = router.handle(make_request(verb::get, "/search?q=x", "https://evil.example"));
  CHECK(other[field::access_control_allow_origin].empty());
  CHECK(other[field::vary] == "Origin");

  auto preflight = router.handle(make_request(verb::options, "/search", "https://news.example"));
  CHECK(preflight.result() == status::no_content);
  CHECK(preflight[field::access_control_allow_origin] == "https://news.example");
  CHECK(preflight[field::access_control_allow_methods] == "GET, HEAD, OPTIONS");
  CHECK(preflight[field::allow] == "GET, HEAD, OPTIONS");
  auto refused = router.handle(make_request(verb::options, "/search", "https://evil.example"));
  CHECK(refused.result() == status::no_content);
  CHECK(refused[field::access_control_allow_origin].empty());
  CHECK(refused[field::access_control_allow_methods].empty());

  // Errors carry CORS headers too, so a page can read why its request failed.
  auto error = router.handle(make_request(verb::get, "/search?limit=0", "https://news.example"));
  CHECK(error.result() == status::bad_request);
  CHECK(error[field::access_control_allow_origin] == "https://news.example");
}

TEST_CASE_METHOD(Fixture, "no CORS headers by default", "[router]") {
  auto response = router.handle(make_request(verb::get, "/search?q=x", "https://news.example"));
  CHECK(response[field::access_control_allow_origin].empty());
  CHECK(response[field::vary].empty());
  CHECK(router.handle(make_request(verb::options, "*")).result() == status::no_content);
}

TEST_CASE_METHOD(Fixture, "the router is safe to call from many threads", "[router]") {
  std::atomic<int> ok{0};
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        if (router.handle(make_request(verb::get, "/healthz")).result() == status::ok) ++ok;
    });
  threads.clear();
  CHECK(ok == 200);
}
