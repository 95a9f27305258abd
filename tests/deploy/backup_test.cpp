// deploy/backup.sh while newsq-server keeps ingesting: the copy passes xapian-check, opens with
// the Searcher and holds every article acknowledged before the backup started and nothing
// acknowledged after it returned; no ingest request fails meanwhile; `newsq-index restore` then
// makes the copy live under the running server, which follows it for searches and ingest.
#include <atomic>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "newsq/http_client.hpp"
#include "newsq/searcher.hpp"
#include "server/support/server_process.hpp"

using namespace newsq::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAdminKey = "backup-admin-key-0123456789abcdef";
constexpr std::size_t kSeedArticles = 1500;
constexpr std::size_t kBatch = 5;

std::string article(const std::string& id, const std::string& title) {
  std::string body;
  for (int i = 0; i < 60; ++i) body += "harbour tariff grain shipment " + std::to_string(i) + " ";
  return json{{"id", id}, {"title", title}, {"body", body}, {"published", "2025-02-01T10:00:00Z"}}
      .dump();
}

std::string newsq_index() { return shell_quote(built_binary("indexer/newsq-index").string()); }

/// POST /articles with the admin key; the HTTP status (0 when no answer came).
unsigned post(std::uint16_t port, const std::string& body) {
  try {
    return send_request(port, "POST", "/articles", body,
                        std::string("Authorization: Bearer ") + kAdminKey +
                            "\r\nContent-Type: application/json\r\n")
        .result_int();
  } catch (const std::exception&) {
    return 0;
  }
}

std::uint64_t served_documents(const ServerProcess& server) {
  auto response = newsq::http_get(server.url(), "/readyz");
  REQUIRE(response.status == 200);
  return json::parse(response.body)["documents"].get<std::uint64_t>();
}

/// Keeps posting batches of kBatch new articles until destroyed; counts the acknowledged ones.
class SteadyIngest {
 public:
  explicit SteadyIngest(std::uint16_t port) : port_(port) {
    thread_ = std::jthread([this](std::stop_token stop) {
      for (std::size_t batch = 0; !stop.stop_requested(); ++batch) {
        std::string body = "[";
        for (std::size_t i = 0; i < kBatch; ++i) {
          auto id = "live-" + std::to_string(batch) + "-" + std::to_string(i);
          body += (i ? "," : "") + article(id, "Live story " + id);
        }
        body += "]";
        if (post(port_, body) == 200)
          acknowledged_ += kBatch;
        else
          ++failures_;
      }
    });
  }
  void stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  std::size_t acknowledged() const { return acknowledged_; }
  std::size_t failures() const { return failures_; }

 private:
  std::uint16_t port_;
  std::atomic<std::size_t> acknowledged_{0};
  std::atomic<std::size_t> failures_{0};
  std::jthread thread_;
};

}  // namespace

TEST_CASE("backup.sh copies a live index consistently during ingest and restore brings it back",
          "[deploy]") {
  TempDir dir;
  const auto index = dir / "index";
  const auto backup = dir / "backup";
  {
    std::string seed;
    for (std::size_t i = 0; i < kSeedArticles; ++i)
      seed += article("seed-" + std::to_string(i), "Seed story " + std::to_string(i)) + "\n";
    index_jsonl(index, seed);
  }
  ServerProcess server({"--index", index.string(), "--threads", "2"},
                       {{"NEWSQ_ADMIN_KEY", kAdminKey}});
  REQUIRE(served_documents(server) == kSeedArticles);

  SteadyIngest ingest(server.port());
  for (int i = 0; i < 200 && ingest.acknowledged() < 10 * kBatch; ++i)
    std::this_thread::sleep_for(20ms);
  REQUIRE(ingest.acknowledged() >= 10 * kBatch);

  const std::size_t acknowledged_before = ingest.acknowledged();
  auto result =
      run_command("NEWSQ_INDEX_BIN=" + newsq_index() + " " +
                  shell_quote((source_dir() / "deploy/backup.sh").string()) + " " +
                  shell_quote(index.string()) + " " + shell_quote(backup.string()) + " 2>&1");
  const std::size_t acknowledged_after = ingest.acknowledged();
  // Give ingest a moment after the backup too, then stop it.
  std::this_thread::sleep_for(300ms);
  ingest.stop();
  INFO(result.out << result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(acknowledged_after > acknowledged_before);  // ingest went on during the backup
  CHECK(ingest.failures() == 0);                    // and no request failed because of it
  CHECK_FALSE(std::filesystem::exists(backup.string() + ".tmp"));

  // The copy: checked by xapian-check, opened by newsq, one revision between before and after.
  auto check = run_command("xapian-check " + shell_quote(backup.string()) + " 2>&1");
  INFO(check.out);
  CHECK(check.exit_code == 0);
  newsq::Searcher copy(backup.string());
  const auto copied = copy.stats().documents;
  CHECK(copied >= kSeedArticles + acknowledged_before);
  // At most one batch more than acknowledged: one may have committed without its answer yet.
  CHECK(copied <= kSeedArticles + acknowledged_after + kBatch);
  CHECK(copied % kBatch == 0);  // whole requests only
  CHECK(copy.get("seed-7"));
  CHECK(copy.get("live-0-0"));
  newsq::SearchRequest request;
  request.query = "harbour";
  CHECK(copy.search(request).total > 0);

  // Acknowledged after the backup: in the live index, not in the copy.
  REQUIRE(post(server.port(), "[" + article("after-backup", "After the backup") + "]") == 200);
  const auto live_documents = served_documents(server);
  REQUIRE(live_documents > copied);
  CHECK_FALSE(copy.get("after-backup"));

  // Restore while the server runs: the copy becomes a new generation and the server follows it.
  auto restored = run_command(newsq_index() + " --index " + shell_quote(index.string()) +
                              " restore " + shell_quote(backup.string()) + " 2>&1");
  INFO(restored.out << restored.err);
  REQUIRE(restored.exit_code == 0);
  bool followed = false;
  for (int i = 0; i < 100 && !followed; ++i) {
    followed = served_documents(server) == copied &&
               newsq::http_get(server.url(), "/articles/after-backup").status == 404;
    if (!followed) std::this_thread::sleep_for(50ms);
  }
  CHECK(followed);
  CHECK(newsq::http_get(server.url(), "/articles/live-0-0").status == 200);
  // Ingest goes on into the restored index.
  REQUIRE(post(server.port(), "[" + article("after-restore", "After the restore") + "]") == 200);
  CHECK(newsq::http_get(server.url(), "/articles/after-restore").status == 200);
  CHECK(served_documents(server) == copied + 1);
  // The backup itself is left as it was.
  CHECK(newsq::Searcher(backup.string()).stats().documents == copied);
  auto live_check = run_command("xapian-check " + shell_quote(index.string()) + " 2>&1");
  INFO(live_check.out);
  CHECK(live_check.exit_code == 0);
}
