#include "newsq/server/server.hpp"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "newsq/errors.hpp"
#include "newsq/server/errors.hpp"
#include "session_memory.hpp"

namespace newsq::server {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

class Session;

/// What every session shares with the server; held by shared_ptr so that sessions destroyed
/// late (by the io_context's destructor) still find it.
struct SessionContext {
  SessionContext(ServerConfig config_in, AsyncHandler handler_in, AccessLog& log_in)
      : config(std::move(config_in)), handler(std::move(handler_in)), log(log_in) {}

  const ServerConfig config;
  const AsyncHandler handler;
  AccessLog& log;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;  ///< open connections

  std::size_t open_connections() {
    std::lock_guard lock(mutex);
    return sessions.size();
  }
};

/// Parser errors that mean the framing of the message is ambiguous or abusive (request
/// smuggling), as opposed to a size limit or plain garbage.
bool is_framing_error(const beast::error_code& error) {
  namespace e = beast::http;
  return error == e::error::bad_transfer_encoding || error == e::error::bad_content_length ||
         error == e::error::multiple_content_length || error == e::error::bad_chunk ||
         error == e::error::bad_chunk_extension;
}

/// Why the headers of a request frame its body ambiguously, or "" when they do not. Beast
/// 1.81 already refuses some of these cases itself; checking all of them here keeps the rule in
/// one place whatever the parser version does.
std::string framing_problem(const http::request<http::string_body>& request) {
  auto te_count = request.count(http::field::transfer_encoding);
  auto cl_count = request.count(http::field::content_length);
  if (cl_count > 1) return "more than one Content-Length";
  if (te_count == 0) return {};
  if (cl_count > 0) return "both Content-Length and Transfer-Encoding";
  if (te_count > 1) return "more than one Transfer-Encoding header";
  if (request.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  auto header = request[http::field::transfer_encoding];
  std::string_view codings(header.data(), header.size());
  auto comma = codings.rfind(',');
  auto last = comma == std::string_view::npos ? codings : codings.substr(comma + 1);
  auto first = last.find_first_not_of(" \t");
  auto end = last.find_last_not_of(" \t");
  last = first == std::string_view::npos ? std::string_view() : last.substr(first, end - first + 1);
  if (!beast::iequals(beast::string_view(last.data(), last.size()), "chunked"))
    return "a Transfer-Encoding that does not end in chunked";
  return {};
}

bool is_parse_error(const beast::error_code& error) {
  return error.category() ==
         beast::http::make_error_code(beast::http::error::header_limit).category();
}

std::uint64_t micros_since(Clock::time_point start) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

/// One connection: read a request, hand it to the handler, write the answer, repeat while the
/// connection is kept alive. Every handler of a session runs on the session's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<SessionContext> context)
      : socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        handler_memory_(std::allocate_shared<HandlerMemory>(PageAllocator<HandlerMemory>())),
        context_(std::move(context)) {
    beast::error_code error;
    auto endpoint = socket_.remote_endpoint(error);
    if (!error) peer_.address = endpoint.address().to_string();
    if (auto* metrics = context_->config.metrics) metrics->connection_opened();
    chunk_header_check_ = [limit = context_->config.max_chunk_extension](
                              std::uint64_t, beast::string_view extensions,
                              beast::error_code& error) {
      if (extensions.size() > limit) error = beast::http::error::bad_chunk_extension;
    };
  }

  ~Session() {
    if (auto* metrics = context_->config.metrics) metrics->connection_closed();
    std::lock_guard lock(context_->mutex);
    context_->sessions.erase(this);
  }

  /// Registers the connection and starts reading.
  void start() {
    {
      std::lock_guard lock(context_->mutex);
      context_->sessions.emplace(this, weak_from_this());
    }
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  /// Answers 503 without reading and closes: the server is at its connection cap.
  void reject() {
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->request_started_ = Clock::now();
      self->linger_ = true;
      if (auto* metrics = self->context_->config.metrics)
        metrics->record_rejection(RejectReason::limit);
      self->send(error_response(server_busy(), 11), true);
    });
  }

