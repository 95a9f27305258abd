// A pool of newsq::Searcher readers, one per server worker thread, handed out as RAII leases.
// Searcher is not thread-safe; the pool makes sure each is used by one thread at a time, opens
// readers lazily (so the server starts, and answers 503, while the index does not exist yet) and
// refreshes each reader at most once per `refresh_interval` so new commits show up without a
// restart at the cost of one cheap revision check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
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
  IndexStats stats() override;
  std::string index_path() const override { return options_.index_path; }

 private:
  struct Slot {
    std::optional<Searcher> searcher;
    std::chrono::steady_clock::time_point checked{};  ///< last refresh or failed open
    std::optional<Error> open_error;                  ///< the last failed open, replayed
  };

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
};

}  // namespace newsq::server
