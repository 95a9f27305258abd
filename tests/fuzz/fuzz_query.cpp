// The query front end: bytes -> a SearchRequest (options from the first bytes, the rest is the
// query string) -> Searcher::search over a tiny index built once from data/sample.jsonl and
// data/synonyms.txt. Whatever the bytes, search must return or throw newsq::Error with a code
// that blames the request (bad_query, bad_parameter): any other exception, an error that blames
// the index or says "internal", or a crash is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "newsq/errors.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/indexer/readers.hpp"
#include "newsq/searcher.hpp"
#include "newsq/synonyms.hpp"

namespace {

namespace fs = std::filesystem;

/// Collects the articles of the sample file; a problem in it is a broken fixture.
class IndexingSink : public newsq::indexer::RecordSink {
 public:
  explicit IndexingSink(newsq::indexer::IndexWriter& writer) : writer_(writer) {}
  void on_article(newsq::Article&& article, std::size_t) override { writer_.add(article); }
  void on_problem(newsq::indexer::Problem&& problem) override {
    if (problem.severity == newsq::indexer::Severity::error) {
      std::fprintf(stderr, "%s\n", newsq::indexer::format_problem(problem).c_str());
      std::abort();
    }
  }

 private:
  newsq::indexer::IndexWriter& writer_;
};

/// The index and its searcher, for the whole run; the directory is removed at exit.
struct Fixture {
  fs::path directory;
  std::optional<newsq::Searcher> searcher;

  Fixture() {
    std::string pattern = (fs::temp_directory_path() / "newsq-fuzz-query-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    directory = pattern;
    const fs::path data = fs::path(NEWSQ_SOURCE_DIR) / "data";
    {
      newsq::indexer::IndexWriter writer((directory / "index").string());
      std::ifstream records(data / "sample.jsonl");
      IndexingSink sink(writer);
      newsq::indexer::read_jsonl(records, "sample.jsonl", {}, sink);
      std::ifstream synonyms(data / "synonyms.txt");
      writer.replace_synonyms(newsq::parse_synonyms(synonyms, "synonyms.txt"));
      writer.commit();
      if (writer.document_count() == 0) std::abort();
    }
    searcher.emplace((directory / "index").string());
  }
  ~Fixture() {
    searcher.reset();
    std::error_code ignored;
    fs::remove_all(directory, ignored);
  }
};

std::unique_ptr<Fixture> fixture;

bool valid_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = std::make_unique<Fixture>();
  std::atexit([] { fixture.reset(); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Three option bytes first (so seeds stay readable: the query is the rest, as typed).
  auto option = [&](std::size_t i) -> std::uint8_t { return i < size ? data[i] : 0; };
  newsq::SearchRequest request;
  const std::uint8_t flags = option(0);
  request.sort = flags & 1 ? newsq::SortOrder::date : newsq::SortOrder::relevance;
  request.match = flags & 2 ? newsq::MatchMode::any : newsq::MatchMode::all;
  request.facet_topics = flags & 4;
  if (flags & 8) request.facet_date = newsq::DateBucket::month;
  request.exact = flags & 16;
  request.snippets = !(flags & 32);
  if (flags & 64) request.topics = {"syria", "russia"};
  if (flags & 128) request.lang = "es";
  request.offset = option(1) % 8;
  if (option(1) & 128) request.sort = newsq::SortOrder::text;
  request.limit = 1 + option(2) % 20;
  if (size > 3) request.query.assign(reinterpret_cast<const char*>(data) + 3, size - 3);
  // The result echoes the query; the server and CLI must cope with a query that is not UTF-8
  // (the server writes JSON with replacement characters), but everything taken from the index
  // (titles, snippets cut from the text) must be valid UTF-8 whenever the query is.
  const bool query_is_utf8 = valid_utf8(request.query);

  try {
    newsq::SearchResult result = fixture->searcher->search(request);
    if (query_is_utf8)
      (void)newsq::to_json(result).dump();  // throws on invalid UTF-8
    else
      (void)newsq::to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const newsq::Error& e) {
    if (e.code() != newsq::ErrorCode::bad_query && e.code() != newsq::ErrorCode::bad_parameter) {
      std::fprintf(stderr, "search failed with %s: %s\n", newsq::to_string(e.code()).data(),
                   e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search threw something else than newsq::Error: %s\n", e.what());
    std::abort();
  }

  // The same text typed into the search box: completions of its last word.
  try {
    const auto suggestions = fixture->searcher->suggest(request.query, request.limit);
    if (suggestions.size() > request.limit) std::abort();
    for (const auto& suggestion : suggestions)
      if (suggestion.count == 0 || (suggestion.kind != "title" && suggestion.kind != "topic"))
        std::abort();
    if (query_is_utf8)
      (void)newsq::to_json(request.query, suggestions).dump();  // throws on invalid UTF-8
  } catch (const newsq::Error& e) {
    if (e.code() != newsq::ErrorCode::bad_query) {
      std::fprintf(stderr, "suggest failed with %s: %s\n", newsq::to_string(e.code()).data(),
                   e.what());
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "suggest threw something else than newsq::Error: %s\n", e.what());
    std::abort();
  }
  return 0;
}
