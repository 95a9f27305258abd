// newsq-server wired together: the searcher pool, the index writer queue (when ingest is
// enabled), the router and the HTTP server. main() only parses options into a ServiceConfig and
// calls run_service().
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "newsq/server/access_log.hpp"
#include "newsq/server/rate_limiter.hpp"
#include "newsq/server/router.hpp"
#include "newsq/server/server.hpp"

namespace newsq::server {

struct ServiceConfig {
  std::string index_path;  ///< may not exist yet: the server answers 503 until it does
  ServerConfig server;
  /// router.max_target_bytes is taken from server.max_target_bytes. router.keys: admin keys
  /// enable the ingest routes (without one they answer 403 and the server never opens the index
  /// for writing); search keys close the search routes to callers without a key.
  RouterConfig router;
  std::chrono::milliseconds refresh_interval{100};
  /// Per-client search rate limit (rate_per_s 0: off, the default).
  RateLimitOptions rate_limit;
  AccessLogFormat access_log = AccessLogFormat::text;
  std::chrono::milliseconds commit_delay{0};    ///< WriterQueueOptions::max_batch_delay
  std::size_t max_batch_changes = 1000;         ///< WriterQueueOptions::max_batch_changes
  std::chrono::milliseconds lock_wait{5000};    ///< WriterQueueOptions::lock_wait
  std::chrono::milliseconds writer_idle{1000};  ///< WriterQueueOptions::idle_close
};

/// Splits "127.0.0.1:8080" or "[::1]:8080" into host and port (0 allowed: any free port).
/// Throws Error(bad_parameter) naming the text when it is not of that form.
std::pair<std::string, std::uint16_t> parse_listen_address(std::string_view text);

/// Binds, prints "newsq-server listening on http://HOST:PORT" to `out` (flushed, so a parent
/// process can read the port chosen for port 0), serves until SIGINT/SIGTERM and returns 0 after
/// a graceful shutdown. Access-log lines go to `log`. Throws Error(io_error) when it cannot bind.
int run_service(const ServiceConfig& config, std::ostream& out, std::ostream& log);

}  // namespace newsq::server
