#include "newsq/server/service.hpp"

#include <algorithm>
#include <charconv>
#include <thread>

#include "newsq/errors.hpp"

#include "newsq/server/access_log.hpp"
#include "newsq/server/router.hpp"
#include "newsq/server/searcher_pool.hpp"
#include "newsq/server/writer_queue.hpp"

namespace newsq::server {

std::pair<std::string, std::uint16_t> parse_listen_address(std::string_view text) {
  auto fail = [&]() -> std::pair<std::string, std::uint16_t> {
    throw Error(ErrorCode::bad_parameter,
                "--listen wants HOST:PORT or [IPV6]:PORT, not '" + std::string(text) + "'");
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return fail();
  auto host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return fail();
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return fail();  // an IPv6 address needs brackets
  }
  unsigned port = 0;
  auto digits = text.substr(colon + 1);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (error != std::errc() || end != digits.data() + digits.size() || port > 65535) return fail();
  return {std::string(host), static_cast<std::uint16_t>(port)};
}

int run_service(const ServiceConfig& config, std::ostream& out, std::ostream& log_stream) {
  AccessLog log(log_stream, config.access_log);
  Metrics metrics;
  RateLimiter rate_limiter(config.rate_limit);

  auto server_config = config.server;
  if (server_config.threads == 0)
    server_config.threads = std::max(1u, std::thread::hardware_concurrency());

  // One reader per server thread: a search runs on the thread that read the request.
  SearcherPool pool({config.index_path, server_config.threads, config.refresh_interval,
                     [&metrics] { metrics.record_reader_reopen(); }});

  // The one writer, only when ingest is enabled: without an admin key the server never takes
  // the index's write lock.
  std::optional<WriterQueue> writer;
  if (config.router.keys.has_admin_keys()) {
    WriterQueueOptions options;
    options.index_path = config.index_path;
    options.max_batch_delay = config.commit_delay;
    options.max_batch_changes = config.max_batch_changes;
    options.lock_wait = config.lock_wait;
    options.idle_close = config.writer_idle;
    options.on_commit = [&pool] { pool.invalidate(); };
    options.on_transaction = [&metrics](std::chrono::microseconds duration, std::size_t changes,
                                        bool committed) {
      metrics.record_commit(duration, changes, committed);
    };
    options.log = [&log](std::string_view message) { log.note(message); };
    writer.emplace(std::move(options));
  }

  auto router_config = config.router;
  router_config.max_target_bytes = server_config.max_target_bytes;
  router_config.log_error = [&log](std::string_view message) { log.note(message); };
  router_config.metrics = &metrics;
  if (rate_limiter.enabled()) router_config.rate_limiter = &rate_limiter;
  Router router(pool, std::move(router_config), writer ? &*writer : nullptr);

  server_config.metrics = &metrics;
  server_config.route_name = &Router::route_name;
  Server server(server_config,
                AsyncHandler([&router](Request&& request, const Peer& peer, Responder respond) {
                  router.handle_async(std::move(request), std::move(respond), {peer.address});
                }),
                log);
  auto port = server.listen();
  auto host = server_config.host.find(':') == std::string::npos ? server_config.host
                                                                : "[" + server_config.host + "]";
  out << "newsq-server listening on http://" << host << ":" << port << std::endl;
  log.note("index " + config.index_path + ", " + std::to_string(server_config.threads) +
           " threads, ingest " + (writer ? "enabled" : "disabled (no admin key)") + ", search " +
           (config.router.keys.has_search_keys() ? "needs a key" : "public") +
           (rate_limiter.enabled() ? ", search rate-limited per client" : ""));
  try {
    server.run();
  } catch (...) {
    if (writer) writer->stop();
    throw;
  }
  // Before the server (and its io_context) goes: the writer commits or fails what is still
  // queued, and its answers must find the io_context alive (they are then dropped with it).
  if (writer) writer->stop();
  log.note("stopped");
  return 0;
}

}  // namespace newsq::server
