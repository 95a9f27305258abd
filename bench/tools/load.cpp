// newsq-bench-load: concurrent keep-alive load against newsq-server (HTTP) or Sphinx searchd
// (SphinxQL), one driver for both so that the comparison differs only in the server.
//
//   newsq-bench-load http HOST:PORT QUERIES.jsonl [options]     GET /search?q=... per query
//   newsq-bench-load http HOST:PORT --path /healthz [options]   the same path every request
//   newsq-bench-load sphinxql PORT QUERIES.jsonl [options]      SELECT ... per query
//
// Options:
//   --clients N          concurrent clients, each a thread with one keep-alive connection (1)
//   --duration S         timed seconds (5); requests that start in the window are recorded
//   --warmup S           untimed seconds before the window, every client already loading (1)
//   --requests N         instead of a duration: exactly N timed requests, shared by the clients
//   --warmup-requests N  with --requests: untimed requests first (default 0)
//   --watch-pid PID      read VmRSS of PID from /proc after the warm-up, every --rss-every
//                        requests and at the end (the server's memory under load)
//
// The query list is shuffled with a fixed seed so that any stretch of it is the same mix of
// query sets for both protocols; client i starts at offset i * n / clients. HTTP requests carry
// the query as newsq's API takes it (q, topic, from/to as UTC date-times, facets=topic,date:month);
// SphinxQL statements are the ones newsq-bench-sphinxql times. Prints one JSON object:
// {"protocol","clients","requests","errors","seconds","rps","p50_ms","p95_ms","p99_ms","mean_ms",
//  "max_ms","zero_hit_requests","sets":{name:{"n","p50_ms","p99_ms"}},"rss_kib":{...}?}.
// Latency is per request, from the write to the end of the response (nearest-rank percentiles).
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "latency.hpp"
#include "sphinxql_client.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

/// What one request came to.
struct Outcome {
  bool ok = false;
  bool zero_hits = false;
};

/// One connection that can send request number `i` of the prepared list.
class Client {
 public:
  virtual ~Client() = default;
  virtual Outcome send(std::size_t i) = 0;
};

