// Keys, the route table, query limits, the rate limiter and /metrics, through the router
// without sockets.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "newsq/errors.hpp"
#include "newsq/server/keys.hpp"
#include "newsq/server/metrics.hpp"
#include "newsq/server/rate_limiter.hpp"
#include "newsq/server/router.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::server;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;
using json = nlohmann::json;

namespace {

constexpr const char* kAdmin = "admin-key-0123456789abcdef";
constexpr const char* kSearch = "search-key-0123456789abcdef";
constexpr const char* kSiteKey = "site-key-0123456789abcdefgh";

class StubBackend : public SearchBackend {
 public:
  int searches = 0;
  SearchResult search(const SearchRequest& request) override {
    ++searches;
    SearchResult result;
    result.query = request.query;
    return result;
  }
  std::optional<Article> get(const std::string& id) override {
    Article article;
    article.id = id;
    article.title = "t";
    return article;
  }
  SearchResult related(const RelatedRequest& request) override {
    SearchResult result;
    result.query = "related:" + request.id;
    return result;
  }
  std::vector<Suggestion> suggest(std::string_view prefix, std::size_t) override {
    return {{std::string(prefix) + "s", "title", 1}};
  }
  IndexStats stats() override {
    IndexStats stats;
    stats.documents = 3;
    stats.revision = 9;
    return stats;
  }
  std::string index_path() const override { return "/idx"; }
};

class NullWriter : public IngestBackend {
 public:
  void submit(std::vector<Change>, Completion done) override { done({std::nullopt, {true}}); }
};

KeyRing test_keys() {
  KeyRing keys;
  keys.add({ApiKey::Kind::admin, kAdmin, {}}, "test");
  keys.add({ApiKey::Kind::search, kSearch, {}}, "test");
  keys.add({ApiKey::Kind::search, kSiteKey, {"https://site.example"}}, "test");
  return keys;
}

Request make(verb method, std::string target, std::string key = "", std::string origin = "") {
  Request request{method, target, 11};
  request.set(field::host, "x");
  if (!key.empty()) request.set(field::authorization, "Bearer " + key);
  if (!origin.empty()) request.set(field::origin, origin);
  if (method == verb::post || method == verb::put) {
    request.body() = R"({"id":"a","title":"t","body":"b"})";
    request.set(field::content_type, "application/json");
  }
  request.prepare_payload();
  return request;
}

/// A concrete target for a route template.
std::string concrete(std::string_view path) {
  std::string text(path);
  for (std::string_view placeholder : {"{id}", "{name}"}) {
    auto at = text.find(placeholder);
    if (at != std::string::npos) text.replace(at, placeholder.size(), "app.js");
  }
  return text;
}

}  // namespace

TEST_CASE("the key file: kinds, origins, comments and errors naming FILE:LINE", "[keys]") {
  test::TempDir dir;
  auto path = (dir / "keys").string();
  test::write_file(dir / "keys", "# comment\n\nadmin " + std::string(kAdmin) + "\nsearch " +
                                     kSiteKey + " https://a.example https://b.example\n");
  auto keys = load_keys({path, std::nullopt, nullptr, nullptr, nullptr});
  CHECK(keys.size() == 2);
  CHECK(keys.has_admin_keys());
  CHECK(keys.has_search_keys());
  CHECK(keys.authorize(std::string("Bearer ") + kAdmin, "") == Access::admin);
  CHECK(keys.authorize(std::string("bearer ") + kSiteKey, "https://b.example") == Access::search);
  CHECK(keys.authorize(std::string("Bearer ") + kSiteKey, "https://evil.example") ==
        Access::search_elsewhere);
  CHECK(keys.authorize("Bearer wrong-key-0123456789abcdef", "") == Access::invalid);
  CHECK(keys.authorize("Basic abc", "") == Access::none);
  CHECK(keys.authorize("", "") == Access::none);

  for (const std::string& bad :
       std::vector<std::string>{"root " + std::string(kAdmin), "admin", "admin short",
                                "search " + std::string(kSearch) + " not-an-origin",
                                "admin " + std::string(kAdmin) + " https://a.example"}) {
    test::write_file(dir / "keys", "# ok\n" + bad + "\n");
    try {
      load_keys({path, std::nullopt, nullptr, nullptr, nullptr});
      FAIL("accepted: " << bad);
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::bad_parameter);
      CHECK_THAT(error.what(), Catch::Contains(path + ":2"));
      CHECK_THAT(error.what(), !Catch::Contains(kAdmin));  // never echoed
    }
  }
}

