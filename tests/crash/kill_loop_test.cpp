// Crash safety (kill -9) of newsq-index and newsq-server during a large ingest. After every kill
// the index must open, pass Xapian's check(), and hold exactly what the writer committed:
// - newsq-index: whole batches of this run on top of what earlier runs left, nothing else;
// - newsq-server: every acknowledged article, and an unacknowledged request all or nothing.
// Re-running the ingest to completion converges to one document per id.
//
// Environment: NEWSQ_CRASH_ROUNDS (newsq-index kills, default 20), NEWSQ_CRASH_SERVER_ROUNDS
// (server kills, default 5), NEWSQ_CRASH_SEED (kill points and corpus, default fixed).
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <xapian.h>

#include "crash/child_process.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "newsq/stored_record.hpp"
#include "server/support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

constexpr std::size_t kArticles = 20000;
constexpr std::size_t kBatch = 1000;
constexpr int kAbsent = -1;  // a round tag: the id is not in the index

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtoull(value, nullptr, 10);
}

std::string article_id(std::size_t index) {
  char text[16];
  std::snprintf(text, sizeof text, "a%05zu", index);
  return text;
}

// The same 20,000 articles every round, tagged with the round (an unknown field, kept in the
// stored document): the tags show which run last wrote each document.
void write_corpus(const std::filesystem::path& path, int round, std::size_t count,
                  std::uint64_t seed) {
  static constexpr const char* kWords[] = {
      "port",   "harbour", "council", "election", "storm",  "market",  "minister", "strike",
      "bridge", "river",   "court",   "budget",   "energy", "railway", "school",   "hospital",
      "farm",   "border",  "summit",  "festival", "museum", "league",  "factory",  "airport"};
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
  std::ofstream out(path, std::ios::trunc);
  for (std::size_t i = 0; i < count; ++i) {
    std::string title, body;
    for (int w = 0; w < 5; ++w) title += std::string(w ? " " : "") + kWords[word(random)];
    for (int w = 0; w < 30; ++w) body += std::string(w ? " " : "") + kWords[word(random)];
    char published[32];
    std::snprintf(published, sizeof published, "2025-%02zu-%02zuT%02zu:00:00Z", 1 + i % 12,
                  1 + i % 28, i % 24);
    out << json{{"id", article_id(i)},
                {"title", title},
                {"body", body},
                {"published", published},
                {"round", round}}
               .dump()
        << '\n';
  }
}

// Which round last wrote each of the corpus's ids (kAbsent when missing), read from the stored
// documents; fails the test when an id is stored twice or a document is not from the corpus.
std::vector<int> read_rounds(const std::string& index) {
  std::vector<int> rounds(kArticles, kAbsent);
  Xapian::Database db(index);
  newsq::RecordCodec records;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const auto stored = json::parse(records.unpack(db.get_document(*it)));
    const std::string id = stored.at("id").get<std::string>();
    const auto number = static_cast<std::size_t>(std::stoul(id.substr(1)));
    REQUIRE(number < kArticles);
    REQUIRE(rounds[number] == kAbsent);  // one document per id
    rounds[number] = stored.at("round").get<int>();
  }
  return rounds;
}

// The index opens for search and passes Xapian's consistency check.
void check_index_sound(const std::string& index) {
  std::ostringstream report;
  std::size_t errors = 0;
  REQUIRE_NOTHROW(errors = Xapian::Database::check(index, Xapian::DBCHECK_SHOW_STATS, &report));
  INFO(report.str());
  REQUIRE(errors == 0);
  REQUIRE_NOTHROW(Searcher(index));
}

