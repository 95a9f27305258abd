#include "newsq/server/access_log.hpp"

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

void AccessLog::write(const AccessRecord& record) {
  auto line = format_access_line(record) + '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

void AccessLog::note(std::string_view message) {
  std::string line = "newsq-server: " + std::string(message) + '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace newsq::server
