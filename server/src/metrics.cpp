#include "newsq/server/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace newsq::server {

namespace {

constexpr std::array<std::string_view, 4> kReasons = {"limit", "ratelimit", "auth", "smuggling"};

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::uint64_t load(const std::atomic<std::uint64_t>& value) {
  return value.load(std::memory_order_relaxed);
}

}  // namespace

void Metrics::Histogram::observe(std::chrono::microseconds value) noexcept {
  double s = static_cast<double>(value.count()) / 1e6;
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (s <= kBuckets[i]) buckets[i].fetch_add(1, std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
  sum_micros.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, value.count())),
                       std::memory_order_relaxed);
}

std::size_t Metrics::route_index(std::string_view route) noexcept {
  auto found = std::find(kRoutes.begin(), kRoutes.end(), route);
  if (found == kRoutes.end()) found = std::find(kRoutes.begin(), kRoutes.end(), "other");
  return static_cast<std::size_t>(found - kRoutes.begin());
}

std::size_t Metrics::status_index(unsigned status) noexcept {
  if (status == 0) return kStatuses.size();
  auto found = std::find(kStatuses.begin(), kStatuses.end(), status);
  return static_cast<std::size_t>(found - kStatuses.begin());  // kStatuses.size(): "other"
}

void Metrics::record_request(std::string_view route, unsigned status,
                             std::chrono::microseconds latency) noexcept {
  auto r = route_index(route);
  requests_[r][status_index(status)].fetch_add(1, std::memory_order_relaxed);
  latency_[r].observe(latency);
}

void Metrics::record_rejection(RejectReason reason) noexcept {
  rejections_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::rejections(RejectReason reason) const noexcept {
  return load(rejections_[static_cast<std::size_t>(reason)]);
}

void Metrics::record_commit(std::chrono::microseconds duration, std::size_t changes,
                            bool committed) noexcept {
  commit_latency_.observe(duration);
  if (committed) {
    commits_ok_.fetch_add(1, std::memory_order_relaxed);
    changes_committed_.fetch_add(changes, std::memory_order_relaxed);
  } else {
    commits_failed_.fetch_add(1, std::memory_order_relaxed);
  }
}

std::string Metrics::render(const std::optional<IndexGauges>& index) const {
  std::string out;
  auto histogram = [&out](std::string_view name, std::string_view labels, const Histogram& h) {
    std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += std::string(name) + "_bucket{" + prefix + "le=\"" + seconds(kBuckets[i]) + "\"} " +
             std::to_string(load(h.buckets[i])) + "\n";
    out += std::string(name) + "_bucket{" + prefix + "le=\"+Inf\"} " +
           std::to_string(load(h.count)) + "\n";
    auto braces = labels.empty() ? std::string() : "{" + std::string(labels) + "}";
    out += std::string(name) + "_sum" + braces + " " +
           seconds(static_cast<double>(load(h.sum_micros)) / 1e6) + "\n";
    out += std::string(name) + "_count" + braces + " " + std::to_string(load(h.count)) + "\n";
  };

  out +=
      "# HELP newsq_http_requests_total Requests answered, by route and status.\n"
      "# TYPE newsq_http_requests_total counter\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r) {
    for (std::size_t s = 0; s < kStatusSlots; ++s) {
      auto count = load(requests_[r][s]);
      if (count == 0) continue;  // keeps the scrape small; absent means 0
      auto status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : std::string("other");
      out += "newsq_http_requests_total{route=\"" + std::string(kRoutes[r]) + "\",status=\"" +
             status + "\"} " + std::to_string(count) + "\n";
    }
  }
  out +=
      "# HELP newsq_http_request_duration_seconds From request read to response written.\n"
      "# TYPE newsq_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < kRoutes.size(); ++r)
    histogram("newsq_http_request_duration_seconds", "route=\"" + std::string(kRoutes[r]) + "\"",
              latency_[r]);
  out +=
      "# HELP newsq_http_rejected_total Requests refused before routing, by reason.\n"
      "# TYPE newsq_http_rejected_total counter\n";
  for (std::size_t i = 0; i < kReasons.size(); ++i)
    out += "newsq_http_rejected_total{reason=\"" + std::string(kReasons[i]) + "\"} " +
           std::to_string(load(rejections_[i])) + "\n";
  out +=
      "# HELP newsq_http_open_connections Connections open now.\n"
      "# TYPE newsq_http_open_connections gauge\n"
      "newsq_http_open_connections " +
      std::to_string(open_connections()) + "\n";
  out +=
      "# HELP newsq_index_up Whether the readers have an index open.\n"
      "# TYPE newsq_index_up gauge\n"
      "newsq_index_up " +
      std::string(index ? "1" : "0") + "\n";
  if (index) {
    out +=
        "# HELP newsq_index_documents Documents in the index.\n"
        "# TYPE newsq_index_documents gauge\n"
        "newsq_index_documents " +
        std::to_string(index->documents) + "\n";
    out +=
        "# HELP newsq_index_revision Revision of the index the readers see.\n"
        "# TYPE newsq_index_revision gauge\n"
        "newsq_index_revision " +
        std::to_string(index->revision) + "\n";
  }
  out +=
      "# HELP newsq_reader_reopens_total Readers reopened (new commit or generation).\n"
      "# TYPE newsq_reader_reopens_total counter\n"
      "newsq_reader_reopens_total " +
      std::to_string(load(reopens_)) + "\n";
  out +=
      "# HELP newsq_ingest_commits_total Writer transactions, by result.\n"
      "# TYPE newsq_ingest_commits_total counter\n"
      "newsq_ingest_commits_total{result=\"ok\"} " +
      std::to_string(load(commits_ok_)) +
      "\n"
      "newsq_ingest_commits_total{result=\"failed\"} " +
      std::to_string(load(commits_failed_)) + "\n";
  out +=
      "# HELP newsq_ingest_changes_total Articles upserted or deleted in committed "
      "transactions.\n"
      "# TYPE newsq_ingest_changes_total counter\n"
      "newsq_ingest_changes_total " +
      std::to_string(load(changes_committed_)) + "\n";
  out +=
      "# HELP newsq_ingest_commit_duration_seconds Writer transaction time, commit included.\n"
      "# TYPE newsq_ingest_commit_duration_seconds histogram\n";
  histogram("newsq_ingest_commit_duration_seconds", "", commit_latency_);
  return out;
}

}  // namespace newsq::server