std::vector<std::string> index_command(const std::string& index, const std::string& corpus) {
  return {(test::binary_dir() / "indexer" / "newsq-index").string(),
          "--index",
          index,
          "add",
          "--batch",
          std::to_string(kBatch),
          corpus};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("kill -9 newsq-index at random points keeps whole batches and converges", "[crash]") {
  const auto rounds = static_cast<int>(env_number("NEWSQ_CRASH_ROUNDS", 20));
  const auto seed = env_number("NEWSQ_CRASH_SEED", 20250201);
  std::printf("newsq-index kill loop: %d rounds, %zu articles, batch %zu, seed %llu\n", rounds,
              kArticles, kBatch, static_cast<unsigned long long>(seed));
  test::TempDir dir;
  const std::string index = (dir / "index").string();
  const auto corpus = dir / "corpus.jsonl";
  const auto log = dir / "newsq-index.log";

  // How long a full run takes, from a tenth of the corpus, so kill points spread over it. Timed
  // when it replaces documents (the sample indexed a second time): most rounds do that, and it
  // is slower than adding to an empty index.
  double full_run;
  {
    const auto sample = dir / "sample.jsonl";
    write_corpus(sample, 0, kArticles / 10, seed);
    const auto scratch = (dir / "scratch").string();
    REQUIRE(test::ChildProcess(index_command(scratch, sample.string()), log).wait_for(300s) == 0);
    const auto start = Clock::now();
    REQUIRE(test::ChildProcess(index_command(scratch, sample.string()), log).wait_for(300s) == 0);
    full_run = 10 * seconds_since(start);
  }
  std::printf("estimated full run: %.2f s\n", full_run);

  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> delay_ms(20, std::max(21, static_cast<int>(full_run * 1000)));
  std::vector<int> before(kArticles, kAbsent);
  const auto loop_start = Clock::now();
  for (int round = 1; round <= rounds; ++round) {
    write_corpus(corpus, round, kArticles, seed);
    const int delay = delay_ms(random);
    test::ChildProcess run(index_command(index, corpus.string()), log);
    const auto finished = run.wait_for(std::chrono::milliseconds(delay));
    const int status = finished ? *finished : run.kill_now();
    INFO("round " << round << ", kill after " << delay << " ms, status " << status << "\n"
                  << test::read_file(log));
    REQUIRE((status == 0 || status == 128 + 9));

    if (!std::filesystem::exists(index)) {
      // Killed before newsq-index created anything: nothing to check yet.
      std::printf("round %2d: kill at %5d ms: no index yet\n", round, delay);
      continue;
    }
    check_index_sound(index);
    const std::vector<int> after = read_rounds(index);
    // This run wrote the corpus in order in batches of kBatch: its committed batches are a
    // prefix tagged with this round; every other document is as the earlier runs left it.
    std::size_t written = 0;
    while (written < kArticles && after[written] == round) ++written;
    CHECK((written % kBatch == 0 || written == kArticles));
    if (status == 0) CHECK(written == kArticles);
    bool rest_unchanged = true;
    for (std::size_t i = written; i < kArticles; ++i) rest_unchanged &= after[i] == before[i];
    CHECK(rest_unchanged);
    const auto documents = static_cast<std::size_t>(
        std::count_if(after.begin(), after.end(), [](int tag) { return tag != kAbsent; }));
    // Ids enter in corpus order, so the index holds a prefix of whole batches: the longest any
    // run committed.
    CHECK((documents % kBatch == 0 || documents == kArticles));
    CHECK(std::all_of(after.begin(), after.begin() + static_cast<std::ptrdiff_t>(documents),
                      [](int tag) { return tag != kAbsent; }));
    CHECK(Searcher(index).stats().documents == documents);
    std::printf(
        "round %2d: kill at %5d ms (%s): %2zu batches of this run committed, %5zu "
        "documents\n",
        round, delay, status == 0 ? "finished first" : "killed", written / kBatch, documents);
    before = after;
  }
  std::printf("kill loop: %.1f s\n", seconds_since(loop_start));

  // The same ingest again, to completion: one document per id, all from this run.
  const int last = rounds + 1;
  write_corpus(corpus, last, kArticles, seed);
  test::ChildProcess run(index_command(index, corpus.string()), log);
  REQUIRE(run.wait_for(600s) == 0);
  check_index_sound(index);
  const auto converged = read_rounds(index);
  CHECK(std::all_of(converged.begin(), converged.end(), [&](int tag) { return tag == last; }));
  CHECK(Searcher(index).stats().documents == kArticles);
}

namespace {

constexpr const char* kToken = "crash-test-admin-token-0123456789";
constexpr std::size_t kPerRequest = 50;
constexpr int kPosters = 2;

// One POST /articles of JSON Lines; its ids, and whether the server acknowledged it.
struct Request {
  std::vector<std::string> ids;
  bool acknowledged = false;
};

std::string jsonl(const std::vector<std::string>& ids) {
  std::string body;
  for (const auto& id : ids)
    body += json{{"id", id},
                 {"title", "Dispatch " + id},
                 {"body", "Filed by the newsroom before the power cut."},
                 {"published", "2025-02-01T10:00:00Z"}}
                .dump() +
            '\n';
  return body;
}

// Posts requests until the server stops answering; records every request it sent.
void post_until_gone(std::uint16_t port, const std::string& prefix, std::vector<Request>& sent) {
  for (std::size_t n = 0;; ++n) {
    Request request;
    for (std::size_t i = 0; i < kPerRequest; ++i)
      request.ids.push_back(prefix + std::to_string(n * kPerRequest + i));
    sent.push_back(request);
    try {
      const auto response = test::send_request(port, "POST", "/articles", jsonl(request.ids),
                                               std::string("Authorization: Bearer ") + kToken +
                                                   "\r\nContent-Type: application/x-ndjson\r\n",
                                               10s);
      if (response.result_int() != 200) return;
      sent.back().acknowledged = true;
    } catch (const std::exception&) {
      return;  // killed: the connection failed or was reset
    }
  }
}

std::set<std::string> stored_ids(const std::string& index) {
  std::set<std::string> ids;
  Xapian::Database db(index);
  newsq::RecordCodec records;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const auto stored = json::parse(records.unpack(db.get_document(*it)));
    const bool inserted = ids.insert(stored.at("id").get<std::string>()).second;
    REQUIRE(inserted);  // one document per id
  }
  return ids;
}

}  // namespace

