#include "newsq/server/writer_queue.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "newsq/indexer/generations.hpp"
#include "newsq/indexer/index_writer.hpp"

namespace newsq::server {

using Clock = std::chrono::steady_clock;

namespace {

struct Pending {
  std::vector<Change> changes;
  IngestBackend::Completion done;
  Clock::time_point deadline;  ///< give up waiting for the lock after this
};

void complete(Pending& pending, IngestOutcome outcome) {
  try {
    pending.done(std::move(outcome));
  } catch (...) {
    // A completion only posts a response; if even that fails there is nobody left to tell.
  }
}

}  // namespace

struct WriterQueue::Impl {
  explicit Impl(WriterQueueOptions options_in) : options(std::move(options_in)) {
    if (options.max_batch_changes == 0) options.max_batch_changes = 1;
    thread = std::jthread([this] { run(); });
  }

  void note(std::string_view message) const {
    if (options.log) options.log(message);
  }

  void run() {
    auto last_work = Clock::now();
    for (;;) {
      {
        std::unique_lock lock(mutex);
        auto has_work = [this] { return !queue.empty() || stopping; };
        // Holding the lock while idle would keep newsq-index out: wake up to release it.
        if (writer)
          wake.wait_until(lock, last_work + options.idle_close, has_work);
        else
          wake.wait(lock, has_work);
        if (queue.empty()) {
          if (stopping) break;
          lock.unlock();
          if (writer && Clock::now() >= last_work + options.idle_close) close("idle");
          continue;
        }
        if (options.max_batch_delay.count() > 0 && !stopping) {
          // Optional extra gathering time: more requests per fsync at the cost of latency.
          wake.wait_for(lock, options.max_batch_delay, [this] {
            return stopping || queued_changes() >= options.max_batch_changes;
          });
        }
      }
      auto batch = take();
      process(batch);
      last_work = Clock::now();
      // Under steady ingest the writer is never idle: hand the lock over at least every
      // idle_close anyway, so that a waiting newsq-index (backup, compact, add) gets its turn.
      // A waiter queued in the kernel (WriteLockHold) gets it at once; the next batch then waits
      // for it like any other request.
      if (writer && last_work >= opened_at + options.idle_close) close("turn");
    }
    close("stopping");
  }

  std::size_t queued_changes() const {
    std::size_t total = 0;
    for (const auto& pending : queue) total += pending.changes.size();
    return total;
  }

  /// Whole requests from the front of the queue, up to max_batch_changes (at least one).
  std::vector<Pending> take() {
    std::lock_guard lock(mutex);
    std::vector<Pending> batch;
    std::size_t total = 0;
    while (!queue.empty()) {
      auto size = queue.front().changes.size();
      if (!batch.empty() && total + size > options.max_batch_changes) break;
      total += size;
      batch.push_back(std::move(queue.front()));
      queue.pop_front();
    }
    return batch;
  }

  void close(std::string_view why) {
    if (!writer) return;
    writer.reset();  // nothing is pending here: every batch ends in a commit or a discard
    if (why != "idle" && why != "turn") note("writer closed the index (" + std::string(why) + ")");
  }

  void fail(std::vector<Pending>& batch, const Error& error) {
    for (auto& pending : batch) complete(pending, {error, {}});
    batch.clear();
  }

  /// Opens the writer (following a generation stub to the live directory), retrying while
  /// another writer holds the lock. Requests whose deadline passes are failed and removed from
  /// `batch`; returns false when none is left.
  bool ensure_open(std::vector<Pending>& batch) {
    auto backoff = std::chrono::milliseconds(5);
    bool logged = false;
    for (;;) {
      try {
        // A rebuild or rollback may have switched the stub since the writer was opened: writing
        // the old generation would lose the change, so follow the stub before every batch.
        if (writer && indexer::resolve_index_directory(options.index_path) != writer->path())
          close("the index switched generation");
        if (!writer) {
          writer.emplace(options.index_path, std::numeric_limits<std::size_t>::max());
          opened_at = Clock::now();
        }
        return true;
      } catch (const Error& error) {
        if (error.code() != ErrorCode::index_unavailable) {
          fail(batch, error);
          return false;
        }
        if (!logged) {
          note(std::string("writer waiting for the index: ") + error.what());
          logged = true;
        }
        auto now = Clock::now();
        Error busy(
            ErrorCode::index_unavailable,
            std::string(error.what()) + "; nothing of this request was indexed, retry later");
        std::vector<Pending> waiting;
        for (auto& pending : batch) {
          if (pending.deadline <= now)
            complete(pending, {busy, {}});
          else
            waiting.push_back(std::move(pending));
        }
        batch = std::move(waiting);
        if (batch.empty()) return false;
        auto next_deadline = std::min_element(batch.begin(), batch.end(), [](auto& a, auto& b) {
                               return a.deadline < b.deadline;
                             })->deadline;
        auto sleep = std::min<Clock::duration>(backoff, next_deadline - now);
        std::this_thread::sleep_for(sleep);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(200));
      }
    }
  }

