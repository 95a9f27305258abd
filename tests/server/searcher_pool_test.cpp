// The searcher pool over a real index built by newsq-index: lazy open, 503-worthy errors while
// there is no index, new commits seen after the refresh interval, and use from many threads.
#include "newsq/server/searcher_pool.hpp"

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "newsq/errors.hpp"
#include "server/support/server_process.hpp"

using namespace newsq;
using namespace newsq::server;
using namespace std::chrono_literals;
using newsq::test::TempDir;

namespace {

SearchRequest query(std::string text) {
  SearchRequest request;
  request.query = std::move(text);
  return request;
}

}  // namespace

TEST_CASE("a missing index is index_missing until it appears", "[searcher_pool]") {
  TempDir dir;
  auto index = dir / "index";
  SearcherPool pool({index.string(), 2, 50ms});
  CHECK(pool.index_path() == index.string());
  try {
    pool.search(query("tartous"));
    FAIL("searched a missing index");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::index_missing);
  }
  CHECK_THROWS_AS(pool.stats(), Error);

  newsq::test::index_seed_page(index);
  std::this_thread::sleep_for(60ms);
  auto result = pool.search(query("Tartous naval base"));
  REQUIRE_FALSE(result.hits.empty());
  CHECK(result.hits[0].title == "Russia's silence on Syrian demand regarding military bases");
  CHECK(pool.stats().documents > 0);
  CHECK(pool.get(result.hits[0].id)->title == result.hits[0].title);
  CHECK_FALSE(pool.get("no-such-id"));
}

TEST_CASE("new commits are visible after the refresh interval", "[searcher_pool]") {
  TempDir dir;
  auto index = dir / "index";
  newsq::test::index_seed_page(index);
  SearcherPool pool({index.string(), 1, 50ms});
  auto before = pool.stats();
  CHECK(pool.search(query("zanzibarfestival")).total == 0);

  newsq::test::index_jsonl(index, R"({"id":"late-1","title":"Zanzibarfestival opens",)"
                                  R"("body":"A late story.","published":"2025-02-01"})"
                                  "\n");
  std::this_thread::sleep_for(60ms);
  auto result = pool.search(query("zanzibarfestival"));
  REQUIRE(result.total == 1);
  CHECK(result.hits[0].id == "late-1");
  CHECK(pool.stats().documents == before.documents + 1);
  CHECK(pool.stats().revision > before.revision);
}

TEST_CASE("request errors do not close the reader, many threads share few readers",
          "[searcher_pool]") {
  TempDir dir;
  auto index = dir / "index";
  newsq::test::index_seed_page(index);
  SearcherPool pool({index.string(), 2, 10ms});
  SearchRequest bad = query("x");
  bad.limit = kMaxLimit + 1;
  CHECK_THROWS_AS(pool.search(bad), Error);

  std::atomic<int> found{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 6; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 20; ++i)
          if (!pool.search(query("Tartous naval base")).hits.empty()) ++found;
      });
  }
  CHECK(found == 120);
}
