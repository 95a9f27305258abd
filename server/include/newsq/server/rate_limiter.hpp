// A per-client token bucket for GET /search (and the page's searches): each client address may
// make `rate` requests per second on average and `burst` at once. The table of clients is
// bounded: when it is full, clients idle long enough to have a full bucket are forgotten (they
// lose nothing), then the least recently seen, so memory does not grow with the number of
// clients an attacker can spoof or rotate through.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace newsq::server {

struct RateLimitOptions {
  double rate_per_s = 0;             ///< tokens added per second; 0 disables the limiter
  double burst = 0;                  ///< bucket size (requests at once); below 1 taken as 1
  std::size_t max_clients = 10'000;  ///< clients remembered at most
};

/// Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RateLimiter(RateLimitOptions options);

  /// Takes one token for `client`. nullopt: allowed; otherwise refused, with the whole seconds
  /// (at least 1) after which a token will be available, for Retry-After.
  std::optional<unsigned> take(std::string_view client, Clock::time_point now = Clock::now());

  /// Clients currently remembered (at most max_clients).
  std::size_t clients() const;

  bool enabled() const noexcept { return options_.rate_per_s > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last;
  };
  void evict(Clock::time_point now);

  RateLimitOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

/// Parses "N/s", "N/m" or "N" (per second) into requests per second. Throws Error(bad_parameter).
double parse_rate(std::string_view text);

}  // namespace newsq::server
