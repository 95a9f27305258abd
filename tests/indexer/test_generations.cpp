// Generation-managed indexes: rebuild, rollback, compact, writers and readers across a switch,
// and failures that must leave the live index untouched.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include <xapian.h>

#include "newsq/indexer/commands.hpp"
#include "newsq/indexer/generations.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

// JSON Lines records "<word> story N" with ids "<word>-N".
std::string records(const std::string& word, int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += "{\"id\":\"" + word + "-" + std::to_string(i) + "\",\"title\":\"" + word + " story " +
            std::to_string(i) + "\",\"body\":\"About " + word + ".\"}\n";
  return text;
}

// Matches of `query` through a fresh Searcher (which follows the stub), without the spelling
// correction that would turn a query matching nothing into one that matches something.
std::uint64_t hits(const std::string& index, const std::string& query) {
  Searcher searcher(index);
  SearchRequest request;
  request.query = query;
  request.exact = true;
  const SearchResult result = searcher.search(request);
  return result.corrected ? 0 : result.total;
}

struct Setup {
  test::TempDir dir;
  std::string index = (dir / "index").string();
  std::ostringstream err;

  std::string file(const std::string& name, const std::string& content) {
    const auto path = dir / name;
    test::write_file(path, content);
    return path.string();
  }

  int add(std::vector<std::string> inputs) {
    AddRequest request;
    request.index_path = index;
    request.inputs = std::move(inputs);
    return run_add(request, err);
  }

  int rebuild(std::vector<std::string> inputs, bool allow_rejected = false,
              std::optional<std::string> synonyms = std::nullopt) {
    RebuildRequest request;
    request.add.index_path = index;
    request.add.inputs = std::move(inputs);
    request.allow_rejected = allow_rejected;
    request.synonyms_file = std::move(synonyms);
    return run_rebuild(request, err);
  }

  std::string stub() const { return test::read_file(index); }
  bool exists(std::uint64_t generation) const {
    return fs::is_directory(generation_directory(index, generation));
  }
};

}  // namespace

TEST_CASE("rebuild of a new path creates generation 1 behind a stub", "[generations]") {
  Setup setup;
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 5))}) == kExitOk);
  CHECK(fs::is_regular_file(setup.index));
  CHECK(setup.stub() == "auto index.gen-1\n");  // relative: the folder can be moved
  CHECK(hits(setup.index, "alpha") == 5);
  const IndexLayout layout = inspect_index(setup.index);
  CHECK(layout.kind == IndexLayout::Kind::stub);
  CHECK(layout.live == 1u);
  CHECK_FALSE(layout.previous);
  CHECK(contains(setup.err.str(), "switched " + setup.index + " to generation 1"));
  // No temporary stub left behind.
  for (const auto& entry : fs::directory_iterator(setup.dir.path()))
    CHECK_FALSE(entry.path().filename().string().starts_with(".index.stub-"));
}

std::uintmax_t directory_bytes(const fs::path& directory) {
  std::uintmax_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(directory))
    if (entry.is_regular_file()) bytes += entry.file_size();
  return bytes;
}

TEST_CASE("rebuild merges its parts into a compact generation and leaves no staging directory",
          "[generations]") {
  Setup setup;
  const std::string input = setup.file("a.jsonl", records("alpha", 3000));
  REQUIRE(setup.rebuild({input}) == kExitOk);
  CHECK(contains(setup.err.str(), "merging into " + generation_directory(setup.index, 1)));
  CHECK_FALSE(fs::exists(staging_directory(setup.index, 1)));
  CHECK(hits(setup.index, "alpha") == 3000);

  // The same records added the incremental way take more room: the rebuild's blocks are full.
  Setup plain;
  REQUIRE(plain.add({input}) == kExitOk);
  CHECK(directory_bytes(generation_directory(setup.index, 1)) < directory_bytes(plain.index));

  // A rebuild killed before it removed its staging copy leaves it behind: the next switch
  // removes it, as it removes abandoned generations.
  const std::string stale = staging_directory(setup.index, 7);
  fs::create_directories(stale);
  test::write_file(fs::path(stale) / "postlist.glass", "partial");
  REQUIRE(setup.rebuild({setup.file("b.jsonl", records("beta", 2))}) == kExitOk);
  CHECK_FALSE(fs::exists(stale));
  CHECK(inspect_index(setup.index).generations == std::vector<std::uint64_t>{1, 2});
  CHECK(hits(setup.index, "beta") == 2);
}

TEST_CASE("rebuild converts a plain index, rollback restores it", "[generations]") {
  Setup setup;
  REQUIRE(setup.add({setup.file("old.jsonl", records("oldword", 3))}) == kExitOk);
  REQUIRE(fs::is_directory(setup.index));

  REQUIRE(setup.rebuild({setup.file("new.jsonl", records("newword", 4))}) == kExitOk);
  CHECK(contains(setup.err.str(), "converted"));
  CHECK(setup.stub() == "auto index.gen-1\n");
  CHECK(setup.exists(0));  // the old directory, kept for rollback
  CHECK(hits(setup.index, "newword") == 4);
  CHECK(hits(setup.index, "oldword") == 0);

  REQUIRE(run_rollback(setup.index, setup.err) == kExitOk);
  CHECK(setup.stub() == "auto index.gen-0\n");
  CHECK(hits(setup.index, "oldword") == 3);
  CHECK(hits(setup.index, "newword") == 0);
  CHECK(setup.exists(1));  // kept until the next switch

  // Nothing older than generation 0: refused, nothing changed.
  CHECK(run_rollback(setup.index, setup.err) == kExitFatal);
  CHECK(contains(setup.err.str(), "no generation older than the live one (0)"));
  CHECK(setup.stub() == "auto index.gen-0\n");
}