/// application/x-www-form-urlencoded: unreserved bytes as they are, space as '+'.
std::string form_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string utc_iso8601(std::int64_t seconds) {
  const std::time_t time = seconds;
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

/// The GET /search target for a bench query: the same request newsq-bench-newsq makes through
/// the library (limit 10, snippets on: what a results page shows).
std::string search_target(const newsq::bench::BenchQuery& query) {
  // sort=text: text relevance, the ranking job the peers do (the default adds recency).
  std::string target = "/search?q=" + form_encode(query.text) + "&sort=text";
  if (query.topic) target += "&topic=" + form_encode(*query.topic);
  if (query.from) target += "&from=" + form_encode(utc_iso8601(*query.from));
  if (query.to) target += "&to=" + form_encode(utc_iso8601(*query.to));
  if (query.facets) target += "&facets=" + form_encode("topic,date:month");
  return target;
}

class HttpClient final : public Client {
 public:
  HttpClient(std::string host, std::string port, const std::vector<std::string>& targets)
      : host_(std::move(host)), port_(std::move(port)), targets_(targets) {
    connect();
  }

  Outcome send(std::size_t i) override {
    http::request<http::empty_body> request{http::verb::get, targets_[i], 11};
    request.set(http::field::host, host_);
    http::response<http::string_body> response;
    try {
      http::write(*stream_, request);
      http::read(*stream_, buffer_, response);
    } catch (const std::exception&) {
      connect();  // the server closed a kept-alive connection: count it, carry on
      throw;
    }
    if (response.need_eof()) connect();
    Outcome outcome;
    outcome.ok = response.result() == http::status::ok;
    // nlohmann's compact output: an empty hit list is exactly this (and /healthz has none).
    outcome.zero_hits = response.body().find("\"hits\":[]") != std::string::npos;
    if (!outcome.ok && first_error_.empty())
      first_error_ = std::to_string(response.result_int()) + " for " + targets_[i] + ": " +
                     response.body().substr(0, 200);
    return outcome;
  }

  const std::string& first_error() const { return first_error_; }

 private:
  void connect() {
    stream_ = std::make_unique<beast::tcp_stream>(io_);
    buffer_.clear();
    tcp::resolver resolver(io_);
    stream_->connect(resolver.resolve(host_, port_));
    stream_->socket().set_option(tcp::no_delay(true));
  }

  std::string host_;
  std::string port_;
  const std::vector<std::string>& targets_;
  net::io_context io_;
  std::unique_ptr<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::string first_error_;
};

class SphinxClient final : public Client {
 public:
  SphinxClient(int port, const std::vector<std::string>& statements)
      : port_(port),
        statements_(statements),
        connection_(std::make_unique<newsq::bench::SphinxqlConnection>(port)) {}

  Outcome send(std::size_t i) override {
    std::size_t facet_rows = 0;
    try {
      const std::size_t rows = connection_->query(statements_[i], &facet_rows);
      return {true, rows == 0};
    } catch (const std::exception&) {
      connection_ = std::make_unique<newsq::bench::SphinxqlConnection>(port_);
      throw;
    }
  }

 private:
  int port_;
  const std::vector<std::string>& statements_;
  std::unique_ptr<newsq::bench::SphinxqlConnection> connection_;
};

struct Sample {
  float ms;
  std::uint16_t set;
};

struct Options {
  std::string protocol;
  std::string address;
  std::string queries_path;
  std::string path;  // --path: one fixed target instead of the query list
  int clients = 1;
  double duration_s = 5;
  double warmup_s = 1;
  std::optional<std::size_t> requests;
  std::size_t warmup_requests = 0;
  std::optional<long> watch_pid;
  std::size_t rss_every = 10000;
};

Options parse_options(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Options options;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw std::invalid_argument(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--clients")
      options.clients = std::stoi(value());
    else if (arg == "--duration")
      options.duration_s = std::stod(value());
    else if (arg == "--warmup")
      options.warmup_s = std::stod(value());
    else if (arg == "--requests")
      options.requests = std::stoul(value());
    else if (arg == "--warmup-requests")
      options.warmup_requests = std::stoul(value());
    else if (arg == "--watch-pid")
      options.watch_pid = std::stol(value());
    else if (arg == "--rss-every")
      options.rss_every = std::max<std::size_t>(1, std::stoul(value()));
    else if (arg == "--path")
      options.path = value();
    else
      positional.push_back(arg);
  }
  if (positional.size() < 2 || positional.size() > 3 ||
      (positional[0] != "http" && positional[0] != "sphinxql") ||
      (positional.size() == 2) == options.path.empty() ||
      (positional[0] == "sphinxql" && !options.path.empty()) || options.clients < 1)
    throw std::invalid_argument(
        "usage: newsq-bench-load http HOST:PORT (QUERIES.jsonl | --path PATH) [options]\n"
        "       newsq-bench-load sphinxql PORT QUERIES.jsonl [options]\n"
        "options: --clients N --duration S --warmup S --requests N --warmup-requests N "
        "--watch-pid PID --rss-every N");
  options.protocol = positional[0];
  options.address = positional[1];
  if (positional.size() == 3) options.queries_path = positional[2];
  return options;
}

/// VmRSS of a process in KiB (0 when it cannot be read).
long rss_kib(long pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

nlohmann::json summary(std::vector<double> samples) {
  const double sum = std::accumulate(samples.begin(), samples.end(), 0.0);
  return {{"n", samples.size()},
          {"p50_ms", newsq::bench::percentile(samples, 0.50)},
          {"p95_ms", newsq::bench::percentile(samples, 0.95)},
          {"p99_ms", newsq::bench::percentile(samples, 0.99)},
          {"mean_ms", samples.empty() ? 0.0 : sum / static_cast<double>(samples.size())},
          {"max_ms", samples.empty() ? 0.0 : *std::max_element(samples.begin(), samples.end())}};
}

int run(const Options& options) {
  // The request list, shuffled once with a fixed seed (the same order for both protocols).
  std::vector<newsq::bench::BenchQuery> queries;
  if (!options.queries_path.empty()) {
    queries = newsq::bench::read_queries(options.queries_path);
    std::mt19937 rng(20261127);
    std::shuffle(queries.begin(), queries.end(), rng);
  } else {
    newsq::bench::BenchQuery fixed;
    fixed.set = options.path;
    queries.push_back(fixed);
  }
  if (queries.empty()) throw std::runtime_error("no queries in " + options.queries_path);
  std::vector<std::string> set_names;
  std::vector<std::uint16_t> set_of(queries.size());
  std::vector<std::string> requests(queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) {
    auto found = std::find(set_names.begin(), set_names.end(), queries[i].set);
    if (found == set_names.end()) found = set_names.insert(set_names.end(), queries[i].set);
    set_of[i] = static_cast<std::uint16_t>(found - set_names.begin());
    if (!options.path.empty())
      requests[i] = options.path;
    else if (options.protocol == "http")
      requests[i] = search_target(queries[i]);
    else
      requests[i] = newsq::bench::sphinxql_statement(queries[i]);
  }

  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < options.clients; ++c) {
    if (options.protocol == "http") {
      const auto colon = options.address.rfind(':');
      if (colon == std::string::npos) throw std::invalid_argument("http needs HOST:PORT");
      clients.push_back(std::make_unique<HttpClient>(options.address.substr(0, colon),
                                                     options.address.substr(colon + 1), requests));
    } else {
      clients.push_back(std::make_unique<SphinxClient>(std::stoi(options.address), requests));
    }
  }

  const bool counted = options.requests.has_value();
  const std::size_t total = counted ? options.warmup_requests + *options.requests : 0;
  const auto begin = Clock::now();
  const auto timed_start =
      begin + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(counted ? 0.0 : options.warmup_s));
  const auto timed_end = timed_start + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(options.duration_s));
  std::atomic<std::size_t> next{0};       // counted mode: the next request number to claim
  std::atomic<std::size_t> completed{0};  // every request answered, warm-up included
  std::atomic<std::size_t> errors{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::string first_error;
  std::vector<std::vector<Sample>> samples(clients.size());
  std::vector<std::size_t> zero_hits(clients.size(), 0);
  std::vector<Clock::time_point> first_timed(clients.size(), Clock::time_point::max());
  std::vector<Clock::time_point> last_done(clients.size(), begin);

  auto worker = [&](std::size_t c) {
    std::size_t i = c * queries.size() / clients.size();
    auto& mine = samples[c];
    mine.reserve(counted ? *options.requests / clients.size() + 1 : 1 << 16);
    for (;;) {
      bool timed = false;
      if (counted) {
        const std::size_t number = next.fetch_add(1);
        if (number >= total) break;
        i = number % queries.size();
        timed = number >= options.warmup_requests;
      }
      const auto start = Clock::now();
      if (!counted) {
        if (start >= timed_end) break;
        timed = start >= timed_start;
      }
      Outcome outcome;
      try {
        outcome = clients[c]->send(i);
      } catch (const std::exception& error) {
        std::lock_guard lock(error_mutex);
        if (first_error.empty()) first_error = error.what();
        outcome.ok = false;
      }
      const auto done = Clock::now();
      completed.fetch_add(1, std::memory_order_relaxed);
      if (!outcome.ok) {
        if (errors.fetch_add(1) > 1000) failed = true;  // the server is gone: stop, report
        if (failed) break;
      } else if (timed) {
        mine.push_back({std::chrono::duration<float, std::milli>(done - start).count(), set_of[i]});
        if (outcome.zero_hits) ++zero_hits[c];
        first_timed[c] = std::min(first_timed[c], start);
        last_done[c] = done;
      }
      if (!counted) i = (i + 1) % queries.size();
    }
  };

  std::vector<std::thread> threads;
  for (std::size_t c = 0; c < clients.size(); ++c) threads.emplace_back(worker, c);

  // Memory watch: after the warm-up, then every rss_every requests (polled), and at the end.
  nlohmann::json rss = nullptr;
  if (options.watch_pid) {
    rss = {{"pid", *options.watch_pid}, {"samples", nlohmann::json::array()}};
    const std::size_t warm = counted ? options.warmup_requests : 0;
    bool warmed = false;
    std::size_t next_sample = 0;
    for (;;) {
      const std::size_t done = completed.load();
      const bool finished = counted ? done >= total : Clock::now() >= timed_end;
      if (finished || failed) break;
      const bool past_warmup = counted ? done >= warm : Clock::now() >= timed_start;
      if (!warmed && past_warmup) {
        warmed = true;
        rss["after_warmup"] = rss_kib(*options.watch_pid);
        rss["after_warmup_requests"] = done;
        next_sample = done + options.rss_every;
      } else if (warmed && done >= next_sample) {
        rss["samples"].push_back({done, rss_kib(*options.watch_pid)});
        next_sample = done + options.rss_every;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  for (auto& thread : threads) thread.join();
  if (options.watch_pid) {
    rss["end"] = rss_kib(*options.watch_pid);
    rss["end_requests"] = completed.load();
    if (rss.contains("after_warmup") && rss["after_warmup"].get<long>() > 0)
      rss["growth_pct"] = 100.0 * (rss["end"].get<double>() - rss["after_warmup"].get<double>()) /
                          rss["after_warmup"].get<double>();
  }

  std::vector<double> all;
  std::vector<std::vector<double>> by_set(set_names.size());
  for (const auto& mine : samples)
    for (const auto& sample : mine) {
      all.push_back(sample.ms);
      by_set[sample.set].push_back(sample.ms);
    }
  const auto window_start = *std::min_element(first_timed.begin(), first_timed.end());
  const auto window_end = *std::max_element(last_done.begin(), last_done.end());
  const double seconds =
      all.empty() ? 0.0 : std::chrono::duration<double>(window_end - window_start).count();

  nlohmann::json result = summary(all);
  result["protocol"] = options.protocol;
  result["target"] = options.path.empty() ? "queries" : options.path;
  result["clients"] = options.clients;
  result["requests"] = all.size();
  result["errors"] = errors.load();
  result["seconds"] = seconds;
  result["rps"] = seconds > 0 ? static_cast<double>(all.size()) / seconds : 0.0;
  result["zero_hit_requests"] = std::accumulate(zero_hits.begin(), zero_hits.end(), std::size_t{0});
  nlohmann::json sets = nlohmann::json::object();
  for (std::size_t s = 0; s < set_names.size(); ++s) {
    auto one = summary(by_set[s]);
    sets[set_names[s]] = {{"n", one["n"]}, {"p50_ms", one["p50_ms"]}, {"p99_ms", one["p99_ms"]}};
  }
  result["sets"] = sets;
  if (options.watch_pid) result["rss_kib"] = rss;
  for (const auto& client : clients)
    if (auto* http_client = dynamic_cast<HttpClient*>(client.get());
        http_client != nullptr && first_error.empty() && !http_client->first_error().empty())
      first_error = http_client->first_error();
  if (!first_error.empty()) {
    result["first_error"] = first_error;
    std::cerr << "newsq-bench-load: " << errors.load() << " errors; first: " << first_error << '\n';
  }
  std::cout << result.dump() << '\n';
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_options(argc, argv));
  } catch (const std::invalid_argument& error) {
    std::cerr << error.what() << '\n';
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "newsq-bench-load: " << error.what() << '\n';
    return 1;
  }
}
