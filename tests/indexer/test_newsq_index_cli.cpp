// The newsq-index binary as a user runs it: exit codes, the summary line, problems on stderr,
// standard input, stats --json, delete, --index and NEWSQ_INDEX.
#include <catch2/catch.hpp>

#include <regex>

#include <xapian.h>
#include <nlohmann/json.hpp>

#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;

namespace {

const std::string& binary() {
  static const std::string path =
      test::shell_quote((test::binary_dir() / "indexer" / "newsq-index").string());
  return path;
}

std::string seed_path() {
  return test::shell_quote(
      (test::source_dir() / "data" / "seed" / "000_fa681b729c5b0812.txt").string());
}

std::string sample_path() {
  return test::shell_quote((test::source_dir() / "data" / "sample.jsonl").string());
}

struct Cli {
  test::TempDir dir;
  std::string index = (dir / "index").string();

  test::CommandResult run(const std::string& arguments) const {
    return test::run_command(binary() + " --index " + test::shell_quote(index) + " " + arguments);
  }
};

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

}  // namespace

TEST_CASE("cli: the seed page indexes with exit 0 and one summary line", "[cli]") {
  Cli cli;
  const auto result =
      cli.run("add --date 2025-01-30 --tz Europe/Madrid --source seed " + seed_path());
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  // Piped: no progress line, only the summary.
  const std::regex summary(
      R"(indexed 10 records \(10 added/replaced, 0 rejected, 0 warnings\) in [0-9.]+ s \([0-9]+ records/s\)\n)");
  CHECK(std::regex_match(result.err, summary));

  Searcher searcher(cli.index);
  CHECK(searcher.stats().documents == 10);
  SearchRequest request;
  request.kinds = {"brief"};
  request.exact = true;
  CHECK(searcher.search(request).total == 9);
}

TEST_CASE("cli: rejected records give exit 1, problems as file:line", "[cli]") {
  Cli cli;
  const auto file = cli.dir / "bad.jsonl";
  test::write_file(file,
                   "{\"id\":\"x\",\"title\":\"Good\"}\n{oops\n{\"id\":\"y\",\"title\":\"\"}\n");
  const auto result = cli.run("add " + test::shell_quote(file.string()));
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err, file.string() + ":2: error: invalid JSON"));
  CHECK(contains(result.err, file.string() + ":3: error: the record has neither title nor text"));
  CHECK(contains(result.err, "indexed 3 records (1 added/replaced, 2 rejected, 0 warnings)"));
  CHECK(Searcher(cli.index).stats().documents == 1);
}

TEST_CASE("cli: usage and fatal errors give exit 2 with a message", "[cli]") {
  Cli cli;
  CHECK(cli.run("").exit_code == 2);                                // no subcommand
  CHECK(cli.run("add --batch 0 " + sample_path()).exit_code == 2);  // not positive
  CHECK(cli.run("add --format xml " + sample_path()).exit_code == 2);
  CHECK(cli.run("frobnicate").exit_code == 2);

  const auto missing = cli.run("add " + test::shell_quote((cli.dir / "nope.jsonl").string()));
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "newsq-index: cannot open"));
  CHECK(contains(missing.err, "nope.jsonl"));

  const auto bad_date = cli.run("add --date 2025-13-01 " + seed_path());
  CHECK(bad_date.exit_code == 2);
  CHECK(contains(bad_date.err, "2025-13-01"));

  const auto no_index = cli.run("stats");
  CHECK(no_index.exit_code == 2);
  CHECK(contains(no_index.err, "newsq-index: "));
}

TEST_CASE("cli: --help documents the index default and exits 0", "[cli]") {
  const auto result = test::run_command(binary() + " --help");
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "NEWSQ_INDEX"));
  CHECK(contains(result.out, ".local/share/newsq/index"));
  const auto add_help = test::run_command(binary() + " add --help");
  CHECK(add_help.exit_code == 0);
  CHECK(contains(add_help.out, "--date"));
  CHECK(contains(add_help.out, "--tz"));
}

TEST_CASE("cli: '-' reads standard input (JSON Lines unless --format)", "[cli]") {
  Cli cli;
  const auto jsonl = cli.run("add - < " + sample_path());
  INFO(jsonl.err);
  CHECK(jsonl.exit_code == 0);
  CHECK(contains(jsonl.err, "indexed 15 records"));

  const auto page =
      cli.run("add --format page --date 2025-01-30 --tz Europe/Madrid - < " + seed_path());
  CHECK(page.exit_code == 0);
  CHECK(contains(page.err, "indexed 10 records"));
  CHECK(Searcher(cli.index).stats().documents == 25);
}

TEST_CASE("cli: xz input through stdin is detected by its magic", "[cli]") {
  Cli cli;
  const auto result = cli.run("add - < /dev/null");  // empty stdin: nothing to do
  CHECK(result.exit_code == 0);
  const auto piped = test::run_command("xz -c " + sample_path() + " | " + binary() + " --index " +
                                       test::shell_quote(cli.index) + " add -");
  INFO(piped.err);
  CHECK(piped.exit_code == 0);
  CHECK(contains(piped.err, "indexed 15 records"));
}

