// The bounded wait for the write lock: newsq-index and the server's writer queue take turns on
// one index, so a writer that finds the lock taken retries with backoff until its deadline, then
// fails with a message naming both possible holders.
#include <chrono>
#include <optional>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "newsq/indexer/commands.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct Setup {
  test::TempDir dir;
  std::string index = (dir / "index").string();
  std::string input = (dir / "one.jsonl").string();
  std::ostringstream err;

  Setup() {
    test::write_file(input, "{\"id\":\"w-1\",\"title\":\"Waiting for the lock\"}\n");
    IndexWriter create(index);  // the index exists before anyone holds it
  }

  AddRequest request(std::chrono::milliseconds lock_wait) const {
    AddRequest add;
    add.index_path = index;
    add.inputs = {input};
    add.lock_wait = lock_wait;
    return add;
  }
};

/// Holds the index's write lock, released by another thread after `hold`.
class LockHolder {
 public:
  LockHolder(const std::string& index, std::chrono::milliseconds hold)
      : writer_(std::in_place, index), releaser_([this, hold] {
          std::this_thread::sleep_for(hold);
          writer_.reset();
        }) {}
  ~LockHolder() { releaser_.join(); }
  LockHolder(const LockHolder&) = delete;
  LockHolder& operator=(const LockHolder&) = delete;

 private:
  std::optional<IndexWriter> writer_;
  std::thread releaser_;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

std::string cli(const Setup& setup, const std::string& lock_wait) {
  return test::shell_quote((test::binary_dir() / "indexer" / "newsq-index").string()) +
         " --index " + test::shell_quote(setup.index) + " --lock-wait " + lock_wait + " add " +
         test::shell_quote(setup.input);
}

}  // namespace

TEST_CASE("run_add waits for a lock released within its lock wait", "[lock_wait]") {
  Setup setup;
  const auto start = Clock::now();
  {
    LockHolder holder(setup.index, 300ms);
    CHECK(run_add(setup.request(5s), setup.err) == kExitOk);
  }
  INFO(setup.err.str());
  const double waited = seconds_since(start);
  CHECK(waited >= 0.25);
  CHECK(waited < 2.0);  // backoff is capped at 500 ms: the release is noticed promptly
  CHECK(Searcher(setup.index).stats().documents == 1);
}

TEST_CASE("run_add with lock wait 0 fails at once naming both possible holders", "[lock_wait]") {
  Setup setup;
  LockHolder holder(setup.index, 1500ms);
  const auto start = Clock::now();
  CHECK(run_add(setup.request(0ms), setup.err) == kExitFatal);
  CHECK(seconds_since(start) < 1.0);
  const std::string message = setup.err.str();
  INFO(message);
  CHECK(
      contains(message, "locked by another writer: newsq-server's ingest or another newsq-index"));
  CHECK(contains(message, "did not wait"));
}

TEST_CASE("run_add gives up when the lock wait runs out", "[lock_wait]") {
  Setup setup;
  LockHolder holder(setup.index, 2000ms);
  const auto start = Clock::now();
  CHECK(run_add(setup.request(400ms), setup.err) == kExitFatal);
  const double waited = seconds_since(start);
  CHECK(waited >= 0.39);
  CHECK(waited < 1.5);
  INFO(setup.err.str());
  CHECK(contains(setup.err.str(), "retried for 0.4 s"));
}

TEST_CASE("newsq-index --lock-wait waits or fails with exit 2", "[lock_wait]") {
  Setup setup;
  SECTION("a lock released after 300 ms with --lock-wait 5") {
    LockHolder holder(setup.index, 300ms);
    const auto result = test::run_command(cli(setup, "5"));
    INFO(result.err);
    CHECK(result.exit_code == 0);
  }
  SECTION("a held lock with --lock-wait 0") {
    LockHolder holder(setup.index, 1500ms);
    const auto start = Clock::now();
    const auto result = test::run_command(cli(setup, "0"));
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(seconds_since(start) < 1.2);
    CHECK(contains(result.err, "locked by another writer"));
  }
  SECTION("a negative wait is a usage error") {
    CHECK(test::run_command(cli(setup, "-1")).exit_code == 2);
  }
}
