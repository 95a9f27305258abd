// newsq-server: the HTTP search API and search page over a newsq index. Parses options and hands
// them to run_service(); see server/include/newsq/server/service.hpp.
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "newsq/errors.hpp"
#include "newsq/paths.hpp"
#include "newsq/server/ingest.hpp"
#include "newsq/server/service.hpp"

int main(int argc, char** argv) {
  using newsq::server::ServiceConfig;
  ServiceConfig config;
  config.index_path = newsq::default_index_path();
  std::string listen = "127.0.0.1:8080";
  if (const char* env = std::getenv("NEWSQ_LISTEN"); env != nullptr && *env != '\0') listen = env;
  auto& server = config.server;
  long long read_ms = server.read_timeout.count(), write_ms = server.write_timeout.count(),
            shutdown_ms = server.shutdown_timeout.count(),
            refresh_ms = config.refresh_interval.count(),
            commit_delay_ms = config.commit_delay.count(), lock_wait_ms = config.lock_wait.count(),
            writer_idle_ms = config.writer_idle.count();
  std::optional<std::string> admin_token_file;

  CLI::App app{
      "newsq-server: the HTTP search API (/search, /articles/{id}, /healthz) and the search "
      "page (/) over a newsq index, and with an admin token the ingest API (POST /articles, "
      "PUT and DELETE /articles/{id}, with 'Authorization: Bearer TOKEN'). Prints "
      "'newsq-server listening on http://HOST:PORT' once bound; stops gracefully on SIGINT or "
      "SIGTERM."};
  app.option_defaults()->always_capture_default();
  app.add_option("--index", config.index_path,
                 "Index directory; may not exist yet (503 until it does). Default: $NEWSQ_INDEX, "
                 "else $XDG_DATA_HOME/newsq/index, else ~/.local/share/newsq/index");
  app.add_option("--listen", listen,
                 "Address to listen on, HOST:PORT or [IPV6]:PORT; port 0 picks a free port "
                 "(env NEWSQ_LISTEN)");
  app.add_option("--threads", server.threads, "Worker threads; 0 = one per core")
      ->check(CLI::Range(0u, 1024u));
  app.add_option("--cors-origin", config.router.cors_origins,
                 "Origin allowed to call the API from a browser, e.g. https://example.org "
                 "(repeatable; none by default)");
  app.add_option("--max-connections", server.max_connections,
                 "Open connections above which new ones get 503")
      ->check(CLI::PositiveNumber);
  app.add_option("--read-timeout-ms", read_ms,
                 "Time allowed to receive one request, idle keep-alive included")
      ->check(CLI::PositiveNumber);
  app.add_option("--write-timeout-ms", write_ms, "Time allowed to send one response")
      ->check(CLI::PositiveNumber);
  app.add_option("--shutdown-timeout-ms", shutdown_ms,
                 "On SIGTERM/SIGINT, how long in-flight requests may take to finish")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--header-limit", server.header_limit,
                 "Bytes of request line plus headers (431 above; 414 for a long request line)")
      ->check(CLI::PositiveNumber);
  app.add_option("--body-limit", server.body_limit, "Bytes of request body (413 above)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-url", server.max_target_bytes, "Bytes of request target (414 above)")
      ->check(CLI::PositiveNumber);
  app.add_option("--refresh-ms", refresh_ms,
                 "How often each reader checks the index for new commits")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--admin-token-file", admin_token_file,
                 "File whose first line is the admin token (at least 16 characters) that enables "
                 "the ingest API; else env NEWSQ_ADMIN_TOKEN; without either, ingest routes "
                 "answer 403. Never pass the token itself on the command line")
      ->check(CLI::ExistingFile);
  app.add_option("--commit-delay-ms", commit_delay_ms,
                 "Ingest: extra time the writer waits to gather more requests into one commit "
                 "(0: group commit, requests queued during a commit form the next one)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-batch", config.max_batch_changes,
                 "Ingest: articles per commit above which queued requests wait for the next one")
      ->check(CLI::PositiveNumber);
  app.add_option("--lock-wait-ms", lock_wait_ms,
                 "Ingest: how long a request waits while another writer (newsq-index) holds the "
                 "index lock before it gets 503 with Retry-After")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--writer-idle-ms", writer_idle_ms,
                 "Ingest: the writer releases the index lock after this long without requests, "
                 "so newsq-index can write between publications")
      ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    std::tie(server.host, server.port) = newsq::server::parse_listen_address(listen);
    server.read_timeout = std::chrono::milliseconds(read_ms);
    server.write_timeout = std::chrono::milliseconds(write_ms);
    server.shutdown_timeout = std::chrono::milliseconds(shutdown_ms);
    config.refresh_interval = std::chrono::milliseconds(refresh_ms);
    config.commit_delay = std::chrono::milliseconds(commit_delay_ms);
    config.lock_wait = std::chrono::milliseconds(lock_wait_ms);
    config.writer_idle = std::chrono::milliseconds(writer_idle_ms);
    config.admin_token =
        newsq::server::load_admin_token(admin_token_file, std::getenv("NEWSQ_ADMIN_TOKEN"));
    return newsq::server::run_service(config, std::cout, std::cerr);
  } catch (const newsq::Error& error) {
    std::cerr << "newsq-server: " << error.what() << '\n';
    // Usage mistakes exit 2 like CLI11's own; everything else (cannot bind) exits 1.
    return error.code() == newsq::ErrorCode::bad_parameter ? 2 : 1;
  }
}
