// The `newsq` binary: exit codes, output and the --json shape, over the seed fixture index.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "server/support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace newsq::test;

namespace {
CommandResult run_newsq(const std::string& args) {
  const auto binary = binary_dir() / "query" / "newsq";
  return run_command(shell_quote(binary.string()) + " --index " +
                     shell_quote(seed_index_path().string()) + " " + args);
}
}  // namespace

TEST_CASE("newsq prints ranked hits and exits 0", "[cli]") {
  const auto result = run_newsq("Tartous naval base");
  CHECK(result.exit_code == 0);
  // The two stories about the base: the seed article, which says "Tartous naval base", the
  // spelling typed, then the sample story with "Tartús naval base" (a spelling the synonyms
  // file makes equal) in its title.
  CHECK(result.out.find("1. Russia's silence on Syrian demand regarding military bases") !=
        std::string::npos);
  CHECK(result.out.find("2. Moscow and Damascus hold talks on the future of the Tartús naval base") !=
        std::string::npos);
  // Piped output is plain: no escape codes, no HTML.
  CHECK(result.out.find("\033[") == std::string::npos);
  CHECK(result.out.find("<mark>") == std::string::npos);
}

TEST_CASE("newsq finds accented spellings", "[cli]") {
  const auto result = run_newsq("Tartús");
  CHECK(result.exit_code == 0);
  CHECK(result.out.find("Russia's silence on Syrian demand") != std::string::npos);
}

TEST_CASE("newsq exits 1 when nothing matches", "[cli]") {
  const auto result = run_newsq("xylophonist");
  CHECK(result.exit_code == 1);
  CHECK(result.out.find("0 results") != std::string::npos);
}

TEST_CASE("newsq exits 2 on bad usage with a message", "[cli]") {
  auto result = run_newsq("--sort random Syria");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("random") != std::string::npos);
  result = run_newsq("--from yesterday Syria");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("yesterday") != std::string::npos);
  result = run_newsq("--no-such-option");
  CHECK(result.exit_code == 2);
  result = run_newsq("--limit 1000 Syria");
  CHECK(result.exit_code == 2);
}

TEST_CASE("newsq exits 3 when the index is missing", "[cli]") {
  TempDir dir;
  const auto binary = binary_dir() / "query" / "newsq";
  const auto result = run_command(shell_quote(binary.string()) + " --index " +
                                  shell_quote((dir / "none").string()) + " Syria");
  CHECK(result.exit_code == 3);
  CHECK(result.err.find("no index") != std::string::npos);
}

TEST_CASE("newsq --json prints the API's shape", "[cli]") {
  const auto result = run_newsq("--json --facets topic,date:day --kind brief Spain");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["query"] == "Spain");
  CHECK(json["total"]["value"].get<int>() >= 2);
  CHECK(json["total"].contains("exact"));
  REQUIRE(!json["hits"].empty());
  for (const auto& hit : json["hits"]) {
    CHECK(hit["kind"] == "brief");
    for (const char* key : {"id", "title", "url", "published", "topics", "source", "snippet",
                            "score"})
      CHECK(hit.contains(key));
  }
  CHECK(json["facets"].contains("topic"));
  CHECK(json["facets"]["date"][0]["bucket"] == "2025-01-30");
  CHECK(json.contains("suggestion"));
}

TEST_CASE("newsq --help documents every option and the exit codes", "[cli]") {
  const auto result = run_newsq("--help");
  CHECK(result.exit_code == 0);
  for (const char* option : {"--index", "--server", "--json", "--limit", "--offset", "--from",
                             "--to", "--topic", "--source", "--kind", "--sort", "--facets",
                             "--exact", "--related", "--suggest", "--now", "Exit status"})
    CHECK(result.out.find(option) != std::string::npos);
}

TEST_CASE("newsq --server gives the same answer as the local index", "[cli][server]") {
  ServerProcess server({"--index", seed_index_path().string(), "--threads", "1"});
  const auto binary = shell_quote((binary_dir() / "query" / "newsq").string());
  const std::string query = " --json --facets topic,date:day \"Tartous naval base\"";
  const auto remote = run_command(binary + " --server " + server.url() + query);
  const auto local = run_newsq(query);
  REQUIRE(remote.exit_code == 0);
  REQUIRE(local.exit_code == 0);
  CHECK(nlohmann::json::parse(remote.out) == nlohmann::json::parse(local.out));

  // The server's errors come back as the same exit codes and messages.
  const auto bad = run_command(binary + " --server " + server.url() + " --from yesterday Syria");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("yesterday") != std::string::npos);
  const auto none = run_command(binary + " --server " + server.url() + " xylophonist");
  CHECK(none.exit_code == 1);
}

TEST_CASE("newsq --server reports an unreachable server", "[cli][server]") {
  const auto binary = shell_quote((binary_dir() / "query" / "newsq").string());
  // Port 1 on loopback: nothing listens there.
  const auto result = run_command(binary + " --server http://127.0.0.1:1 Syria");
  CHECK(result.exit_code == 3);
  CHECK_FALSE(result.err.empty());
}

TEST_CASE("newsq --related lists other stories, never the story itself", "[cli]") {
  auto result = run_newsq("--json --related sample-001 -n 5");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  REQUIRE_FALSE(json["hits"].empty());
  for (const auto& hit : json["hits"]) CHECK(hit["id"] != "sample-001");

  result = run_newsq("--related no-such-story");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("no-such-story") != std::string::npos);
  result = run_newsq("--related sample-001 Syria");
  CHECK(result.exit_code == 2);
}

TEST_CASE("newsq --suggest completes the last word", "[cli]") {
  auto result = run_newsq("--suggest naval ba");
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.rfind("naval base\ttitle\t", 0) == 0);
  result = run_newsq("--suggest --json Tar");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["query"] == "Tar");
  REQUIRE_FALSE(json["suggestions"].empty());
  CHECK(json["suggestions"][0]["text"].get<std::string>().rfind("tar", 0) == 0);
  CHECK(run_newsq("--suggest xylophoni").exit_code == 1);
  CHECK(run_newsq("--suggest --related sample-001").exit_code == 2);
}

TEST_CASE("newsq --server answers related stories and suggestions like the local index",
          "[cli][server]") {
  ServerProcess server({"--index", seed_index_path().string(), "--threads", "1"});
  const auto binary = shell_quote((binary_dir() / "query" / "newsq").string());
  for (const std::string args :
       {" --json --related sample-001", " --json --suggest naval ba", " --json --sort text Syria",
        " --json --now 2025-02-01 Syria"}) {
    CAPTURE(args);
    const auto remote = run_command(binary + " --server " + server.url() + args);
    const auto local = run_newsq(args);
    REQUIRE(remote.exit_code == 0);
    REQUIRE(local.exit_code == 0);
    CHECK(nlohmann::json::parse(remote.out) == nlohmann::json::parse(local.out));
  }
  const auto missing = run_command(binary + " --server " + server.url() + " --related nope");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("nope") != std::string::npos);
  const auto local_only =
      run_command(binary + " --server " + server.url() + " --recency-weight 0.5 Syria");
  CHECK(local_only.exit_code == 2);
  CHECK(local_only.err.find("local index") != std::string::npos);
}