TEST_CASE("each rebuild keeps the previous generation and removes older ones", "[generations]") {
  Setup setup;
  for (int round = 1; round <= 3; ++round)
    REQUIRE(setup.rebuild({setup.file(
                "r.jsonl", records("round" + std::to_string(round), round))}) == kExitOk);
  CHECK(setup.stub() == "auto index.gen-3\n");
  CHECK(inspect_index(setup.index).generations == std::vector<std::uint64_t>{2, 3});
  CHECK(hits(setup.index, "round3") == 3);
  REQUIRE(run_rollback(setup.index, setup.err) == kExitOk);
  CHECK(hits(setup.index, "round2") == 2);
}

TEST_CASE("rollback of a plain index or a missing one is refused", "[generations]") {
  Setup setup;
  CHECK(run_rollback(setup.index, setup.err) == kExitFatal);
  REQUIRE(setup.add({setup.file("a.jsonl", records("alpha", 1))}) == kExitOk);
  CHECK(run_rollback(setup.index, setup.err) == kExitFatal);
  CHECK(contains(setup.err.str(), "not generation-managed"));
  CHECK(fs::is_directory(setup.index));
}

TEST_CASE("add, delete and synonyms after a rebuild write the live generation", "[generations]") {
  Setup setup;
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 2))}) == kExitOk);
  REQUIRE(setup.add({setup.file("b.jsonl", records("beta", 3))}) == kExitOk);
  CHECK(hits(setup.index, "beta") == 3);
  CHECK(Xapian::Database(generation_directory(setup.index, 1)).get_doccount() == 5);
  CHECK(fs::is_regular_file(setup.index));  // still a stub

  CHECK(run_delete(setup.index, {"beta-0"}, setup.err) == kExitOk);
  CHECK(hits(setup.index, "beta") == 2);

  IndexWriter writer(setup.index);
  CHECK(writer.path() == generation_directory(setup.index, 1));
}

TEST_CASE("a reader open across a switch keeps working until refreshed onto the new generation",
          "[generations]") {
  Setup setup;
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 2))}) == kExitOk);
  Searcher before(setup.index);
  REQUIRE(setup.rebuild({setup.file("b.jsonl", records("beta", 3))}) == kExitOk);

  SearchRequest request;
  request.query = "alpha";
  request.exact = true;
  CHECK(before.search(request).total == 2);  // generation 1 is kept, its files intact
  CHECK(hits(setup.index, "beta") == 3);     // a fresh reader follows the stub
  CHECK(hits(setup.index, "alpha") == 0);
  CHECK(before.refresh());                   // refresh() reads the stub again...
  CHECK(before.search(request).total == 0);  // ...and follows it to generation 2
  request.query = "beta";
  CHECK(before.search(request).total == 3);
}

TEST_CASE("compact keeps the documents, shrinks the index and switches", "[generations]") {
  Setup setup;
  // Small batches and rewrites leave a fragmented index.
  const auto input = setup.file("a.jsonl", records("alpha", 300));
  AddRequest request;
  request.index_path = setup.index;
  request.inputs = {input, input, input};
  request.batch_size = 7;
  REQUIRE(run_add(request, setup.err) == kExitOk);
  const std::uint64_t before = directory_bytes(setup.index);

  REQUIRE(run_compact(setup.index, setup.err) == kExitOk);
  CHECK(contains(setup.err.str(), "300 documents"));
  const std::string live = resolve_index_directory(setup.index);
  CHECK(live == generation_directory(setup.index, 1));
  CHECK(Xapian::Database(live).get_doccount() == 300);
  CHECK(directory_bytes(live) < before);
  CHECK(hits(setup.index, "alpha") == 300);
  CHECK(Xapian::Database::check(live, 0, nullptr) == 0);

  // Compacting again: generation 2, generation 1 kept, generation 0 (the old directory) gone.
  REQUIRE(run_compact(setup.index, setup.err) == kExitOk);
  CHECK(inspect_index(setup.index).generations == std::vector<std::uint64_t>{1, 2});
  CHECK(hits(setup.index, "alpha") == 300);
}

TEST_CASE("compact of a missing index is refused", "[generations]") {
  Setup setup;
  CHECK(run_compact(setup.index, setup.err) == kExitFatal);
  CHECK_FALSE(fs::exists(setup.index));
}

