// BulkWriter: a rebuild's parts, merged, hold what IndexWriter would have written (the last
// record of each id, the same terms, positions, values, records and spelling), whatever the
// part size and the merges in between; a worker's failure ends the build.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <tuple>
#include <vector>

#include <xapian.h>

#include "newsq/errors.hpp"
#include "newsq/indexer/bulk_writer.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/indexer/prepared_document.hpp"
#include "newsq/schema.hpp"
#include "newsq/timeutil.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using newsq::test::error_code_of;

namespace {

const char* const kWords[] = {"naval", "base",   "Tartous", "port",   "investment", "recovers",
                              "Spain", "budget", "harbour", "fleet",  "minister",   "talks",
                              "grain", "wheat",  "export",  "shares", "market",     "rally"};

// Record `n` of a made-up feed; `version` makes a later record of the same id differ.
Article record(int n, int version) {
  Article article;
  article.id = "story-" + std::to_string(n);
  for (int i = 0; i < 4; ++i)
    article.title += std::string(i ? " " : "") + kWords[(n * 7 + i * 3 + version) % 18];
  for (int i = 0; i < 25; ++i)
    article.body += std::string(i ? " " : "") + kWords[(n * 5 + i * 11 + version * 3) % 18];
  article.published = Timestamp{1700000000 + n * 3600 + version, 0};
  article.topics = {n % 2 ? "ships" : "markets"};
  return article;
}

// 60 records of 40 ids: ids 0-39, then 20 of them again, some right after their first record
// (same part) and some long after (a part merged into a segment by then).
std::vector<Article> feed() {
  std::vector<Article> articles;
  for (int n = 0; n < 40; ++n) {
    articles.push_back(record(n, 0));
    if (n % 9 == 4) articles.push_back(record(n, 1));  // superseded within its part
  }
  for (int n : {0, 1, 2, 17, 3, 30, 39, 8, 21, 5, 11, 12, 13, 26, 33, 34})
    articles.push_back(record(n, 2));  // superseded after merges
  return articles;
}

struct Posting {
  std::string term;
  Xapian::termcount wdf;
  std::vector<Xapian::termpos> positions;
  auto operator<=>(const Posting&) const = default;
};

struct Snapshot {
  std::vector<Posting> terms;
  std::map<Xapian::valueno, std::string> values;
  std::string data;
  bool operator==(const Snapshot&) const = default;
};

// Every document by id, as its terms, positions, values and stored record.
std::map<std::string, Snapshot> snapshot(const Xapian::Database& db) {
  std::map<std::string, Snapshot> documents;
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    const Xapian::Document doc = db.get_document(*it);
    Snapshot shot;
    std::string id;
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
      Posting posting{*term, term.get_wdf(), {}};
      for (auto pos = term.positionlist_begin(); pos != term.positionlist_end(); ++pos)
        posting.positions.push_back(*pos);
      if ((*term).rfind("Q", 0) == 0) id = (*term).substr(1);
      shot.terms.push_back(std::move(posting));
    }
    for (auto value = doc.values_begin(); value != doc.values_end(); ++value)
      shot.values[value.get_valueno()] = *value;
    shot.data = doc.get_data();
    REQUIRE(!id.empty());
    REQUIRE(documents.emplace(id, std::move(shot)).second);
  }
  return documents;
}

std::map<std::string, Xapian::doccount> spellings(const Xapian::Database& db) {
  std::map<std::string, Xapian::doccount> words;
  for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it)
    words[*it] = it.get_termfreq();
  return words;
}

}  // namespace