TEST_CASE("kill -9 newsq-server mid-ingest keeps every acknowledged article", "[crash]") {
  const auto rounds = static_cast<int>(env_number("NEWSQ_CRASH_SERVER_ROUNDS", 5));
  const auto seed = env_number("NEWSQ_CRASH_SEED", 20250201);
  std::mt19937_64 random(seed + 1);
  std::uniform_int_distribution<int> delay_ms(50, 1500);
  test::TempDir dir;
  const std::string index = (dir / "index").string();
  std::set<std::string> acknowledged;  // over all rounds: must all survive every later kill
  std::set<std::string> committed;     // acknowledged, or found in the index after a kill
  for (int round = 1; round <= rounds; ++round) {
    const int delay = delay_ms(random);
    std::vector<std::vector<Request>> sent(kPosters);
    {
      test::ServerProcess server({"--index", index, "--threads", "2"},
                                 {{"NEWSQ_ADMIN_TOKEN", kToken}});
      std::vector<std::thread> posters;
      for (int p = 0; p < kPosters; ++p)
        posters.emplace_back(post_until_gone, server.port(),
                             "r" + std::to_string(round) + "p" + std::to_string(p) + "-",
                             std::ref(sent[p]));
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      CHECK(server.stop(SIGKILL) == 128 + 9);
      for (auto& poster : posters) poster.join();
    }
    INFO("round " << round << ", kill after " << delay << " ms");
    if (!std::filesystem::exists(index)) {
      // The server creates the index with its first commit: none yet, so nothing was answered.
      for (const auto& requests : sent)
        for (const auto& request : requests) CHECK_FALSE(request.acknowledged);
      std::printf("server round %d: kill at %4d ms: no index yet\n", round, delay);
      continue;
    }
    check_index_sound(index);
    const auto stored = stored_ids(index);
    std::size_t acked_now = 0, in_flight = 0, in_flight_stored = 0;
    std::set<std::string> expected = committed;
    for (const auto& requests : sent) {
      for (const auto& request : requests) {
        const auto present = static_cast<std::size_t>(std::count_if(
            request.ids.begin(), request.ids.end(), [&](auto& id) { return stored.count(id); }));
        if (request.acknowledged) {
          CHECK(present == request.ids.size());
          acknowledged.insert(request.ids.begin(), request.ids.end());
          ++acked_now;
        } else {
          // Not acknowledged: the kill came before the answer. A request is one transaction,
          // so it is in the index whole or not at all.
          CHECK((present == 0 || present == request.ids.size()));
          ++in_flight;
          if (present == request.ids.size()) ++in_flight_stored;
        }
        if (present == request.ids.size()) expected.insert(request.ids.begin(), request.ids.end());
      }
    }
    CHECK(in_flight <= static_cast<std::size_t>(kPosters));
    CHECK(std::includes(stored.begin(), stored.end(), acknowledged.begin(), acknowledged.end()));
    CHECK(stored == expected);  // nothing else: no stray or partial request
    committed = stored;
    std::printf(
        "server round %d: kill at %4d ms: %3zu requests acknowledged (%zu articles in "
        "all), %zu in flight of which %zu committed, %zu documents\n",
        round, delay, acked_now, acknowledged.size(), in_flight, in_flight_stored, stored.size());
  }
}