  /// Called from the shutdown path on any thread: close when idle, else finish the request.
  void notify_shutdown() {
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      if (!self->reading_) return;  // writing: on_write() sees `stopping` and closes
      if (self->buffer_.size() == 0 && !(self->parser_ && self->parser_->got_some())) {
        self->close();  // idle keep-alive connection: nothing in flight
      } else {
        self->expires_after(self->context_->config.shutdown_timeout);
      }
    });
  }

 private:
  void read_request() {
    if (context_->stopping) return close();
    // A fresh parser per request: limits apply to each message, not to the connection.
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(context_->config.header_limit, UINT32_MAX)));
    parser_->body_limit(context_->config.body_limit);
    parser_->on_chunk_header(chunk_header_check_);
    reading_ = true;
    if (buffer_.size() > 0) return read_header();  // pipelined: the next request is here
    // Idle: wait for the first byte under the idle timeout, then the request's own deadline.
    auto idle = context_->config.idle_timeout.count() > 0 ? context_->config.idle_timeout
                                                          : context_->config.read_timeout;
    expires_after(idle);
    socket_.async_read_some(
        buffer_.prepare(4096),
        bound([self = shared_from_this()](beast::error_code error, std::size_t n) {
          if (error) {
            self->reading_ = false;
            return self->close();  // idle timeout, peer gone or shutdown: nobody to answer
          }
          self->buffer_.commit(n);
          self->read_header();
        }));
  }

  /// Reads the header, checks its framing, then the body; one deadline for all of it.
  void read_header() {
    expires_after(context_->config.read_timeout);
    beast::http::async_read_header(
        socket_, buffer_, *parser_,
        bound([self = shared_from_this()](beast::error_code error, std::size_t header_bytes) {
          if (error) return self->on_read(error);
          auto problem = framing_problem(self->parser_->get());
          if (!problem.empty()) return self->refuse_framing(problem);
          if (auto too_large = self->oversized(header_bytes))
            return self->refuse(*too_large, RejectReason::limit);
          if (self->parser_->is_done()) return self->on_read({});
          beast::http::async_read(
              self->socket_, self->buffer_, *self->parser_,
              self->bound([self](beast::error_code read_error, std::size_t) {
                self->on_read(read_error);
              }));
        }));
  }

  /// The size limits on a complete header, before its body is read. Beast's own header limit
  /// applies to the request line and to the fields separately when they arrive together, so the
  /// documented limit (request line plus fields, `header_limit` bytes) is enforced here exactly;
  /// the target limit too, so a too long URL is refused before its body is read.
  std::optional<HttpError> oversized(std::size_t header_bytes) const {
    const auto& config = context_->config;
    if (parser_->get().target().size() > config.max_target_bytes)
      return uri_too_long(config.max_target_bytes);
    if (header_bytes > config.header_limit)
      return http_error_from_parse(beast::http::error::header_limit, false, config.header_limit,
                                   config.body_limit);
    return std::nullopt;
  }

  void refuse_framing(const std::string& problem) {
    refuse(ambiguous_framing(problem), RejectReason::smuggling);
  }

  /// Answers `error` to a request whose header was read but not its body, and closes.
  void refuse(const HttpError& error, RejectReason reason) {
    reading_ = false;
    request_started_ = Clock::now();
    method_ = std::string(parser_->get().method_string());
    target_ = "-";
    linger_ = true;
    if (auto* metrics = context_->config.metrics) metrics->record_rejection(reason);
    send(error_response(error, 11), true);
  }

  void on_read(beast::error_code error) {
    reading_ = false;
    disarm_deadline();  // the handler may take its time; the answer gets its own deadline
    request_started_ = Clock::now();
    if (error) {
      if (!is_parse_error(error) || error == beast::http::error::end_of_stream ||
          error == beast::http::error::partial_message)
        return close();  // the peer went away, timed out or was cancelled: nobody to answer
      // Which limit was hit: the parser stores the target as soon as the request line is
      // complete, so no target means the request line alone overflowed the header limit.
      auto target_size = parser_->get().target().size();
      bool line_too_long = target_size == 0 || target_size > context_->config.max_target_bytes;
      method_ = "-";
      target_ = "-";
      linger_ = true;
      if (auto* metrics = context_->config.metrics) {
        if (error == beast::http::error::header_limit || error == beast::http::error::body_limit)
          metrics->record_rejection(RejectReason::limit);
        else if (is_framing_error(error))
          metrics->record_rejection(RejectReason::smuggling);
      }
      return send(
          error_response(http_error_from_parse(error, line_too_long, context_->config.header_limit,
                                               context_->config.body_limit),
                         11),
          true);
    }
    auto request = parser_->release();
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    bool wants_keep_alive = request.keep_alive();
    context_->handler(
        std::move(request), peer_,
        [self = shared_from_this(), wants_keep_alive](http::response<http::string_body> response) {
          // Possibly called from another thread (the index writer): back onto the strand.
          net::dispatch(self->socket_.get_executor(),
                        [self, wants_keep_alive, response = std::move(response)]() mutable {
                          bool keep_alive = wants_keep_alive && !self->context_->stopping;
                          self->send(std::move(response), !keep_alive);
                        });
        });
  }

  void send(http::response<http::string_body> response, bool close_after) {
    response.keep_alive(!close_after);
    response_.emplace(std::move(response));
    expires_after(context_->config.write_timeout);
    beast::http::async_write(
        socket_, *response_,
        bound([self = shared_from_this()](beast::error_code error, std::size_t bytes) {
          self->on_write(error, bytes);
        }));
  }

  void on_write(beast::error_code error, std::size_t bytes) {
    auto micros = micros_since(request_started_);
    context_->log.write({method_, target_, response_->result_int(), bytes, micros, peer_.address});
    if (auto* metrics = context_->config.metrics) {
      const auto& route_name = context_->config.route_name;
      metrics->record_request(target_ == "-" ? "none"
                              : route_name   ? route_name(target_)
                                             : "other",
                              response_->result_int(), std::chrono::microseconds(micros));
    }
    // Keep-alive is decided now that the answer is out: the server may have started stopping
    // while it was written.
    bool close_now = error || response_->need_eof() || context_->stopping;
    response_.reset();
    if (!error && linger_) return linger_close();
    if (close_now) return close();
    read_request();
  }

  /// Closes after an error answer while the client may still be sending (an oversized body):
  /// closing with unread data would reset the connection and could destroy the answer before
  /// the client reads it, so stop sending, discard input for a bounded time, then close.
  void linger_close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    expires_after(std::chrono::seconds(2));
    drain(0);
  }

  void drain(std::size_t discarded) {
    static constexpr std::size_t kMaxDiscard = 16 * 1024 * 1024;
    buffer_.consume(buffer_.size());
    socket_.async_read_some(
        buffer_.prepare(64 * 1024),
        bound([self = shared_from_this(), discarded](beast::error_code error, std::size_t bytes) {
          if (error || discarded + bytes > kMaxDiscard) return self->close();
          self->drain(discarded + bytes);
        }));
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    socket_.close(ignored);
    deadline_.cancel();
  }

  /// Gives whatever the connection is doing until `timeout` from now; past it the socket is
  /// closed, so the pending operation fails and the connection ends. Every wait is one
  /// operation; a new deadline cancels the previous wait, whose handler then sees that the
  /// deadline moved and does nothing.
  void expires_after(std::chrono::steady_clock::duration timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait(bound([weak = weak_from_this()](beast::error_code error) {
      auto self = weak.lock();
      if (error || !self || self->deadline_.expiry() > net::steady_timer::clock_type::now())
        return;
      beast::error_code ignored;
      self->socket_.close(ignored);
    }));
  }

  /// No deadline while the request is handled: only reading and writing are timed.
  void disarm_deadline() { deadline_.expires_at(net::steady_timer::time_point::max()); }

  /// `handler` with the connection's HandlerMemory as its allocator.
  template <class Handler>
  net::allocator_binder<std::decay_t<Handler>, HandlerAllocator<void>> bound(
      Handler&& handler) const {
    return net::bind_allocator(HandlerAllocator<void>(handler_memory_),
                               std::forward<Handler>(handler));
  }

  tcp::socket socket_;
  net::steady_timer deadline_;
  std::shared_ptr<HandlerMemory> handler_memory_;
  beast::basic_flat_buffer<PageAllocator<char>> buffer_;
  std::shared_ptr<SessionContext> context_;
  std::optional<beast::http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  bool reading_ = false;
  bool linger_ = false;  ///< close with linger_close() after this response
  Clock::time_point request_started_;
  std::string method_;
  std::string target_;
  Peer peer_;
  /// The parser keeps a reference to its chunk-header callback: it lives as long as the session.
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> chunk_header_check_;
};

}  // namespace

