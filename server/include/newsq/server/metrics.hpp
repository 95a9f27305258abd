// Counters for GET /metrics, in the Prometheus text exposition format (version 0.0.4). One
// Metrics object is owned by run_service() and handed to the server, the router, the searcher
// pool and the writer queue (through callbacks); it has no globals. Every counter is a relaxed
// atomic: a scrape may see one request's counters half-updated, which Prometheus tolerates.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace newsq::server {

/// Why a request was refused before it reached a route.
enum class RejectReason { limit, ratelimit, auth, smuggling };

/// The index as seen by the readers, for the gauges.
struct IndexGauges {
  std::uint64_t documents = 0;
  std::uint64_t revision = 0;
};

class Metrics {
 public:
  /// Route labels: what Router::route_name() returns.
  static constexpr std::array<std::string_view, 10> kRoutes = {
      "page",   "search",  "article", "articles", "healthz",
      "readyz", "metrics", "static",  "other",    "none"};
  /// Statuses counted by their own label; any other is counted as "other".
  static constexpr std::array<unsigned, 15> kStatuses = {200, 204, 304, 400, 401, 403, 404, 405,
                                                         408, 413, 414, 429, 431, 500, 503};
  /// Upper bounds of the latency buckets, seconds (+Inf implied).
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

  /// One request answered: `route` is one of kRoutes (others count as "other").
  void record_request(std::string_view route, unsigned status,
                      std::chrono::microseconds latency) noexcept;
  void record_rejection(RejectReason reason) noexcept;
  void connection_opened() noexcept { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  /// One writer transaction: its duration, the changes in it and whether it committed.
  void record_commit(std::chrono::microseconds duration, std::size_t changes,
                     bool committed) noexcept;
  void record_reader_reopen() noexcept { reopens_.fetch_add(1, std::memory_order_relaxed); }

  std::int64_t open_connections() const noexcept {
    return open_connections_.load(std::memory_order_relaxed);
  }
  std::uint64_t rejections(RejectReason reason) const noexcept;

  /// The exposition text; `index` gives the index gauges (nullopt: no index, newsq_index_up 0).
  std::string render(const std::optional<IndexGauges>& index) const;

 private:
  struct Histogram {
    std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_micros{0};
    void observe(std::chrono::microseconds value) noexcept;
  };
  static std::size_t route_index(std::string_view route) noexcept;
  static std::size_t status_index(unsigned status) noexcept;

  static constexpr std::size_t kStatusSlots = kStatuses.size() + 1;  // + "other"
  std::array<std::array<std::atomic<std::uint64_t>, kStatusSlots>, kRoutes.size()> requests_{};
  std::array<Histogram, kRoutes.size()> latency_{};
  std::array<std::atomic<std::uint64_t>, 4> rejections_{};
  std::atomic<std::int64_t> open_connections_{0};
  Histogram commit_latency_;
  std::atomic<std::uint64_t> commits_ok_{0}, commits_failed_{0}, changes_committed_{0};
  std::atomic<std::uint64_t> reopens_{0};
};

}  // namespace newsq::server
