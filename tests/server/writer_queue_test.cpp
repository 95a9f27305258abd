// The server's writer over a real index: acknowledgements only after the commit, group commit,
// removal results, the lock held by another writer (bounded wait, then index_unavailable; success
// when it is released in time), the lock released when idle, and draining on stop.
#include "newsq/server/writer_queue.hpp"

#include <atomic>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "newsq/indexer/index_writer.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::server;
using namespace std::chrono_literals;
using newsq::test::TempDir;

namespace {

Change upsert(const std::string& id, const std::string& title) {
  Article article;
  article.id = id;
  article.title = title;
  article.body = "Body of " + id;
  return {Change::Kind::upsert, article, id};
}

Change removal(const std::string& id) { return {Change::Kind::remove, {}, id}; }

/// Submits and waits for the outcome.
IngestOutcome submit_and_wait(WriterQueue& queue, std::vector<Change> changes) {
  std::promise<IngestOutcome> promise;
  auto future = promise.get_future();
  queue.submit(std::move(changes), [&](IngestOutcome outcome) { promise.set_value(outcome); });
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  return future.get();
}

std::uint64_t count(const std::string& index, const std::string& query) {
  Searcher searcher(index);
  SearchRequest request;
  request.query = query;
  return searcher.search(request).total;
}

}  // namespace

TEST_CASE("acknowledged changes are committed and visible and removals report existence",
          "[writer_queue]") {
  TempDir dir;
  auto index = (dir / "index").string();
  std::atomic<int> commits{0};
  WriterQueueOptions options;
  options.index_path = index;
  options.on_commit = [&] { ++commits; };
  WriterQueue queue(options);

  auto added = submit_and_wait(queue, {upsert("a1", "Zanzibar one"), upsert("a2", "Zanzibar two")});
  REQUIRE_FALSE(added.error);
  CHECK(added.existed == std::vector<bool>{true, true});
  CHECK(commits >= 1);
  CHECK(count(index, "zanzibar") == 2);  // the commit returned before the acknowledgement

  auto removed = submit_and_wait(queue, {removal("a1"), removal("missing")});
  REQUIRE_FALSE(removed.error);
  CHECK(removed.existed == std::vector<bool>{true, false});
  CHECK(count(index, "zanzibar") == 1);

  // Many concurrent requests are grouped into fewer commits, and each is acknowledged.
  auto before = queue.commits();
  std::vector<std::future<IngestOutcome>> outcomes;
  std::vector<std::promise<IngestOutcome>> promises(50);
  for (int i = 0; i < 50; ++i) {
    outcomes.push_back(promises[i].get_future());
    queue.submit({upsert("g" + std::to_string(i), "Grouped story")},
                 [&promises, i](IngestOutcome outcome) { promises[i].set_value(outcome); });
  }
  for (auto& outcome : outcomes) CHECK_FALSE(outcome.get().error);
  CHECK(queue.commits() - before < 50);
  CHECK(count(index, "grouped") == 50);
}

TEST_CASE("another writer holding the lock means a bounded wait then index_unavailable",
          "[writer_queue]") {
  TempDir dir;
  auto index = (dir / "index").string();
  WriterQueueOptions options;
  options.index_path = index;
  options.lock_wait = 300ms;
  WriterQueue queue(options);
  {
    indexer::IndexWriter other(index);  // as newsq-index would
    auto start = std::chrono::steady_clock::now();
    auto outcome = submit_and_wait(queue, {upsert("a1", "Lockedout story")});
    auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE(outcome.error);
    CHECK(outcome.error->code() == ErrorCode::index_unavailable);
    CHECK_THAT(outcome.error->what(), Catch::Contains("locked") && Catch::Contains("retry"));
    CHECK(waited >= 250ms);
    CHECK(waited < 5s);

    // Released within the wait: the request succeeds.
    std::promise<IngestOutcome> promise;
    auto future = promise.get_future();
    queue.submit({upsert("a2", "Waitedfor story")},
                 [&](IngestOutcome result) { promise.set_value(result); });
    std::this_thread::sleep_for(100ms);
    other.commit();
    { auto released = std::move(other); }
    REQUIRE(future.wait_for(10s) == std::future_status::ready);
    CHECK_FALSE(future.get().error);
  }
  CHECK(count(index, "waitedfor") == 1);
  CHECK(count(index, "lockedout") == 0);
}

TEST_CASE("the writer releases the lock when idle and drains its queue on stop", "[writer_queue]") {
  TempDir dir;
  auto index = (dir / "index").string();
  WriterQueueOptions options;
  options.index_path = index;
  options.idle_close = 100ms;
  auto queue = std::make_unique<WriterQueue>(options);
  REQUIRE_FALSE(submit_and_wait(*queue, {upsert("a1", "First")}).error);
  CHECK_THROWS_AS(indexer::IndexWriter(index), Error);  // still held right after the commit
  std::this_thread::sleep_for(400ms);
  { indexer::IndexWriter cli(index); }  // released: newsq-index can write now

  std::atomic<int> acknowledged{0};
  for (int i = 0; i < 20; ++i)
    queue->submit({upsert("d" + std::to_string(i), "Drained story")}, [&](IngestOutcome outcome) {
      if (!outcome.error) ++acknowledged;
    });
  queue->stop();
  CHECK(acknowledged == 20);
  CHECK(count(index, "drained") == 20);
  std::promise<IngestOutcome> late;
  queue->submit({upsert("late", "Too late")},
                [&](IngestOutcome outcome) { late.set_value(outcome); });
  auto outcome = late.get_future().get();
  REQUIRE(outcome.error);
  CHECK(outcome.error->code() == ErrorCode::index_unavailable);
}
