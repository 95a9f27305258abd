// Ingest without sockets: body formats and validation (field, item, line; all or nothing), the
// admin token, and the admin routes of the router over a fake writer (401/403/404/405, 503 with
// Retry-After, no CORS).
#include "newsq/server/ingest.hpp"

#include <mutex>

#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "newsq/server/router.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::server;
using boost::beast::http::field;
using boost::beast::http::status;
using boost::beast::http::verb;
using nlohmann::json;

namespace {

constexpr const char* kToken = "s3cret-token-0123456789";

class NoSearch : public SearchBackend {
 public:
  SearchResult search(const SearchRequest&) override { return {}; }
  std::optional<Article> get(const std::string&) override { return std::nullopt; }
  SearchResult related(const RelatedRequest&) override { return {}; }
  std::vector<Suggestion> suggest(std::string_view, std::size_t) override { return {}; }
  IndexStats stats() override { return {}; }
  std::string index_path() const override { return "/idx"; }
};

/// Completes at once: with `fail_with` when set, else "existed" for ids in `present`.
class FakeWriter : public IngestBackend {
 public:
  std::optional<Error> fail_with;
  std::vector<std::string> present;
  std::vector<std::vector<Change>> batches;

  void submit(std::vector<Change> changes, Completion done) override {
    IngestOutcome outcome;
    if (fail_with) {
      outcome.error = *fail_with;
    } else {
      for (const auto& change : changes)
        outcome.existed.push_back(change.kind == Change::Kind::upsert ||
                                  std::find(present.begin(), present.end(), change.id) !=
                                      present.end());
    }
    batches.push_back(std::move(changes));
    done(std::move(outcome));
  }
};

struct Fixture {
  NoSearch search;
  FakeWriter writer;
  Router router{search, make_config(), &writer};

  static RouterConfig make_config() {
    RouterConfig config;
    config.keys.add({ApiKey::Kind::admin, kToken, {}}, "test");
    config.cors_origins = {"https://example.org"};
    return config;
  }

  Response call(verb method, const std::string& target, const std::string& body = "",
                const std::string& content_type = "", bool authorised = true) {
    Request request{method, target, 11};
    if (authorised) request.set(field::authorization, std::string("Bearer ") + kToken);
    if (!content_type.empty()) request.set(field::content_type, content_type);
    request.set(field::origin, "https://example.org");
    request.body() = body;
    request.prepare_payload();
    return router.handle(request);
  }
};

std::vector<Change> must_parse(std::string_view body, BodyFormat format) {
  try {
    return parse_articles(body, format);
  } catch (const IngestRejected& rejected) {
    FAIL("rejected: " << rejected.what());
  }
  return {};
}

IngestRejected must_reject(std::string_view body, BodyFormat format) {
  try {
    parse_articles(body, format);
  } catch (const IngestRejected& rejected) {
    return rejected;
  }
  FAIL("accepted: " << body);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("content types choose the body format", "[ingest]") {
  CHECK(body_format_for("application/json") == BodyFormat::json);
  CHECK(body_format_for("Application/JSON; charset=utf-8") == BodyFormat::json);
  CHECK(body_format_for("application/x-ndjson") == BodyFormat::json_lines);
  CHECK(body_format_for("application/jsonl") == BodyFormat::json_lines);
  CHECK(body_format_for("") == BodyFormat::sniff);
  CHECK(body_format_for("application/x-www-form-urlencoded") == BodyFormat::sniff);
}

TEST_CASE("one article or an array or JSON Lines with ids derived when missing", "[ingest]") {
  auto one = must_parse(R"({"id":"a1","title":"One"})", BodyFormat::json);
  REQUIRE(one.size() == 1);
  CHECK(one[0].id == "a1");
  CHECK(one[0].article.title == "One");

  auto array = must_parse(R"([{"id":"a1","title":"One"},{"title":"Two","url":"https://x/2"}])",
                          BodyFormat::sniff);
  REQUIRE(array.size() == 2);
  CHECK(array[1].id == derive_id(array[1].article));
  CHECK_FALSE(array[1].id.empty());

  auto lines = must_parse("{\"id\":\"l1\",\"title\":\"A\"}\n\n{\"id\":\"l2\",\"title\":\"B\"}\n",
                          BodyFormat::sniff);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].id == "l2");
  // A single line of JSON Lines is a JSON object too.
  CHECK(must_parse("{\"id\":\"l1\",\"title\":\"A\"}\n", BodyFormat::json_lines).size() == 1);
}