TEST_CASE("cli: re-running add keeps the count, delete removes", "[cli]") {
  Cli cli;
  REQUIRE(cli.run("add " + sample_path()).exit_code == 0);
  REQUIRE(cli.run("add " + sample_path()).exit_code == 0);
  CHECK(Searcher(cli.index).stats().documents == 15);

  const auto deleted = cli.run("delete sample-001 sample-002");
  CHECK(deleted.exit_code == 0);
  CHECK(Searcher(cli.index).stats().documents == 13);
  CHECK_FALSE(Searcher(cli.index).get("sample-001"));

  const auto missing = cli.run("delete sample-003 no-such-id");
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.err, "not found: no-such-id"));
  CHECK_FALSE(contains(missing.err, "not found: sample-003"));
  CHECK(Searcher(cli.index).stats().documents == 12);
}

TEST_CASE("cli: stats --json shape", "[cli]") {
  Cli cli;
  REQUIRE(cli.run("add " + sample_path()).exit_code == 0);
  const auto result = cli.run("stats --json");
  REQUIRE(result.exit_code == 0);
  const auto stats = nlohmann::json::parse(result.out);
  CHECK(stats.at("documents") == 15);
  CHECK(stats.at("schema_version") == schema::kSchemaVersion);
  CHECK(stats.at("path").is_string());
  CHECK(stats.at("size_bytes").get<std::uint64_t>() > 0);
  CHECK(stats.at("revision").get<std::uint64_t>() > 0);
  CHECK(parse_iso8601(stats.at("last_update").get<std::string>()));
  CHECK(stats.size() == 6);

  const auto text = cli.run("stats");
  CHECK(contains(text.out, "documents:      15"));
}

TEST_CASE("cli: NEWSQ_INDEX is the default index", "[cli]") {
  Cli cli;
  const auto result = test::run_command("NEWSQ_INDEX=" + test::shell_quote(cli.index) + " " +
                                        binary() + " add " + sample_path());
  CHECK(result.exit_code == 0);
  CHECK(Searcher(cli.index).stats().documents == 15);
}

TEST_CASE("cli: an index of another schema version is refused", "[cli]") {
  Cli cli;
  REQUIRE(cli.run("add " + sample_path()).exit_code == 0);
  {  // Rewrite the version as a future newsq would have.
    Xapian::WritableDatabase db(cli.index, Xapian::DB_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion), "42");
    db.commit();
  }
  const auto result = cli.run("add " + sample_path());
  CHECK(result.exit_code == 2);
  CHECK(contains(result.err, "schema version 42"));
}

TEST_CASE("cli: feeds by name, and sniffed on standard input", "[cli][feed]") {
  Cli cli;
  const auto feeds = test::source_dir() / "tests" / "indexer" / "feeds";
  const auto by_name = cli.run("add " + test::shell_quote((feeds / "science.atom").string()));
  CHECK(by_name.exit_code == 0);
  CHECK(contains(by_name.err, "indexed 3 records (3 added/replaced, 0 rejected, 1 warnings)"));

  // world.rss has one item without title or text: exit 1, the other six indexed.
  const auto piped =
      test::run_command(binary() + " --index " + test::shell_quote(cli.index) + " add - < " +
                        test::shell_quote((feeds / "world.rss").string()));
  CHECK(piped.exit_code == 1);
  CHECK(contains(piped.err, "<stdin>:56: error: the item has neither title nor text"));
  CHECK(contains(piped.err, "(6 added/replaced, 1 rejected,"));

  Searcher searcher(cli.index);
  CHECK(searcher.stats().documents == 9);
  SearchRequest request;
  request.query = "Tartous naval";
  const auto result = searcher.search(request);
  REQUIRE(result.hits.size() == 1);
  CHECK(result.hits[0].id == "harbour-2025-0610-001");
}

TEST_CASE("cli: rebuild, rollback and compact", "[cli][generations]") {
  Cli cli;
  REQUIRE(cli.run("add " + sample_path()).exit_code == 0);
  const auto rebuilt = cli.run("rebuild --from " + seed_path() +
                               " --date 2025-01-30 --tz Europe/Madrid --source seed");
  CHECK(rebuilt.exit_code == 0);
  CHECK(contains(rebuilt.err, "switched " + cli.index + " to generation 1"));
  CHECK(test::read_file(cli.index) == "auto index.gen-1\n");
  CHECK(cli.run("rebuild").exit_code == 2);  // --from is required

  const auto compacted = cli.run("compact");
  CHECK(compacted.exit_code == 0);
  CHECK(test::read_file(cli.index) == "auto index.gen-2\n");
  const auto stats = cli.run("stats --json");
  CHECK(nlohmann::json::parse(stats.out)["generation"] == 2);

  CHECK(cli.run("rollback").exit_code == 0);
  CHECK(test::read_file(cli.index) == "auto index.gen-1\n");
  const auto refused = cli.run("rollback");
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.err, "newsq-index: cannot roll back"));
}
