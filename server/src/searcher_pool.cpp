#include "newsq/server/searcher_pool.hpp"

#include <sys/stat.h>

#include <thread>
#include <utility>

namespace newsq::server {

SearcherPool::SearcherPool(SearcherPoolOptions options) : options_(std::move(options)) {
  if (options_.size == 0) options_.size = 1;
  for (std::size_t i = 0; i < options_.size; ++i) free_.push_back(std::make_unique<Slot>());
  identity_ = identity_of(options_.index_path);
  identity_checked_ = std::chrono::steady_clock::now();
}

void SearcherPool::invalidate() noexcept { generation_.fetch_add(1, std::memory_order_release); }

SearcherPool::Identity SearcherPool::identity_of(const std::string& path) noexcept {
  struct stat info {};
  Identity identity;
  if (::stat(path.c_str(), &info) != 0) return identity;
  identity.exists = true;
  identity.is_file = S_ISREG(info.st_mode);
  identity.device = static_cast<std::uint64_t>(info.st_dev);
  identity.inode = static_cast<std::uint64_t>(info.st_ino);
  // A directory's mtime changes with every commit (Xapian renames files in it): only a stub's
  // content matters, and a stub is replaced by rename() (new inode) or rewritten (mtime, size).
  if (identity.is_file) {
    identity.mtime_ns =
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    identity.size = static_cast<std::uint64_t>(info.st_size);
  }
  return identity;
}

std::uint64_t SearcherPool::current_epoch() {
  auto now = std::chrono::steady_clock::now();
  std::unique_lock lock(identity_mutex_, std::try_to_lock);
  // Another thread is checking right now: its answer is as fresh as ours would be.
  if (!lock.owns_lock() || now - identity_checked_ < options_.refresh_interval)
    return identity_epoch_.load(std::memory_order_acquire);
  identity_checked_ = now;
  auto identity = identity_of(options_.index_path);
  if (!(identity == identity_)) {
    identity_ = identity;
    identity_epoch_.fetch_add(1, std::memory_order_acq_rel);
  }
  return identity_epoch_.load(std::memory_order_acquire);
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
  auto generation = generation_.load(std::memory_order_acquire);
  // A commit by our own writer makes the reader due at once (that is what makes an
  // acknowledged article visible to the next search).
  bool due = now - slot.checked >= options_.refresh_interval || slot.generation != generation;
  auto epoch = current_epoch();
  if (!slot.searcher) {
    // Remember a failed open for one interval: a missing index must not cost a filesystem probe
    // on every request of a busy server.
    if (slot.open_error && !due) throw *slot.open_error;
    slot.checked = now;
    slot.generation = generation;
    try {
      slot.searcher.emplace(options_.index_path);
      slot.identity_epoch = epoch;
      slot.open_error.reset();
      if (options_.on_reopen) options_.on_reopen();
    } catch (const Error& error) {
      slot.open_error = error;
      throw;
    }
    return *slot.searcher;
  }
  if (slot.identity_epoch != epoch) {
    // The stub (or directory) at the path was replaced: reopen() would stay on the old
    // generation, so open the path afresh. The old reader serves until the new one is open; if
    // opening fails (switch half done), keep it and try again next time.
    try {
      Searcher fresh(options_.index_path);
      slot.searcher = std::move(fresh);
      if (options_.on_reopen) options_.on_reopen();
      slot.identity_epoch = epoch;
      slot.checked = now;
      slot.generation = generation;
      return *slot.searcher;
    } catch (const Error&) {
      slot.checked = now;
      return *slot.searcher;
    }
  }
  if (due) {
    slot.checked = now;
    slot.generation = generation;
    // A failure here is handled by with_searcher().
    if (slot.searcher->refresh() && options_.on_reopen) options_.on_reopen();
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
  // Retries, 10 ms apart, when an index that was open is missing or unavailable: the first
  // rebuild of a plain directory renames it to P.gen-0 before the stub P exists, so for an
  // instant (two renames and an fsync) there is no index at P.
  constexpr int kSwitchRetries = 20;
  auto lease = acquire();
  bool had_reader = false;
  for (int attempt = 0;; ++attempt) {
    try {
      had_reader = had_reader || lease->searcher.has_value();
      return action(ready(*lease));
    } catch (const Error& error) {
      if (!is_reader_failure(error.code()) || !had_reader) throw;
      // The index was replaced, damaged or overtaken under an open reader: drop it, and give a
      // fresh reader another try before reporting the failure.
      lease->searcher.reset();
      lease->checked = {};
      const bool switching =
          error.code() == ErrorCode::index_unavailable || error.code() == ErrorCode::index_missing;
      if (!switching || attempt >= kSwitchRetries) throw;
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
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

SearchResult SearcherPool::related(const RelatedRequest& request) {
  return with_searcher([&](Searcher& searcher) { return searcher.related(request); });
}

std::vector<Suggestion> SearcherPool::suggest(std::string_view prefix, std::size_t limit) {
  return with_searcher([&](Searcher& searcher) { return searcher.suggest(prefix, limit); });
}

IndexStats SearcherPool::stats() {
  return with_searcher([&](Searcher& searcher) { return searcher.stats(); });
}

}  // namespace newsq::server