TEST_CASE("keys from the environment and the older admin token spellings", "[keys]") {
  test::TempDir dir;
  test::write_file(dir / "token", std::string(kAdmin) + "\n");
  auto keys = load_keys({std::nullopt, (dir / "token").string(), nullptr, kSearch, nullptr});
  CHECK(keys.authorize(std::string("Bearer ") + kAdmin, "") == Access::admin);
  CHECK(keys.authorize(std::string("Bearer ") + kSearch, "") == Access::search);
  auto env = load_keys({std::nullopt, std::nullopt, "", nullptr, kAdmin});  // NEWSQ_ADMIN_TOKEN
  CHECK(env.has_admin_keys());
  CHECK_FALSE(env.has_search_keys());
  CHECK_FALSE(load_keys({}).has_admin_keys());
  CHECK_THROWS_AS(load_keys({std::nullopt, std::nullopt, "short-secret", nullptr, nullptr}), Error);
}

TEST_CASE(
    "every admin route in the route table answers 401 without a key and 403 with a search "
    "key",
    "[keys]") {
  StubBackend backend;
  NullWriter writer;
  RouterConfig config;
  config.keys = test_keys();
  config.metrics_admin = true;
  Metrics metrics;
  config.metrics = &metrics;
  Router router(backend, config, &writer);
  auto routes = router.routes();
  REQUIRE(routes.size() >= 10);
  std::size_t admin_routes = 0;
  for (const auto& route : routes) {
    auto method = boost::beast::http::string_to_verb(route.method);
    auto target = concrete(route.path);
    INFO(route.method << " " << target);
    auto anonymous = router.handle(make(method, target));
    auto with_search = router.handle(make(method, target, kSearch));
    auto with_wrong = router.handle(make(method, target, "wrong-key-0123456789abcdef"));
    auto with_admin = router.handle(make(method, target, kAdmin));
    CHECK(with_admin.result() != status::unauthorized);
    CHECK(with_admin.result() != status::forbidden);
    if (route.access == RouteAccess::admin) {
      ++admin_routes;
      CHECK(anonymous.result() == status::unauthorized);
      CHECK(with_wrong.result() == status::unauthorized);
      CHECK(with_search.result() == status::forbidden);
      CHECK(with_admin[field::access_control_allow_origin].empty());
    } else if (route.access == RouteAccess::search) {
      CHECK(anonymous.result() == status::unauthorized);
      CHECK(with_search.result() != status::unauthorized);
    } else {
      CHECK(anonymous.result() != status::unauthorized);
      CHECK(anonymous.result() != status::forbidden);
    }
  }
  CHECK(admin_routes == 5);  // POST /articles, PUT and DELETE /articles/{id}, GET and HEAD /metrics
  CHECK(metrics.rejections(RejectReason::auth) > 0);
}