TEST_CASE("a bulk build holds what IndexWriter writes, whatever the parts and merges",
          "[bulk_writer]") {
  const auto [part_documents, commit_every, fan_in, workers] =
      GENERATE(std::make_tuple(4, 3, 2, 2), std::make_tuple(7, 2, 3, 1),
               std::make_tuple(1000, 500, 32, 2), std::make_tuple(1, 1, 2, 3));
  CAPTURE(part_documents, commit_every, fan_in, workers);
  test::TempDir dir;
  const std::string bulk_path = (dir / "bulk").string();
  const std::string plain_path = (dir / "plain").string();
  const auto articles = feed();

  DocumentPreparer preparer;
  {
    BulkWriter bulk((dir / "staging").string(),
                    BulkOptions{static_cast<std::size_t>(part_documents),
                                static_cast<std::size_t>(commit_every),
                                static_cast<std::size_t>(fan_in), static_cast<unsigned>(workers)});
    IndexWriter plain(plain_path);
    for (const auto& article : articles) {
      CHECK(bulk.add(preparer.prepare(article)) == article.id);
      plain.add(preparer.prepare(article));
    }
    plain.commit();
    CHECK(bulk.document_count() == 40);
    bulk.finish_into(bulk_path);
  }

  const Xapian::Database merged(bulk_path);
  const Xapian::Database expected(plain_path);
  CHECK(merged.get_doccount() == 40);
  CHECK(merged.get_metadata(std::string(schema::kMetaSchemaVersion)) ==
        std::to_string(schema::kSchemaVersion));
  CHECK(!merged.get_metadata(std::string(schema::kMetaLastUpdate)).empty());
  const auto documents = snapshot(merged);
  CHECK(documents == snapshot(expected));
  CHECK(merged.get_total_length() == expected.get_total_length());
  CHECK(spellings(merged) == spellings(expected));
  CHECK(!spellings(merged).empty());

  // The last record of an id wins.
  std::set<std::string> seen;
  for (auto it = articles.rbegin(); it != articles.rend(); ++it) {
    if (!seen.insert(it->id).second) continue;
    auto posting = merged.postlist_begin(schema::id_term(it->id));
    REQUIRE(posting != merged.postlist_end(schema::id_term(it->id)));
    CHECK(merged.get_document(*posting).get_value(schema::kSlotPublished) ==
          Xapian::sortable_serialise(static_cast<double>(it->published->utc_seconds)));
  }
}

TEST_CASE("synonyms written to the metadata database are merged into the result", "[bulk_writer]") {
  test::TempDir dir;
  DocumentPreparer preparer;
  {
    BulkWriter bulk((dir / "staging").string(), BulkOptions{2, 1, 2, 2});
    for (int n = 0; n < 5; ++n) bulk.add(preparer.prepare(record(n, 0)));
    Xapian::WritableDatabase metadata(bulk.metadata_directory(), Xapian::DB_OPEN);
    metadata.add_synonym("harbour", "port");
    metadata.commit();
    metadata.close();
    bulk.finish_into((dir / "index").string());
  }
  const Xapian::Database merged((dir / "index").string());
  CHECK(merged.get_doccount() == 5);
  auto synonym = merged.synonyms_begin("harbour");
  REQUIRE(synonym != merged.synonyms_end("harbour"));
  CHECK(*synonym == "port");
}

TEST_CASE("a bulk build of nothing is an empty newsq index", "[bulk_writer]") {
  test::TempDir dir;
  {
    BulkWriter bulk((dir / "staging").string());
    bulk.finish_into((dir / "index").string());
  }
  const Xapian::Database merged((dir / "index").string());
  CHECK(merged.get_doccount() == 0);
  CHECK(merged.get_metadata(std::string(schema::kMetaSchemaVersion)) ==
        std::to_string(schema::kSchemaVersion));
}

TEST_CASE("a part Xapian cannot write ends the bulk build", "[bulk_writer]") {
  test::TempDir dir;
  DocumentPreparer preparer;
  BulkWriter bulk((dir / "staging").string(), BulkOptions{3, 2, 2, 2});
  PreparedDocument bad = preparer.prepare(record(1, 0));
  bad.document.add_boolean_term("K" + std::string(400, 'x'));  // beyond Xapian's term length
  bulk.add(std::move(bad));
  const ErrorCode code = error_code_of([&] {
    for (int n = 2; n < 200; ++n) bulk.add(preparer.prepare(record(n, 0)));
    bulk.finish_into((dir / "index").string());
  });
  CHECK(code == ErrorCode::index_unavailable);
  CHECK_FALSE(std::filesystem::exists(dir / "index"));
}

TEST_CASE("the staging directory must be new", "[bulk_writer]") {
  test::TempDir dir;
  std::filesystem::create_directory(dir / "staging");
  CHECK(error_code_of([&] { BulkWriter bulk((dir / "staging").string()); }) == ErrorCode::io_error);
}