struct Server::Impl {
  Impl(ServerConfig config, AsyncHandler handler, AccessLog& log)
      : context(std::make_shared<SessionContext>(std::move(config), std::move(handler), log)),
        acceptor(net::make_strand(io)),
        signals(io, SIGINT, SIGTERM),
        shutdown_timer(io),
        retry_timer(acceptor.get_executor()),
        trim_timer(net::make_strand(io)) {}

  std::shared_ptr<SessionContext> context;
  net::io_context io;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer shutdown_timer;
  net::steady_timer retry_timer;
  net::steady_timer trim_timer;
  Clock::time_point shutdown_deadline;
  bool listening = false;

  const ServerConfig& config() const { return context->config; }

  void accept() {
    acceptor.async_accept(net::make_strand(io),
                          [this](beast::error_code error, tcp::socket socket) {
                            if (error == net::error::operation_aborted || context->stopping) return;
                            if (error) {
                              // Typically out of file descriptors: back off briefly instead of
                              // spinning.
                              context->log.note("accept failed: " + error.message());
                              retry_timer.expires_after(std::chrono::milliseconds(50));
                              retry_timer.async_wait([this](beast::error_code wait_error) {
                                if (!wait_error) accept();
                              });
                              return;
                            }
                            beast::error_code ignored;
                            socket.set_option(tcp::no_delay(true), ignored);
                            auto session =
                                std::allocate_shared<Session>(PageAllocator<Session>(), std::move(socket), context);
                            if (context->open_connections() >= config().max_connections)
                              session->reject();
                            else
                              session->start();
                            accept();
                          });
  }

