// The server's one writer: a thread that owns the index's write lock only while there is work,
// commits whatever requests are queued as one Xapian transaction and acknowledges each request
// only after the commit returned (Xapian fsyncs on commit, so an acknowledged article survives a
// crash).
//
// Batching is group commit: while one transaction is being written, new requests queue up and
// become the next transaction, so the batch grows with the load and a lone request waits for
// no timer (max_batch_delay adds one, 0 by default). A request is never split across two
// transactions.
//
// Lock ownership: Xapian allows one writer per database. When another process (newsq-index)
// holds the lock, the writer retries with exponential backoff; each request waits at most
// `lock_wait` and then fails with Error(index_unavailable) (503 + Retry-After). After
// `idle_close` without work the writer closes the database, releasing the lock, so newsq-index
// can run between publications; under steady ingest it also releases it after each batch once it
// has held it for `idle_close`, so a waiting newsq-index (backup, compact) gets its turn.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "newsq/server/ingest.hpp"

namespace newsq::server {

struct WriterQueueOptions {
  std::string index_path;  ///< a database directory or a generation stub (followed per batch)
  std::chrono::milliseconds max_batch_delay{0};  ///< wait this long for more requests
  std::size_t max_batch_changes = 1000;          ///< stop gathering requests above this
  std::chrono::milliseconds idle_close{1000};    ///< close the database after this idle time
  std::chrono::milliseconds lock_wait{5000};     ///< longest a request waits for the lock
  /// Called on the writer thread after every successful commit, before the requests are
  /// acknowledged (the server bumps the searcher pool's generation here).
  std::function<void()> on_commit = {};
  /// Called on the writer thread after every transaction with its duration (writes and
  /// commit), its number of changes and whether it committed; for the metrics.
  std::function<void(std::chrono::microseconds, std::size_t changes, bool committed)>
      on_transaction;
  /// Receives operational messages (lock waits, write failures); must be thread-safe.
  std::function<void(std::string_view)> log = {};
};

class WriterQueue final : public IngestBackend {
 public:
  /// Starts the writer thread; the index is not opened until the first request.
  explicit WriterQueue(WriterQueueOptions options);
  /// Calls stop().
  ~WriterQueue() override;
  WriterQueue(const WriterQueue&) = delete;
  WriterQueue& operator=(const WriterQueue&) = delete;

  /// See IngestBackend::submit. After stop(), fails at once with Error(index_unavailable).
  void submit(std::vector<Change> changes, Completion done) override;

  /// Commits (or, when the lock cannot be had within lock_wait, fails) everything queued, then
  /// closes the database and joins the thread. Idempotent.
  void stop();

  /// Commits so far (for tests and /healthz).
  std::uint64_t commits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsq::server
