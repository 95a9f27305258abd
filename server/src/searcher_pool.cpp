#include "newsq/server/searcher_pool.hpp"

#include <utility>

namespace newsq::server {

SearcherPool::SearcherPool(SearcherPoolOptions options) : options_(std::move(options)) {
  if (options_.size == 0) options_.size = 1;
  for (std::size_t i = 0; i < options_.size; ++i) free_.push_back(std::make_unique<Slot>());
}

SearcherPool::~SearcherPool() = default;

SearcherPool::Lease::~Lease() { pool_.release(std::move(slot_)); }

SearcherPool::Lease SearcherPool::acquire() {
  std::unique_lock lock(mutex_);
  // With one slot per server thread this never waits in the server; it only matters when more
  // threads than slots search at once (tests, or a misconfiguration).
  available_.wait(lock, [this] { return !free_.empty(); });
  auto slot = std::move(free_.back());
  free_.pop_back();
  return Lease(*this, std::move(slot));
}

void SearcherPool::release(std::unique_ptr<Slot> slot) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(slot));
  }
  available_.notify_one();
}

Searcher& SearcherPool::ready(Slot& slot) {
  auto now = std::chrono::steady_clock::now();
  bool due = now - slot.checked >= options_.refresh_interval;
  if (!slot.searcher) {
    // Remember a failed open for one interval: a missing index must not cost a filesystem probe
    // on every request of a busy server.
    if (slot.open_error && !due) throw *slot.open_error;
    slot.checked = now;
    try {
      slot.searcher.emplace(options_.index_path);
      slot.open_error.reset();
    } catch (const Error& error) {
      slot.open_error = error;
      throw;
    }
    return *slot.searcher;
  }
  if (due) {
    slot.checked = now;
    slot.searcher->refresh();  // a failure here is handled by with_searcher()
  }
  return *slot.searcher;
}

namespace {

/// Errors that say the reader itself is unusable, as opposed to the request being wrong.
bool is_reader_failure(ErrorCode code) {
  switch (code) {
    case ErrorCode::index_missing:
    case ErrorCode::index_unavailable:
    case ErrorCode::schema_mismatch:
    case ErrorCode::io_error:
    case ErrorCode::internal:
      return true;
    default:
      return false;
  }
}

}  // namespace

template <typename Action>
auto SearcherPool::with_searcher(Action&& action) {
  auto lease = acquire();
  for (int attempt = 0;; ++attempt) {
    try {
      return action(ready(*lease));
    } catch (const Error& error) {
      if (!is_reader_failure(error.code()) || !lease->searcher) throw;
      // The index was replaced, damaged or overtaken under an open reader: drop it, and give a
      // fresh reader one more try before reporting the failure.
      lease->searcher.reset();
      lease->checked = {};
      if (attempt > 0 || error.code() != ErrorCode::index_unavailable) throw;
    } catch (...) {
      // Unknown state after an unexpected exception: do not reuse this reader.
      lease->searcher.reset();
      throw;
    }
  }
}

SearchResult SearcherPool::search(const SearchRequest& request) {
  return with_searcher([&](Searcher& searcher) { return searcher.search(request); });
}

std::optional<Article> SearcherPool::get(const std::string& id) {
  return with_searcher([&](Searcher& searcher) { return searcher.get(id); });
}

IndexStats SearcherPool::stats() {
  return with_searcher([&](Searcher& searcher) { return searcher.stats(); });
}

}  // namespace newsq::server