  /// Hands freed heap memory back to the system now and then (ServerConfig::memory_trim_interval).
  void trim_memory_periodically() {
    if (config().memory_trim_interval.count() <= 0 || context->stopping) return;
    trim_timer.expires_after(config().memory_trim_interval);
    trim_timer.async_wait([this](beast::error_code error) {
      if (error || context->stopping) return;
      ::malloc_trim(0);
      trim_memory_periodically();
    });
  }

  void wait_for_signal() {
    signals.async_wait([this](beast::error_code error, int) {
      if (error) return;
      if (context->stopping) {
        // A second signal: the operator does not want to wait.
        context->log.note("second signal, stopping now");
        io.stop();
        return;
      }
      begin_shutdown();
      wait_for_signal();
    });
  }

  void begin_shutdown() {
    if (context->stopping.exchange(true)) return;
    context->log.note("shutting down");
    net::dispatch(acceptor.get_executor(), [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      retry_timer.cancel();
    });
    net::dispatch(trim_timer.get_executor(), [this] { trim_timer.cancel(); });
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(context->mutex);
      for (auto& [key, weak] : context->sessions)
        if (auto session = weak.lock()) open.push_back(std::move(session));
    }
    for (auto& session : open) session->notify_shutdown();
    shutdown_deadline = Clock::now() + config().shutdown_timeout;
    poll_shutdown();
  }

  /// Stops the io_context once every connection is closed or the time is up.
  void poll_shutdown() {
    if (context->open_connections() == 0 || Clock::now() >= shutdown_deadline) {
      signals.cancel();
      io.stop();
      return;
    }
    shutdown_timer.expires_after(std::chrono::milliseconds(10));
    shutdown_timer.async_wait([this](beast::error_code error) {
      if (!error) poll_shutdown();
    });
  }
};

Server::Server(ServerConfig config, Handler handler, AccessLog& log)
    : Server(std::move(config),
             AsyncHandler([handler = std::move(handler)](http::request<http::string_body>&& request,
                                                         const Peer&, Responder respond) {
               respond(handler(request));
             }),
             log) {}

Server::Server(ServerConfig config, AsyncHandler handler, AccessLog& log)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(handler), log)) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  auto& config = impl_->config();
  beast::error_code error;
  auto address = net::ip::make_address(config.host, error);
  if (error) throw Error(ErrorCode::bad_parameter, "not an IP address: " + config.host);
  tcp::endpoint endpoint(address, config.port);
  auto& acceptor = impl_->acceptor;
  auto fail = [&](std::string_view what) {
    throw Error(ErrorCode::io_error, "cannot " + std::string(what) + " " + config.host + ":" +
                                         std::to_string(config.port) + ": " + error.message());
  };
  if (acceptor.open(endpoint.protocol(), error)) fail("open a socket for");
  if (acceptor.set_option(net::socket_base::reuse_address(true), error)) fail("configure");
  if (acceptor.bind(endpoint, error)) fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, error)) fail("listen on");
  impl_->listening = true;
  return acceptor.local_endpoint().port();
}

void Server::run() {
  if (!impl_->listening) listen();
  impl_->accept();
  impl_->wait_for_signal();
  impl_->trim_memory_periodically();
  unsigned threads = impl_->config().threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto work = [this] {
    for (;;) {
      try {
        impl_->io.run();
        return;
      } catch (const std::exception& error) {
        // Handlers do not throw by design; if one does, log it and keep serving.
        impl_->context->log.note(std::string("unexpected exception: ") + error.what());
      }
    }
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
  work();
}

void Server::stop() {
  net::post(impl_->io, [impl = impl_.get()] { impl->begin_shutdown(); });
}

}  // namespace newsq::server