TEST_CASE("validation names the field and the item or line and is all or nothing", "[ingest]") {
  auto array = must_reject(
      R"([{"id":"ok","title":"fine"},{"id":"b","title":"x","published":"yesterday"},{"id":"c"}])",
      BodyFormat::json);
  CHECK_FALSE(array.lines());
  REQUIRE(array.problems().size() == 2);
  CHECK(array.problems()[0].item == 1u);
  CHECK_THAT(array.problems()[0].message, Catch::Contains("'published'"));
  CHECK(array.problems()[1].item == 2u);
  CHECK_THAT(array.what(), Catch::StartsWith("item 1: field 'published'"));
  CHECK_THAT(array.what(), Catch::Contains("nothing was indexed"));

  auto lines = must_reject(
      "{\"id\":\"a\",\"title\":\"x\"}\n{\"id\":\"b\",\"kind\":\"video\","
      "\"title\":\"t\"}\nnot json\n",
      BodyFormat::json_lines);
  CHECK(lines.lines());
  REQUIRE(lines.problems().size() == 2);
  CHECK(lines.problems()[0].item == 2u);
  CHECK_THAT(lines.problems()[0].message, Catch::Contains("'kind'"));
  CHECK(lines.problems()[1].item == 3u);
  CHECK_THAT(lines.problems()[1].message, Catch::Contains("invalid JSON"));

  CHECK_THAT(must_reject("", BodyFormat::sniff).what(), Catch::Contains("empty"));
  CHECK_THAT(must_reject("[]", BodyFormat::json).what(), Catch::Contains("no article"));
  CHECK_THAT(must_reject("42", BodyFormat::json).what(), Catch::Contains("JSON object"));
  CHECK_THAT(must_reject("{\"title\": ", BodyFormat::json).what(), Catch::Contains("invalid JSON"));
  CHECK(must_reject(R"({"id":"x","title":5})", BodyFormat::json).problems()[0].item ==
        std::nullopt);
}

TEST_CASE("PUT takes its id from the path and refuses another", "[ingest]") {
  auto change = parse_put_article(R"({"title":"New"})", "p/1");
  CHECK(change.id == "p/1");
  CHECK(change.article.id == "p/1");
  CHECK(parse_put_article(R"({"id":"p1","title":"New"})", "p1").id == "p1");
  CHECK_THROWS_WITH(parse_put_article(R"({"id":"other","title":"New"})", "p1"),
                    Catch::Contains("field 'id'") && Catch::Contains("does not match"));
  CHECK_THROWS_AS(parse_put_article(R"([{"title":"New"}])", "p1"), IngestRejected);
}

TEST_CASE_METHOD(Fixture, "admin routes POST PUT and DELETE answer after the writer", "[ingest]") {
  auto posted =
      call(verb::post, "/articles", R"([{"id":"a1","title":"One"},{"id":"a2","title":"Two"}])",
           "application/json");
  REQUIRE(posted.result() == status::ok);
  auto body = json::parse(posted.body());
  CHECK(body["indexed"] == 2);
  CHECK(body["ids"] == json::array({"a1", "a2"}));
  CHECK(posted[field::access_control_allow_origin].empty());  // never CORS on admin routes
  REQUIRE(writer.batches.size() == 1);
  CHECK(writer.batches[0].size() == 2);

  auto put = call(verb::put, "/articles/a%2F1", R"({"title":"Replaced"})");
  REQUIRE(put.result() == status::ok);
  CHECK(writer.batches.back()[0].id == "a/1");

  writer.present = {"a1"};
  auto deleted = call(verb::delete_, "/articles/a1");
  CHECK(deleted.result() == status::ok);
  CHECK(json::parse(deleted.body())["deleted"] == "a1");
  auto absent = call(verb::delete_, "/articles/nope");
  CHECK(absent.result() == status::not_found);
  CHECK(json::parse(absent.body())["error"]["code"] == "not_found");
}

