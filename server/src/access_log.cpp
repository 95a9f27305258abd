#include "newsq/server/access_log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace newsq::server {

std::string format_access_line(const AccessRecord& record) {
  auto path = record.target.substr(0, record.target.find('?'));
  std::string line;
  line.reserve(path.size() + 48);
  auto append_clean = [&line](std::string_view text) {
    // A request line may carry anything; never let it forge log lines or terminal escapes.
    for (char c : text) line += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  };
  append_clean(record.method.empty() ? std::string_view("-") : record.method);
  line += ' ';
  append_clean(path.empty() ? std::string_view("-") : path);
  line += ' ' + std::to_string(record.status) + ' ' + std::to_string(record.bytes) + ' ' +
          std::to_string(record.micros) + "us";
  return line;
}

namespace {

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[96];  // room for any int the format could print: GCC checks that at -O0 too
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return text;
}

std::string dump(const nlohmann::json& object) {
  // A request line may carry invalid UTF-8: replace it rather than throw.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string format_access_json(const AccessRecord& record) {
  auto path = record.target.substr(0, record.target.find('?'));
  nlohmann::json object = {{"time", utc_now()},
                           {"client", std::string(record.client)},
                           {"method", std::string(record.method.empty() ? "-" : record.method)},
                           {"path", std::string(path.empty() ? "-" : path)},
                           {"status", record.status},
                           {"bytes", record.bytes},
                           {"micros", record.micros}};
  return dump(object);
}

void AccessLog::write(const AccessRecord& record) {
  auto line =
      (format_ == AccessLogFormat::json ? format_access_json(record) : format_access_line(record)) +
      '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

void AccessLog::note(std::string_view message) {
  std::string line = format_ == AccessLogFormat::json
                         ? dump({{"time", utc_now()}, {"note", std::string(message)}}) + '\n'
                         : "newsq-server: " + std::string(message) + '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace newsq::server
