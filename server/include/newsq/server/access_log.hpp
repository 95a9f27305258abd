// One line per request on a stream (stderr in newsq-server): method, path, status, bytes and
// microseconds. The query string is never logged: later it may carry keys, and search terms are
// the readers' business.
#pragma once

#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace newsq::server {

struct AccessRecord {
  std::string_view method;
  std::string_view target;  ///< the request target; the query string is dropped
  unsigned status = 0;
  std::uint64_t bytes = 0;   ///< bytes written (header and body)
  std::uint64_t micros = 0;  ///< from the request fully read to the response fully written
};

/// "GET /search 200 1234 567us": the target's path only, control characters replaced by '?'.
std::string format_access_line(const AccessRecord& record);

/// Thread-safe: whole lines, never interleaved. The stream must outlive the log.
class AccessLog {
 public:
  explicit AccessLog(std::ostream& out) : out_(out) {}
  void write(const AccessRecord& record);
  /// A free-form line (start-up, shutdown, 500s), prefixed with "newsq-server: ".
  void note(std::string_view message);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace newsq::server