TEST_CASE("search is public without search keys, origin-restricted keys need their origin",
          "[keys]") {
  StubBackend backend;
  RouterConfig open_config;
  open_config.keys.add({ApiKey::Kind::admin, kAdmin, {}}, "test");
  Router open_router(backend, open_config);
  CHECK(open_router.handle(make(verb::get, "/search?q=x")).result() == status::ok);
  CHECK(open_router.handle(make(verb::get, "/articles/a")).result() == status::ok);

  RouterConfig config;
  config.keys = test_keys();
  Router router(backend, config);
  CHECK(router.handle(make(verb::get, "/search?q=x")).result() == status::unauthorized);
  CHECK(router.handle(make(verb::get, "/search?q=x", kSearch)).result() == status::ok);
  CHECK(router.handle(make(verb::get, "/search?q=x", kAdmin)).result() == status::ok);
  CHECK(router.handle(make(verb::get, "/search?q=x", kSiteKey, "https://site.example")).result() ==
        status::ok);
  CHECK(router.handle(make(verb::get, "/search?q=x", kSiteKey, "https://evil.example")).result() ==
        status::unauthorized);
  CHECK(router.handle(make(verb::get, "/search?q=x", kSiteKey)).result() == status::unauthorized);
  CHECK(router.handle(make(verb::get, "/")).result() == status::ok);  // the page stays public
  // ... but its searches are searches: no way around the keys.
  CHECK(router.handle(make(verb::get, "/?q=x")).result() == status::unauthorized);
  CHECK(router.handle(make(verb::get, "/?q=x", kSearch)).result() == status::ok);
  CHECK(open_router.handle(make(verb::get, "/?q=x")).result() == status::ok);
  CHECK(router.handle(make(verb::get, "/suggest?q=ta")).result() == status::unauthorized);
  CHECK(router.handle(make(verb::get, "/suggest?q=ta", kSearch)).result() == status::ok);
  CHECK(router.handle(make(verb::get, "/articles/a/related")).result() == status::unauthorized);
  CHECK(router.handle(make(verb::get, "/healthz")).result() == status::ok);
}

TEST_CASE("query limits at their boundaries", "[limits]") {
  StubBackend backend;
  RouterConfig config;
  config.max_query_bytes = 20;
  config.max_query_terms = 3;
  config.max_window = 50;
  config.max_facet_size = 5;
  Router router(backend, config);
  auto get = [&](const std::string& target) { return router.handle(make(verb::get, target)); };
  auto code = [](const Response& response) {
    return json::parse(response.body())["error"]["code"].get<std::string>();
  };
  CHECK(get("/search?q=" + std::string(20, 'a')).result() == status::ok);
  auto too_long = get("/search?q=" + std::string(21, 'a'));
  CHECK(too_long.result() == status::bad_request);
  CHECK(code(too_long) == "bad_query");

  CHECK(get("/search?q=one+two+three").result() == status::ok);
  auto too_many = get("/search?q=one+two+(three+OR+four)");
  CHECK(too_many.result() == status::bad_request);
  CHECK(code(too_many) == "bad_query");
  CHECK(get("/search?q=one+two&topic=a,b").result() == status::bad_request);  // filters count

  CHECK(get("/search?q=x&offset=40&limit=10").result() == status::ok);
  CHECK(get("/search?q=x&offset=41&limit=10").result() == status::bad_request);
  CHECK(get("/search?q=x&facets=topic&facet_size=5").result() == status::ok);
  CHECK(get("/search?q=x&facets=topic&facet_size=6").result() == status::bad_request);
  // The page refuses the same queries (rendered with the message), before searching.
  int before = backend.searches;
  CHECK(get("/?q=" + std::string(21, 'a')).result() == status::bad_request);
  CHECK(backend.searches == before);
}

TEST_CASE("the page carries the security headers on success and on errors and to HEAD",
          "[headers]") {
  StubBackend backend;
  RouterConfig config;
  config.max_query_bytes = 20;
  Router router(backend, config);
  auto check_headers = [](const Response& response) {
    CHECK(response[field::content_type] == "text/html; charset=utf-8");
    std::string policy(response["Content-Security-Policy"]);
    CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(policy.find("script-src 'self'") != std::string::npos);
    CHECK(policy.find("'unsafe-inline'") == std::string::npos);
    CHECK(response["X-Frame-Options"] == "DENY");
    CHECK(response["Referrer-Policy"] == "no-referrer");
    CHECK(response["X-Content-Type-Options"] == "nosniff");
  };
  const std::vector<std::pair<std::string, status>> pages = {
      {"/", status::ok},
      {"/?q=oil", status::ok},
      {"/?q=" + std::string(21, 'a'), status::bad_request},
      {"/?q=x&from=not-a-date", status::bad_request}};
  for (const auto& [target, expected] : pages) {
    INFO(target);
    auto response = router.handle(make(verb::get, target));
    CHECK(response.result() == expected);
    check_headers(response);
    check_headers(router.handle(make(verb::head, target)));
  }
  // The JSON API is not a document to frame, but still never sniffed.
  auto json_answer = router.handle(make(verb::get, "/search?q=x"));
  CHECK(json_answer["X-Content-Type-Options"] == "nosniff");
}

