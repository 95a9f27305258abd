// A pool of newsq::Searcher readers, one per server worker thread, handed out as RAII leases.
// Searcher is not thread-safe; the pool makes sure each is used by one thread at a time, opens
// readers lazily (so the server starts, and answers 503, while the index does not exist yet) and
// refreshes each reader at most once per `refresh_interval` so new commits show up without a
// restart at the cost of one cheap revision check.
//
// Two things make a reader catch up sooner or differently:
//  - invalidate() (called by the server's writer after each commit) bumps a generation counter;
//    a reader that has not seen the current generation refreshes before its next use, so an
//    acknowledged article is searchable at once, without polling faster.
//  - a generation switch (newsq-index rebuild/rollback/compact replace the stub file at the
//    index path with rename()): Xapian's reopen() does not re-read a stub, so at most once per
//    refresh_interval the pool stats the index path (inode, and for a stub file its mtime and
//    size) and, when it changed, each reader opens the index afresh before its next use. The new
//    reader is opened before the old one is dropped, so requests never fail during a switch.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "newsq/errors.hpp"
#include "newsq/searcher.hpp"
#include "newsq/server/search_backend.hpp"

namespace newsq::server {

struct SearcherPoolOptions {
  std::string index_path;
  std::size_t size = 1;  ///< number of readers: the number of threads that search at once
  /// How stale a reader may be: refresh() runs at most this often per reader. Also how long a
  /// failed open is remembered before it is retried.
  std::chrono::milliseconds refresh_interval{100};
  /// Called (on the searching thread) whenever a reader opens the index or moves to a newer
  /// revision or generation; for the metrics. Must be thread-safe and not throw.
  std::function<void()> on_reopen = {};
};

class SearcherPool final : public SearchBackend {
 public:
  /// Opens nothing yet: readers are opened on first use. `size` 0 is treated as 1.
  explicit SearcherPool(SearcherPoolOptions options);
  ~SearcherPool() override;
  SearcherPool(const SearcherPool&) = delete;
  SearcherPool& operator=(const SearcherPool&) = delete;

  SearchResult search(const SearchRequest& request) override;
  std::optional<Article> get(const std::string& id) override;
  SearchResult related(const RelatedRequest& request) override;
  std::vector<Suggestion> suggest(std::string_view prefix, std::size_t limit) override;
  IndexStats stats() override;
  std::string index_path() const override { return options_.index_path; }

  /// Makes every reader refresh before its next use (the index has a new commit). Cheap,
  /// thread-safe, never throws.
  void invalidate() noexcept;

 private:
  struct Slot {
    std::optional<Searcher> searcher;
    std::chrono::steady_clock::time_point checked{};  ///< last refresh or failed open
    std::optional<Error> open_error;                  ///< the last failed open, replayed
    std::uint64_t generation = 0;                     ///< invalidate() count last refreshed at
    std::uint64_t identity_epoch = 0;                 ///< index identity the reader was opened on
  };

  /// What identifies the index at the path: a changed value means a new stub or directory.
  struct Identity {
    bool exists = false;
    bool is_file = false;
    std::uint64_t device = 0, inode = 0;
    std::int64_t mtime_ns = 0;
    std::uint64_t size = 0;
    bool operator==(const Identity&) const = default;
  };
  static Identity identity_of(const std::string& path) noexcept;
  /// Stats the index path when the last check is older than refresh_interval; returns the
  /// current identity epoch (bumped whenever the identity changed).
  std::uint64_t current_epoch();

  /// A slot taken from the pool, given back on destruction.
  class Lease {
   public:
    Lease(SearcherPool& pool, std::unique_ptr<Slot> slot) : pool_(pool), slot_(std::move(slot)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Slot& operator*() const { return *slot_; }
    Slot* operator->() const { return slot_.get(); }

   private:
    SearcherPool& pool_;
    std::unique_ptr<Slot> slot_;
  };

  Lease acquire();
  void release(std::unique_ptr<Slot> slot);
  /// Opens or refreshes the lease's reader as needed; throws the open error.
  Searcher& ready(Slot& slot);
  /// Runs `action` on a ready reader; on index_unavailable reopens once and retries, because a
  /// reader can be overtaken by the writer (Xapian's DatabaseModifiedError) or see a replaced
  /// index.
  template <typename Action>
  auto with_searcher(Action&& action);

  SearcherPoolOptions options_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Slot>> free_;

  std::atomic<std::uint64_t> generation_{0};
  std::mutex identity_mutex_;
  std::chrono::steady_clock::time_point identity_checked_{};
  Identity identity_;
  std::atomic<std::uint64_t> identity_epoch_{0};
};

}  // namespace newsq::server
