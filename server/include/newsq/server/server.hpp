// The asynchronous HTTP/1.1 server (Boost.Beast): a listener and one session per connection, one
// io_context run by N threads. The server knows nothing about search: it reads requests, hands
// each to a Handler (the Router) and writes the answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "newsq/server/access_log.hpp"
#include "newsq/server/metrics.hpp"

namespace newsq::server {

namespace http = boost::beast::http;

struct ServerConfig {
  std::string host = "127.0.0.1";           ///< address to bind (IPv4 or IPv6 literal)
  std::uint16_t port = 8080;                ///< 0 picks a free port (see Server::listen)
  unsigned threads = 0;                     ///< 0: std::thread::hardware_concurrency()
  std::size_t max_connections = 1024;       ///< above this, new connections get 503 and are closed
  std::size_t header_limit = 16 * 1024;     ///< request line + headers; above: 431 (or 414)
  std::size_t body_limit = 1024 * 1024;     ///< request body; above: 413
  std::size_t max_target_bytes = 8 * 1024;  ///< request target; above: 414
  /// Total time to receive one request, from its first byte to its last: a client sending a
  /// byte a second (slowloris) is cut off when it runs out, however steadily it sends.
  std::chrono::milliseconds read_timeout{15'000};
  /// How long a connection may wait for the first byte of a request (keep-alive idle time);
  /// 0: read_timeout.
  std::chrono::milliseconds idle_timeout{0};
  /// Bytes of one chunk's extensions (";name=value" after the chunk size); above: 400. Beast
  /// otherwise lets them grow up to the header limit per chunk, in every chunk.
  std::size_t max_chunk_extension = 256;
  std::chrono::milliseconds write_timeout{15'000};    ///< per response
  std::chrono::milliseconds shutdown_timeout{5'000};  ///< bound on finishing in-flight requests
  /// How often memory freed by closed connections is handed back to the system (glibc keeps it
  /// in per-thread arenas otherwise, so a burst of connections would raise RSS for good);
  /// 0 = never.
  std::chrono::milliseconds memory_trim_interval{5'000};
  /// Counts requests by route and status, rejections and open connections; none by default.
  /// Must outlive the server.
  Metrics* metrics = nullptr;
  /// The route label of a target for the metrics (Router::route_name); none: "other".
  std::function<std::string_view(std::string_view target)> route_name = {};
};

/// What the server knows of a request beyond its bytes.
struct Peer {
  std::string address;  ///< the client's IP address, as text
};

/// Request in, response out; must not throw and must be safe to call from many threads.
using Handler =
    std::function<http::response<http::string_body>(const http::request<http::string_body>&)>;

/// Delivers the response to one request; call it exactly once, from any thread.
using Responder = std::function<void(http::response<http::string_body>)>;

/// Request in, response later (through the Responder), so that a request waiting for something
/// slow (the index writer's commit) does not hold one of the server's threads. Must not throw.
using AsyncHandler =
    std::function<void(http::request<http::string_body>&&, const Peer&, Responder)>;

class Server {
 public:
  /// `log` must outlive the server. Nothing is bound until listen().
  Server(ServerConfig config, Handler handler, AccessLog& log);
  /// Same, with a handler that may answer later; the connection waits for the answer (its
  /// read timeout does not run meanwhile; graceful shutdown waits for it up to
  /// shutdown_timeout).
  Server(ServerConfig config, AsyncHandler handler, AccessLog& log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; returns the bound port (the chosen one when the config says 0).
  /// Throws Error(bad_parameter) for an unparsable host and Error(io_error) when it cannot bind.
  std::uint16_t listen();

  /// Serves on `threads` threads (the caller's included) until SIGINT or SIGTERM arrives or
  /// stop() is called, then shuts down gracefully: stops accepting, closes idle connections,
  /// lets in-flight requests finish for up to shutdown_timeout, and returns.
  void run();

  /// Starts the graceful shutdown from any thread; run() returns when it is done.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsq::server
