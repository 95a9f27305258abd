// Test helpers for tests/server: the real newsq-server binary as an RAII process, and a raw
// HTTP/1.1 connection for keep-alive and malformed-input tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "support/temp_dir.hpp"

namespace newsq::test {

/// newsq-server started on 127.0.0.1 with a free port; always stopped by the destructor
/// (SIGTERM, then SIGKILL after 10 s), so a failing test never leaves a server behind.
class ServerProcess {
 public:
  /// Runs build/server/newsq-server with `args` plus `--listen 127.0.0.1:0`, extra environment
  /// variables `env`, and waits (10 s at most) for the "listening on URL" line. Throws
  /// std::runtime_error carrying the server's stderr when it does not come.
  explicit ServerProcess(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         bool add_listen = true);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }  ///< "http://127.0.0.1:PORT"
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  /// Sends `signal` and waits up to `timeout`; returns the exit code, or 128+signal when killed
  /// by one, or -1 on timeout (the destructor then kills it).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// What the server wrote to stderr so far (the access log).
  std::string log() const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string url_;
  std::uint16_t port_ = 0;
};

/// Path of a built binary (newsq-server, newsq-index) under the build tree.
std::filesystem::path built_binary(const std::string& relative);

/// One TCP connection to 127.0.0.1:port speaking raw HTTP/1.1: send any bytes, read responses.
/// Every operation has a deadline, so a misbehaving server fails the test instead of hanging it.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);

  /// Writes the bytes as they are. Returns false when the connection is gone.
  bool send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  /// The next response, or nullopt when the peer closed or the time ran out. Pass
  /// `to_head_request` for the answer to a HEAD (which has a Content-Length but no body).
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(5), bool to_head_request = false);

  /// True when the server closes the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

/// Indexes the seed page (data/seed) into `index` with newsq-index, dated 2025-01-30 in
/// Europe/Madrid. Throws std::runtime_error with newsq-index's output on failure.
void index_seed_page(const std::filesystem::path& index);

/// Adds JSON Lines records to `index` with newsq-index (through a file next to the index).
void index_jsonl(const std::filesystem::path& index, const std::string& jsonl);

/// One request on a fresh connection to 127.0.0.1:port ("Connection: close"), with Host and
/// Content-Length added and `extra` header lines ("Name: value\r\n" each). Throws
/// std::runtime_error when no response arrives within `timeout`.
boost::beast::http::response<boost::beast::http::string_body> send_request(
    std::uint16_t port, std::string_view method, std::string_view target,
    std::string_view body = "", std::string_view extra = "",
    std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// "GET target HTTP/1.1" with Host, and `extra` header lines ("Name: value\r\n" each).
std::string get_request(std::string_view target, std::string_view extra = "");

}  // namespace newsq::test