TEST_CASE("a failed rebuild leaves the live index untouched", "[generations]") {
  Setup setup;
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 2))}) == kExitOk);
  const auto generations = inspect_index(setup.index).generations;
  setup.err.str("");

  SECTION("a missing source is found before anything is built") {
    CHECK(setup.rebuild({setup.file("b.jsonl", records("beta", 1)),
                         (setup.dir / "missing.jsonl").string()}) == kExitFatal);
    CHECK(contains(setup.err.str(), "missing.jsonl"));
    CHECK_FALSE(contains(setup.err.str(), "building generation"));
  }
  SECTION("a rejected record: no switch, the new generation removed") {
    CHECK(setup.rebuild({setup.file("b.jsonl", records("beta", 3) + "not json\n")}) ==
          kExitRejected);
    CHECK(contains(setup.err.str(), "1 record rejected: not switching"));
  }
  SECTION("a bad synonyms file is found before anything is built") {
    // A bad rule is a bad record (exit 1), reported before any generation is claimed.
    CHECK(setup.rebuild({setup.file("b.jsonl", records("beta", 1))}, false,
                        setup.file("syn.txt", "a => \n")) == kExitRejected);
    CHECK(contains(setup.err.str(), "syn.txt:1: "));
    CHECK_FALSE(contains(setup.err.str(), "building generation"));
  }
  SECTION("another generation command running") {
    GenerationLock other(setup.index);
    CHECK(setup.rebuild({setup.file("b.jsonl", records("beta", 1))}) == kExitFatal);
    CHECK(contains(setup.err.str(), "another rebuild, rollback or compact"));
  }
  CHECK(setup.stub() == "auto index.gen-1\n");
  CHECK(inspect_index(setup.index).generations == generations);
  CHECK(hits(setup.index, "alpha") == 2);
}

TEST_CASE("rebuild with --allow-rejected switches despite rejected records", "[generations]") {
  Setup setup;
  CHECK(setup.rebuild({setup.file("b.jsonl", records("beta", 3) + "not json\n")}, true) ==
        kExitRejected);
  CHECK(setup.stub() == "auto index.gen-1\n");
  CHECK(hits(setup.index, "beta") == 3);
}

TEST_CASE("records sharing an id count once in the rebuild's check", "[generations]") {
  Setup setup;
  const auto input = setup.file("a.jsonl", records("alpha", 4));
  CHECK(setup.rebuild({input, input}) == kExitOk);
  CHECK(hits(setup.index, "alpha") == 4);
}

TEST_CASE("synonyms: copied from the live generation, or from --synonyms", "[generations]") {
  Setup setup;
  REQUIRE(setup.add({setup.file("a.jsonl", records("tartus", 1))}) == kExitOk);
  REQUIRE(run_synonyms(setup.index, setup.file("syn.txt", "tartus, tartous\n"), setup.err) ==
          kExitOk);
  REQUIRE(setup.rebuild({setup.file("b.jsonl", records("tartus", 2))}) == kExitOk);
  CHECK(hits(setup.index, "tartous") == 2);  // the synonym came along

  REQUIRE(setup.rebuild({setup.file("b.jsonl", records("tartus", 2))}, false,
                        setup.file("other.txt", "tartus, tortosa\n")) == kExitOk);
  CHECK(hits(setup.index, "tortosa") == 2);
  CHECK(hits(setup.index, "tartous") == 0);
}

TEST_CASE("stubs newsq did not write are refused, not followed", "[generations]") {
  Setup setup;
  SECTION("two databases") {
    test::write_file(setup.index, "auto index.gen-1\nauto index.gen-2\n");
  }
  SECTION("another backend") { test::write_file(setup.index, "remote localhost:1234\n"); }
  SECTION("a directory elsewhere") { test::write_file(setup.index, "auto /var/lib/other\n"); }
  SECTION("a missing generation") { test::write_file(setup.index, "auto index.gen-7\n"); }
  CHECK_THROWS_AS(IndexWriter(setup.index), Error);
  CHECK(setup.add({setup.file("a.jsonl", records("alpha", 1))}) == kExitFatal);
  CHECK_FALSE(setup.exists(7));
}

TEST_CASE("switch_generation replaces the stub, comments in a stub are allowed", "[generations]") {
  Setup setup;
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 1))}) == kExitOk);
  test::write_file(setup.index, "# written by hand\n\nauto index.gen-1\n");
  CHECK(inspect_index(setup.index).live == 1u);
  CHECK(hits(setup.index, "alpha") == 1);  // Xapian reads it the same way
  switch_generation(setup.index, 1);
  CHECK(setup.stub() == "auto index.gen-1\n");
  CHECK((fs::status(setup.index).permissions() & fs::perms::others_read) != fs::perms::none);
}

TEST_CASE("stats of a generation-managed index", "[generations]") {
  Setup setup;
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 2))}) == kExitOk);
  REQUIRE(setup.rebuild({setup.file("a.jsonl", records("alpha", 2))}) == kExitOk);
  std::ostringstream out;
  REQUIRE(run_stats(setup.index, false, out, setup.err) == kExitOk);
  CHECK(contains(out.str(), "generation:     2 (previous: 1)"));
  CHECK_FALSE(contains(out.str(), "size on disk:   0 B"));
}
