#include "newsq/server/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "newsq/errors.hpp"

namespace newsq::server {

RateLimiter::RateLimiter(RateLimitOptions options) : options_(options) {
  options_.burst = std::max(1.0, options_.burst);
  options_.max_clients = std::max<std::size_t>(1, options_.max_clients);
}

std::optional<unsigned> RateLimiter::take(std::string_view client, Clock::time_point now) {
  if (!enabled()) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto found = buckets_.find(std::string(client));
  if (found == buckets_.end()) {
    if (buckets_.size() >= options_.max_clients) evict(now);
    found = buckets_.emplace(std::string(client), Bucket{options_.burst, now}).first;
  }
  auto& bucket = found->second;
  std::chrono::duration<double> elapsed = now - bucket.last;
  bucket.tokens = std::min(options_.burst,
                           bucket.tokens + std::max(0.0, elapsed.count()) * options_.rate_per_s);
  bucket.last = std::max(bucket.last, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  double wait = (1 - bucket.tokens) / options_.rate_per_s;
  return static_cast<unsigned>(std::max(1.0, std::ceil(wait)));
}

void RateLimiter::evict(Clock::time_point now) {
  // First the clients whose bucket has refilled: forgetting them changes nothing for them.
  std::chrono::duration<double> refill(options_.burst / options_.rate_per_s);
  std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.last >= refill; });
  if (buckets_.size() < options_.max_clients) return;
  // Then the least recently seen one (a linear scan, only when the table is full of active
  // clients).
  auto oldest =
      std::min_element(buckets_.begin(), buckets_.end(),
                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
  buckets_.erase(oldest);
}

std::size_t RateLimiter::clients() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

double parse_rate(std::string_view text) {
  double per = 1;
  auto number = text;
  if (text.ends_with("/s")) {
    number = text.substr(0, text.size() - 2);
  } else if (text.ends_with("/m")) {
    number = text.substr(0, text.size() - 2);
    per = 60;
  }
  std::string copy(number);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !(value >= 0) || !std::isfinite(value))
    throw Error(
        ErrorCode::bad_parameter,
        "--rate-limit wants N/s, N/m or N (requests per second), not '" + std::string(text) + "'");
  return value / per;
}

}  // namespace newsq::server