TEST_CASE("the rate limiter: burst, refill, Retry-After and a bounded client table", "[limits]") {
  using namespace std::chrono_literals;
  RateLimiter limiter({2, 3, 4});
  auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) CHECK_FALSE(limiter.take("a", t0));
  auto refused = limiter.take("a", t0);
  REQUIRE(refused);
  CHECK(*refused == 1);
  CHECK_FALSE(limiter.take("a", t0 + 500ms));  // 2/s: one token after half a second
  CHECK(limiter.take("a", t0 + 500ms));
  CHECK_FALSE(limiter.take("b", t0));  // other clients are not affected
  for (int i = 0; i < 100; ++i) limiter.take("client" + std::to_string(i), t0 + 1s);
  CHECK(limiter.clients() <= 4);

  CHECK(parse_rate("10/s") == 10);
  CHECK(parse_rate("120/m") == 2);
  CHECK(parse_rate("0") == 0);
  CHECK_THROWS_AS(parse_rate("fast"), Error);
}

TEST_CASE("429 with Retry-After for searches above the rate, per client", "[limits]") {
  StubBackend backend;
  RateLimiter limiter({1, 2, 100});
  Metrics metrics;
  RouterConfig config;
  config.rate_limiter = &limiter;
  config.metrics = &metrics;
  Router router(backend, config);
  Client one{"192.0.2.1"}, two{"192.0.2.2"};
  CHECK(router.handle(make(verb::get, "/search?q=x"), one).result() == status::ok);
  CHECK(router.handle(make(verb::get, "/search?q=x"), one).result() == status::ok);
  auto limited = router.handle(make(verb::get, "/search?q=x"), one);
  CHECK(limited.result() == status::too_many_requests);
  CHECK(limited[field::retry_after] == "1");
  CHECK(json::parse(limited.body())["error"]["code"] == "rate_limited");
  CHECK(router.handle(make(verb::get, "/search?q=x"), two).result() == status::ok);
  CHECK(router.handle(make(verb::get, "/healthz"), one).result() == status::ok);  // not limited
  CHECK(metrics.rejections(RejectReason::ratelimit) == 1);
}

TEST_CASE("/metrics in the Prometheus text format", "[metrics]") {
  StubBackend backend;
  Metrics metrics;
  metrics.record_request("search", 200, std::chrono::microseconds(700));
  metrics.record_request("search", 429, std::chrono::microseconds(10));
  metrics.record_commit(std::chrono::milliseconds(3), 5, true);
  metrics.record_rejection(RejectReason::smuggling);
  metrics.connection_opened();
  RouterConfig config;
  config.metrics = &metrics;
  Router router(backend, config);
  auto response = router.handle(make(verb::get, "/metrics"));
  REQUIRE(response.result() == status::ok);
  CHECK(response[field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  const auto& text = response.body();
  CHECK_THAT(text, Catch::Contains("newsq_http_requests_total{route=\"search\",status=\"200\"} 1"));
  CHECK_THAT(text, Catch::Contains("newsq_http_requests_total{route=\"search\",status=\"429\"} 1"));
  CHECK_THAT(text,
             Catch::Contains(
                 "newsq_http_request_duration_seconds_bucket{route=\"search\",le=\"0.001\"} 2"));
  CHECK_THAT(text, Catch::Contains("newsq_http_rejected_total{reason=\"smuggling\"} 1"));
  CHECK_THAT(text, Catch::Contains("newsq_http_open_connections 1"));
  CHECK_THAT(text, Catch::Contains("newsq_index_documents 3"));
  CHECK_THAT(text, Catch::Contains("newsq_index_revision 9"));
  CHECK_THAT(text, Catch::Contains("newsq_ingest_changes_total 5"));
  CHECK_THAT(text, Catch::Contains("newsq_ingest_commit_duration_seconds_count 1"));
  CHECK_THAT(text, Catch::Contains("# TYPE newsq_reader_reopens_total counter"));
}