TEST_CASE_METHOD(Fixture,
                 "admin routes answer 401 and 400 with problems and 503 with Retry-After and 405",
                 "[ingest]") {
  auto anonymous = call(verb::post, "/articles", R"({"id":"a","title":"x"})", "", false);
  CHECK(anonymous.result() == status::unauthorized);
  CHECK(anonymous[field::www_authenticate] == "Bearer realm=\"newsq\"");
  CHECK(call(verb::delete_, "/articles/a", "", "", false).result() == status::unauthorized);
  CHECK(writer.batches.empty());

  auto bad = call(verb::post, "/articles", "{\"id\":\"a\",\"title\":\"x\"}\n{\"id\":\"b\"}\n",
                  "application/x-ndjson");
  REQUIRE(bad.result() == status::bad_request);
  auto error = json::parse(bad.body())["error"];
  CHECK(error["code"] == "bad_record");
  CHECK(error["problems"][0]["line"] == 2);
  CHECK(writer.batches.empty());  // all or nothing: the good line was not queued either

  writer.fail_with = Error(ErrorCode::index_unavailable, "the index is locked");
  auto busy = call(verb::post, "/articles", R"({"id":"a","title":"x"})");
  CHECK(busy.result() == status::service_unavailable);
  CHECK(busy[field::retry_after] == "1");

  auto get_collection = call(verb::get, "/articles");
  CHECK(get_collection.result() == status::method_not_allowed);
  CHECK(get_collection[field::allow] == "POST, OPTIONS");
  auto post_item = call(verb::post, "/articles/a1", "{}");
  CHECK(post_item.result() == status::method_not_allowed);
  CHECK(post_item[field::allow] == "GET, HEAD, PUT, DELETE, OPTIONS");
}

TEST_CASE_METHOD(Fixture, "an id that percent-decodes to bytes that are not UTF-8 is 400",
                 "[ingest]") {
  // Found by fuzz_router: the id went into the stored JSON, which cannot hold it.
  for (verb method : {verb::put, verb::delete_}) {
    auto response = call(method, "/articles/%FFn2", R"({"title":"T","body":"B"})");
    CHECK(response.result() == status::bad_request);
    CHECK(json::parse(response.body())["error"]["code"] == "bad_parameter");
  }
  CHECK(writer.batches.empty());  // nothing reached the writer
  // Without the admin key the answer is still 401: the id is checked after the key.
  auto anonymous = call(verb::put, "/articles/%FFn2", R"({"title":"T"})", "", false);
  CHECK(anonymous.result() == status::unauthorized);
  // UTF-8 ids percent-encoded are fine.
  CHECK(call(verb::put, "/articles/caf%C3%A9", R"({"title":"T","body":"B"})").result() ==
        status::ok);
}

TEST_CASE("admin routes without a token or writer answer 403", "[ingest]") {
  NoSearch search;
  FakeWriter writer;
  Router no_token(search, {}, &writer);
  Request request{verb::post, "/articles", 11};
  request.set(field::authorization, std::string("Bearer ") + kToken);
  request.body() = R"({"id":"a","title":"x"})";
  request.prepare_payload();
  auto response = no_token.handle(request);
  CHECK(response.result() == status::forbidden);
  CHECK(json::parse(response.body())["error"]["code"] == "ingest_disabled");

  RouterConfig config;
  config.keys.add({ApiKey::Kind::admin, kToken, {}}, "test");
  Router no_writer(search, config, nullptr);
  CHECK(no_writer.handle(request).result() == status::forbidden);
  CHECK(writer.batches.empty());
}
