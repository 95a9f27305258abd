// The newsq-index subcommands called in-process: exit statuses and what they print.
#include <catch2/catch.hpp>

#include <sstream>

#include <xapian.h>

#include "newsq/indexer/commands.hpp"
#include "newsq/schema.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;

namespace {

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

struct Setup {
  test::TempDir dir;
  std::string index = (dir / "index").string();
  std::ostringstream err;

  AddRequest request(std::vector<std::string> inputs) const {
    AddRequest add;
    add.index_path = index;
    add.inputs = std::move(inputs);
    return add;
  }
};

}  // namespace

TEST_CASE("exit statuses come from one mapping", "[commands]") {
  CHECK(exit_status(ErrorCode::bad_record) == kExitRejected);
  for (auto code : {ErrorCode::bad_query, ErrorCode::bad_parameter, ErrorCode::not_found,
                    ErrorCode::index_missing, ErrorCode::schema_mismatch,
                    ErrorCode::index_unavailable, ErrorCode::io_error, ErrorCode::internal})
    CHECK(exit_status(code) == kExitFatal);
}

TEST_CASE("add: 0 when all records are indexed, with a summary", "[commands]") {
  Setup setup;
  const auto sample = (test::source_dir() / "data" / "sample.jsonl").string();
  CHECK(run_add(setup.request({sample}), setup.err) == kExitOk);
  CHECK(
      contains(setup.err.str(), "indexed 15 records (15 added/replaced, 0 rejected, 0 warnings)"));
  CHECK_FALSE(contains(setup.err.str(), "\r"));  // no progress line unless asked
}

TEST_CASE("add: 1 when a record is rejected", "[commands]") {
  Setup setup;
  const auto file = (setup.dir / "mixed.jsonl").string();
  test::write_file(file, "{\"title\":\"ok\"}\nnot json\n");
  CHECK(run_add(setup.request({file}), setup.err) == kExitRejected);
  CHECK(contains(setup.err.str(), file + ":2: error: invalid JSON"));
  CHECK(contains(setup.err.str(), "(1 added/replaced, 1 rejected, 0 warnings)"));
}

TEST_CASE("add: fatal problems are found before the index is touched", "[commands]") {
  Setup setup;
  const auto good = (setup.dir / "good.jsonl").string();
  test::write_file(good, "{\"title\":\"ok\"}\n");
  test::write_file(setup.dir / "table.csv", "a,b\n");

  SECTION("an unreadable file") {
    CHECK(run_add(setup.request({good, (setup.dir / "missing.jsonl").string()}), setup.err) ==
          kExitFatal);
    CHECK(contains(setup.err.str(), "missing.jsonl"));
  }
  SECTION("an unknown format") {
    CHECK(run_add(setup.request({good, (setup.dir / "table.csv").string()}), setup.err) ==
          kExitFatal);
    CHECK(contains(setup.err.str(), "--format"));
  }
  SECTION("a bad --tz") {
    auto request = setup.request({good});
    request.read.zone = "Nowhere/Special";
    CHECK(run_add(request, setup.err) == kExitFatal);
  }
  SECTION("stdin twice") { CHECK(run_add(setup.request({"-", "-"}), setup.err) == kExitFatal); }
  CHECK(setup.err.str().starts_with("newsq-index: "));
  CHECK_FALSE(std::filesystem::exists(setup.index));
}

TEST_CASE("add: a locked or foreign index is fatal", "[commands]") {
  Setup setup;
  const auto good = (setup.dir / "good.jsonl").string();
  test::write_file(good, "{\"title\":\"ok\"}\n");
  SECTION("locked") {
    IndexWriter holder(setup.index);
    CHECK(run_add(setup.request({good}), setup.err) == kExitFatal);
    CHECK(contains(setup.err.str(), "locked"));
  }
  SECTION("another schema version") {
    {
      Xapian::WritableDatabase db(setup.index, Xapian::DB_CREATE_OR_OPEN);
      db.set_metadata(std::string(schema::kMetaSchemaVersion), "0");
      db.commit();
    }
    CHECK(run_add(setup.request({good}), setup.err) == kExitFatal);
    CHECK(contains(setup.err.str(), "schema version 0"));
  }
}

TEST_CASE("delete: 0 when all ids existed, 1 naming those that did not", "[commands]") {
  Setup setup;
  const auto file = (setup.dir / "two.jsonl").string();
  test::write_file(file, "{\"id\":\"a\",\"title\":\"A\"}\n{\"id\":\"b\",\"title\":\"B\"}\n");
  REQUIRE(run_add(setup.request({file}), setup.err) == kExitOk);

  std::ostringstream first;
  CHECK(run_delete(setup.index, {"a"}, first) == kExitOk);
  CHECK(contains(first.str(), "deleted 1 document, 0 not found"));

  std::ostringstream second;
  CHECK(run_delete(setup.index, {"a", "b", "zzz"}, second) == kExitRejected);
  CHECK(contains(second.str(), "not found: a\n"));
  CHECK(contains(second.str(), "not found: zzz\n"));
  CHECK(contains(second.str(), "deleted 1 document, 2 not found"));

  std::ostringstream out, err;
  CHECK(run_stats(setup.index, true, out, err) == kExitOk);
  CHECK(nlohmann::json::parse(out.str()).at("documents") == 0);
}

TEST_CASE("stats: text and JSON, a missing index is fatal", "[commands]") {
  Setup setup;
  std::ostringstream out, err;
  CHECK(run_stats(setup.index, false, out, err) == kExitFatal);
  CHECK(contains(err.str(), "newsq-index: "));

  const auto sample = (test::source_dir() / "data" / "sample.jsonl").string();
  REQUIRE(run_add(setup.request({sample}), setup.err) == kExitOk);
  std::ostringstream text;
  CHECK(run_stats(setup.index, false, text, err) == kExitOk);
  CHECK(contains(text.str(), "documents:      15\n"));
  CHECK(contains(text.str(), "schema version: " + std::to_string(schema::kSchemaVersion)));
}
