// newsq-server: the HTTP search API and search page over a newsq index. Parses options and hands
// them to run_service(); see server/include/newsq/server/service.hpp.
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "newsq/errors.hpp"
#include "newsq/paths.hpp"
#include "newsq/server/keys.hpp"
#include "newsq/server/rate_limiter.hpp"
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
            trim_ms = server.memory_trim_interval.count(),
            refresh_ms = config.refresh_interval.count(),
            commit_delay_ms = config.commit_delay.count(), lock_wait_ms = config.lock_wait.count(),
            writer_idle_ms = config.writer_idle.count();
  std::optional<std::string> admin_token_file, keys_file;
  long long idle_ms = server.idle_timeout.count();
  std::string rate_limit = "0", access_log = "text";
  double rate_burst = 0;
  auto& router = config.router;

  CLI::App app{
      "newsq-server: the HTTP search API (/search, /articles/{id}), /healthz (liveness), "
      "/readyz (readiness), /metrics (Prometheus) and the search page (/) over a newsq index, "
      "and with an admin key the ingest API (POST /articles, PUT and DELETE /articles/{id}, "
      "with 'Authorization: Bearer KEY'). Prints "
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
                 "Total time allowed to receive one request from its first byte (cuts off "
                 "slowloris clients however steadily they send)")
      ->check(CLI::PositiveNumber);
  app.add_option("--idle-timeout-ms", idle_ms,
                 "Time a connection may wait for the first byte of a request (keep-alive idle); "
                 "0 = --read-timeout-ms")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-chunk-extension", server.max_chunk_extension,
                 "Bytes of a chunk's extensions in a chunked body (400 above)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-query-bytes", router.max_query_bytes,
                 "Bytes of the q parameter (400 bad_query above)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-query-terms", router.max_query_terms,
                 "Words in q plus topic, source and kind values (400 bad_query above)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-window", router.max_window,
                 "offset + limit at most this (400 above); capped at " +
                     std::to_string(newsq::kMaxOffset + newsq::kMaxLimit))
      ->check(CLI::Range(std::size_t{1}, newsq::kMaxOffset + newsq::kMaxLimit));
  app.add_option("--max-facet-size", router.max_facet_size,
                 "facet_size (topic buckets returned) at most this (400 above)")
      ->check(CLI::PositiveNumber);
  app.add_option("--recency-weight", router.recency.weight,
                 "sort=relevance: share of recency in the score, 0 (text only) to 1 (newest "
                 "first)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--recency-half-life", router.recency.half_life_days,
                 "sort=relevance: days after which a story gets half the recency of the newest")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--rate-limit", rate_limit,
                 "Searches per client address: N/s, N/m or N (per second); 0 = off. Above it "
                 "/search, /suggest, related stories and page searches get 429 with Retry-After")
      ->capture_default_str();
  app.add_option("--rate-burst", rate_burst,
                 "Searches a client may make at once before --rate-limit applies (0 = 1, or the "
                 "per-second rate when larger)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--rate-limit-clients", config.rate_limit.max_clients,
                 "Client addresses the rate limiter remembers (idle ones are forgotten first)")
      ->check(CLI::PositiveNumber);
  app.add_option("--keys-file", keys_file,
                 "API keys, one a line: 'admin KEY' or 'search KEY [ORIGIN...]' ('#' comments). "
                 "Admin keys enable ingest (and /metrics with --metrics-admin); search keys, when "
                 "any is configured, are required by /search and GET /articles/{id}. Also env "
                 "NEWSQ_ADMIN_KEY and NEWSQ_SEARCH_KEY. Never pass a key on the command line")
      ->check(CLI::ExistingFile);
  app.add_flag("--metrics-admin", router.metrics_admin,
               "GET /metrics needs an admin key (public by default: it shows counts, not data)");
  app.add_option("--access-log", access_log, "Access log format on stderr: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--write-timeout-ms", write_ms, "Time allowed to send one response")
      ->check(CLI::PositiveNumber);
  app.add_option("--memory-trim-ms", trim_ms,
                 "How often memory freed by closed connections is returned to the system (0 = "
                 "never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
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
                 "File whose first line is an admin key (at least 16 characters); an older "
                 "spelling of an 'admin KEY' line in --keys-file (env NEWSQ_ADMIN_TOKEN likewise "
                 "for NEWSQ_ADMIN_KEY). Without any admin key, ingest routes answer 403")
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
    server.memory_trim_interval = std::chrono::milliseconds(trim_ms);
    config.refresh_interval = std::chrono::milliseconds(refresh_ms);
    config.commit_delay = std::chrono::milliseconds(commit_delay_ms);
    config.lock_wait = std::chrono::milliseconds(lock_wait_ms);
    config.writer_idle = std::chrono::milliseconds(writer_idle_ms);
    server.idle_timeout = std::chrono::milliseconds(idle_ms);
    config.rate_limit.rate_per_s = newsq::server::parse_rate(rate_limit);
    config.rate_limit.burst = std::max(rate_burst, config.rate_limit.rate_per_s);
    if (rate_burst > 0) config.rate_limit.burst = rate_burst;
    config.access_log = access_log == "json" ? newsq::server::AccessLogFormat::json
                                             : newsq::server::AccessLogFormat::text;
    newsq::server::KeySources sources;
    sources.keys_file = keys_file;
    sources.admin_token_file = admin_token_file;
    sources.admin_key_env = std::getenv("NEWSQ_ADMIN_KEY");
    sources.search_key_env = std::getenv("NEWSQ_SEARCH_KEY");
    sources.admin_token_env = std::getenv("NEWSQ_ADMIN_TOKEN");
    router.keys = newsq::server::load_keys(sources);
    return newsq::server::run_service(config, std::cout, std::cerr);
  } catch (const newsq::Error& error) {
    std::cerr << "newsq-server: " << error.what() << '\n';
    // Usage mistakes exit 2 like CLI11's own; everything else (cannot bind) exits 1.
    return error.code() == newsq::ErrorCode::bad_parameter ? 2 : 1;
  }
}
