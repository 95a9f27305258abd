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
  std::string_view client = {};  ///< the client's IP address ("" when unknown)
};

/// How access lines are written.
enum class AccessLogFormat {
  text,  ///< "GET /search 200 1234 567us"
  json,  ///< one JSON object a line: time, client, method, path, status, bytes, micros
};

/// {"time":"2025-01-30T12:00:00.123Z","client":"127.0.0.1","method":"GET","path":"/search",
/// "status":200,"bytes":1234,"micros":567}: the path without the query string; invalid UTF-8
/// replaced.
std::string format_access_json(const AccessRecord& record);

/// "GET /search 200 1234 567us": the target's path only, control characters replaced by '?'.
std::string format_access_line(const AccessRecord& record);

/// Thread-safe: whole lines, never interleaved. The stream must outlive the log.
class AccessLog {
 public:
  explicit AccessLog(std::ostream& out, AccessLogFormat format = AccessLogFormat::text)
      : out_(out), format_(format) {}
  void write(const AccessRecord& record);
  /// A free-form line (start-up, shutdown, 500s), prefixed with "newsq-server: "; in the JSON
  /// format {"time":..., "note":...}.
  void note(std::string_view message);

 private:
  std::mutex mutex_;
  std::ostream& out_;
  AccessLogFormat format_;
};

}  // namespace newsq::server