  /// Waits (at most a second) for the index path to exist again: opening a writer on a missing
  /// path would create an empty index there in the middle of a switch.
  bool wait_for_index() const {
    for (int i = 0; i < 200; ++i) {
      std::error_code error;
      if (std::filesystem::exists(options.index_path, error)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  /// Applies and commits `batch`; when that fails, tries once more with a fresh writer (`retry`),
  /// then each request alone, so that one bad request fails only itself.
  void process(std::vector<Pending>& batch, bool retry = true) {
    if (!ensure_open(batch)) return;
    std::vector<std::vector<bool>> existed(batch.size());
    auto started = std::chrono::steady_clock::now();
    std::size_t changes = 0;
    for (const auto& pending : batch) changes += pending.changes.size();
    auto report = [&](bool committed) {
      if (!options.on_transaction) return;
      options.on_transaction(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - started),
                             changes, committed);
    };
    try {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        for (const auto& change : batch[i].changes) {
          if (change.kind == Change::Kind::upsert) {
            writer->add(change.article);
            existed[i].push_back(true);
          } else {
            existed[i].push_back(writer->remove(change.id));
          }
        }
      }
      writer->commit();
    } catch (const std::exception& failure) {
      // Closing discards the uncommitted transaction; the index keeps its last commit.
      writer.reset();
      Error error = dynamic_cast<const Error*>(&failure)
                        ? *dynamic_cast<const Error*>(&failure)
                        : Error(ErrorCode::internal, failure.what());
      note(std::string("write failed: ") + error.what());
      report(false);
      if (retry && wait_for_index()) {
        // The first rebuild of a plain directory renames it (to P.gen-0) under the open writer,
        // whose commit then fails: a fresh writer follows the stub, and the discarded
        // transaction is applied again (changes replace by id).
        process(batch, false);
        return;
      }
      if (batch.size() > 1) {
        // One request must not fail the others it happened to share a transaction with.
        for (auto& pending : batch) {
          std::vector<Pending> alone;
          alone.push_back(std::move(pending));
          process(alone, false);
        }
        return;
      }
      fail(batch, error);
      return;
    }
    ++commits;
    report(true);
    if (options.on_commit) options.on_commit();
    for (std::size_t i = 0; i < batch.size(); ++i)
      complete(batch[i], {std::nullopt, std::move(existed[i])});
  }

  WriterQueueOptions options;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Pending> queue;
  bool stopping = false;
  std::atomic<std::uint64_t> commits{0};
  std::optional<indexer::IndexWriter> writer;  ///< touched by the writer thread only
  Clock::time_point opened_at;                 ///< when `writer` took the lock
  std::jthread thread;                         ///< last: started after everything it uses
};

WriterQueue::WriterQueue(WriterQueueOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

WriterQueue::~WriterQueue() { stop(); }

void WriterQueue::submit(std::vector<Change> changes, Completion done) {
  {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->stopping) {
      impl_->queue.push_back(
          {std::move(changes), std::move(done), Clock::now() + impl_->options.lock_wait});
      impl_->wake.notify_one();
      return;
    }
  }
  Pending rejected{{}, std::move(done), {}};
  complete(rejected, {Error(ErrorCode::index_unavailable, "the server is shutting down"), {}});
}

void WriterQueue::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_one();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint64_t WriterQueue::commits() const { return impl_->commits; }

}  // namespace newsq::server
