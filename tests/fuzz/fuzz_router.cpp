// The HTTP request path: bytes -> Beast's request_parser (with the server's kind of limits) ->
// Router::handle_async over fake search and ingest backends. For every request the parser
// accepts, the router must answer exactly once with a well-formed response: a real status, never
// 500 (the fakes only throw newsq::Error codes that blame the request or the index, so a 500 means
// an exception escaped somewhere), the request's version, a Content-Length that matches the body
// and a JSON body that parses whenever the Content-Type says JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <nlohmann/json.hpp>

#include "newsq/errors.hpp"
#include "newsq/server/keys.hpp"
#include "newsq/server/router.hpp"

namespace {

using namespace newsq;
using namespace newsq::server;
namespace beast = boost::beast;

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "fuzz_router: %s %s\n", what, detail.c_str());
  std::abort();
}

/// Echoes the request into its answer (so whatever bytes arrive reach the JSON and HTML writers),
/// and throws the error a query starting with "!" names: "!0" bad_query ... "!5" schema_mismatch.
class FakeBackend : public SearchBackend {
 public:
  SearchResult search(const SearchRequest& request) override {
    maybe_fail(request.query);
    SearchResult result;
    result.query = request.query;
    result.total = 2;
    result.facet_topics = request.facet_topics;
    result.facet_date = request.facet_date.has_value();
    Hit hit;
    hit.id = "a1";
    hit.title = request.query.empty() ? "Russia's silence on <Syrian> demand" : request.query;
    hit.url = "https://example.org/a1?q=" + request.query;
    hit.topics = request.topics;
    hit.source = request.sources.empty() ? "Example Wire" : request.sources.front();
    hit.kind = "article";
    hit.snippet = "<mark>Tartous</mark> &amp; more";
    result.hits.push_back(hit);
    if (request.facet_topics) result.topic_facets = {{"syria", 1}, {"russia", 1}};
    if (request.facet_date) result.date_facets = {{"2025-01-30", 2}};
    if (request.query.size() % 3 == 1) result.suggestion = request.query + "s";
    return result;
  }
  SearchResult related(const RelatedRequest& request) override {
    maybe_fail(request.id);
    SearchResult result;
    result.query = "related:" + request.id;
    if (request.id.size() % 2 == 1) result.hits.push_back({});
    return result;
  }
  std::vector<Suggestion> suggest(std::string_view prefix, std::size_t limit) override {
    maybe_fail(std::string(prefix));
    std::vector<Suggestion> out;
    for (std::size_t i = 0; i < limit && i < prefix.size(); ++i)
      out.push_back({std::string(prefix.substr(0, i + 1)), i % 2 ? "topic" : "title", i});
    return out;
  }
  std::optional<Article> get(const std::string& id) override {
    maybe_fail(id);
    if (id.empty() || id.size() % 2 == 0) return std::nullopt;
    Article article;
    article.id = id;
    article.title = id;
    article.body = "Body of " + id;
    article.topics = {"syria"};
    return article;
  }
  IndexStats stats() override {
    IndexStats stats;
    stats.path = "/idx";
    stats.documents = 42;
    stats.revision = 7;
    return stats;
  }
  std::string index_path() const override { return "/idx"; }

 private:
  static void maybe_fail(std::string_view text) {
    if (text.size() < 2 || text[0] != '!') return;
    static constexpr ErrorCode codes[] = {ErrorCode::bad_query,         ErrorCode::bad_parameter,
                                          ErrorCode::not_found,         ErrorCode::index_missing,
                                          ErrorCode::index_unavailable, ErrorCode::schema_mismatch};
    const auto index = static_cast<unsigned char>(text[1]) % std::size(codes);
    throw Error(codes[index], "fake failure for \"" + std::string(text) + "\"");
  }
};

/// Commits everything at once, from the caller's thread.
class FakeIngest : public IngestBackend {
 public:
  void submit(std::vector<Change> changes, Completion done) override {
    IngestOutcome outcome;
    for (const auto& change : changes) {
      (void)to_json(change.article).dump();  // what the writer would store must serialise
      outcome.existed.push_back(change.kind == Change::Kind::upsert || change.id.size() % 2 == 1);
    }
    done(std::move(outcome));
  }
};

struct Fixture {
  FakeBackend backend;
  FakeIngest ingest;
  Router router{backend, config(), &ingest};

  static RouterConfig config() {
    RouterConfig config;
    config.cors_origins = {"https://example.org"};
    config.log_error = [](std::string_view message) {
      fail("router logged an error:", std::string(message));
    };
    // Dictionary entries (dict/http.dict) carry these keys, so the fuzzer reaches every route.
    config.keys.add({ApiKey::Kind::admin, "fuzz-admin-key-0123456789", {}}, "fuzz");
    config.keys.add({ApiKey::Kind::search, "fuzz-search-key-0123456789", {"https://example.org"}},
                    "fuzz");
    return config;
  }
};

void check(const Request& request, const Response& response) {
  const unsigned status = response.result_int();
  if (status < 100 || status > 599) fail("bad status", std::to_string(status));
  if (status == 500) fail("500 for", std::string(request.target()));
  if (response.version() != request.version()) fail("version changed");
  const bool head = request.method() == beast::http::verb::head;
  const auto length = response[beast::http::field::content_length];
  if (!head && length != std::to_string(response.body().size()))
    fail("Content-Length differs from the body:", std::string(length));
  const auto type = response[beast::http::field::content_type];
  if (!head && type.starts_with("application/json") &&
      !nlohmann::json::accept(response.body()))
    fail("JSON body does not parse:", response.body());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;

  // Like the server's session: a fresh parser per request, header and body limits.
  beast::http::request_parser<beast::http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(256 * 1024);
  parser.eager(true);
  boost::asio::const_buffer buffer(data, size);
  beast::error_code ec;
  while (buffer.size() > 0 && !parser.is_done()) {
    const std::size_t used = parser.put(buffer, ec);
    if (ec == beast::http::error::need_more) break;
    if (ec) return 0;  // the server answers 400 itself
    buffer += used;
  }
  if (!parser.is_done()) {
    // put_eof's precondition is a parser that took some bytes (Beast asserts it; http::read
    // checks it the same way before calling put_eof at the end of a stream).
    if (!parser.got_some()) return 0;
    ec = {};
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  const Request request = parser.release();

  std::optional<Response> response;
  int answers = 0;
  fixture.router.handle_async(request, [&](Response r) {
    ++answers;
    response = std::move(r);
  });
  if (answers != 1) fail("answered", std::to_string(answers) + " times");
  check(request, *response);
  return 0;
}
