// IndexWriter: creation and schema version, replace-by-id, removal, batches as transactions,
// locking, and refusing indexes of another schema.
#include <catch2/catch.hpp>

#include <map>

#include <xapian.h>

#include "newsq/analysis.hpp"
#include "newsq/document.hpp"
#include "newsq/errors.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/indexer/prepared_document.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "support/error_code.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using newsq::test::error_code_of;

namespace {

Article story(std::string id, std::string title, std::string body = {}) {
  Article article;
  article.id = std::move(id);
  article.title = std::move(title);
  article.body = std::move(body);
  article.published = parse_iso8601("2025-01-30T16:10:00+01:00");
  article.topics = {"syria"};
  article.source = "wire";
  return article;
}

std::uint64_t matches(const std::string& index, const std::string& query) {
  Searcher searcher(index);
  SearchRequest request;
  request.query = query;
  request.exact = true;
  return searcher.search(request).total;
}

}  // namespace

TEST_CASE("a new index is created with parent directories and the schema version", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "a" / "b" / "index").string();
  {
    IndexWriter writer(path);
    CHECK(writer.path() == path);
    CHECK(writer.document_count() == 0);
    writer.add(story("one", "First story"));
    writer.commit();
  }
  Xapian::Database db(path);
  CHECK(db.get_doccount() == 1);
  CHECK(db.get_metadata(std::string(schema::kMetaSchemaVersion)) ==
        std::to_string(schema::kSchemaVersion));
  const auto last_update = db.get_metadata(std::string(schema::kMetaLastUpdate));
  CHECK(parse_iso8601(last_update));
  CHECK(last_update.ends_with("Z"));
}

TEST_CASE("the same id replaces: no duplicates, old text gone", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    IndexWriter writer(path);
    writer.add(story("same", "Xylophone makers merge", "The xylophone industry consolidates."));
    writer.add(story("other", "Unrelated story"));
    writer.commit();
  }
  CHECK(matches(path, "xylophone") == 1);
  {
    IndexWriter writer(path);
    writer.add(story("same", "Marimba makers merge", "The marimba industry consolidates."));
    writer.add(story("other", "Unrelated story"));
    writer.commit();
    CHECK(writer.document_count() == 2);
  }
  CHECK(matches(path, "xylophone") == 0);
  CHECK(matches(path, "marimba") == 1);
  CHECK(Searcher(path).get("same")->title == "Marimba makers merge");
}

TEST_CASE("an empty id is derived, stably", "[writer]") {
  test::TempDir dir;
  IndexWriter writer((dir / "index").string());
  Article article = story("", "Untitled id story");
  const std::string id = writer.add(article);
  CHECK(id == derive_id(article));
  CHECK(writer.add(article) == id);  // the same record again: same id, replaced
  writer.commit();
  CHECK(writer.document_count() == 1);
}

TEST_CASE("remove reports whether the id existed", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  IndexWriter writer(path);
  writer.add(story("keep", "Kept"));
  writer.add(story("drop", "Dropped"));
  writer.commit();
  CHECK(writer.remove("drop"));
  CHECK_FALSE(writer.remove("drop"));  // uncommitted removals are seen
  CHECK_FALSE(writer.remove("never-there"));
  writer.add(story("fresh", "Fresh"));
  CHECK(writer.remove("fresh"));  // uncommitted additions too
  writer.commit();
  CHECK(writer.document_count() == 1);
  CHECK(Searcher(path).get("keep"));
  CHECK_FALSE(Searcher(path).get("drop"));
}

TEST_CASE("into an empty index, the same id still replaces: last wins, one document", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    IndexWriter writer(path, 2);  // the replacements cross batch boundaries
    writer.add(story("twice", "Xylophone makers merge"));
    writer.add(story("other", "Unrelated story"));
    writer.add(story("gone", "Removed story"));
    writer.add(story("twice", "Marimba makers merge"));
    CHECK(writer.remove("gone"));
    CHECK_FALSE(writer.remove("gone"));
    CHECK_FALSE(writer.remove("never-there"));
    writer.add(story("gone", "Returned story"));
    writer.add(story("twice", "Vibraphone makers merge"));
    writer.commit();
    CHECK(writer.document_count() == 3);
  }
  CHECK(Xapian::Database(path).get_doccount() == 3);
  CHECK(matches(path, "xylophone") == 0);
  CHECK(matches(path, "marimba") == 0);
  CHECK(matches(path, "vibraphone") == 1);
  CHECK(matches(path, "returned") == 1);
  CHECK(matches(path, "removed") == 0);
  // A later run (the index no longer empty) replaces by the id term, as always.
  {
    IndexWriter writer(path);
    writer.add(story("twice", "Glockenspiel makers merge"));
    CHECK(writer.remove("other"));
    writer.commit();
  }
  CHECK(Xapian::Database(path).get_doccount() == 2);
  CHECK(matches(path, "vibraphone") == 0);
  CHECK(matches(path, "glockenspiel") == 1);
}

TEST_CASE("the spelling dictionary is the one the TermGenerator would write", "[writer]") {
  // IndexWriter builds documents without the database (possibly on another thread) and adds the
  // spelling words itself: the table must hold the same words with the same frequencies.
  std::vector<Article> articles;
  articles.push_back(story("a", "Naval base naval exercise", "The naval base at Tartus. Naval."));
  articles.push_back(story("b", "Oil prices", "Crude oil prices rose; oil traders said oil."));
  articles.back().summary = "Prices of crude oil";
  articles.push_back(story("c", "\u65b0\u95fb\u8054\u64ad naval", "\u65b0\u95fb naval base"));
  articles.push_back(story("d", "", "Only a body, with body words: body."));
  articles.push_back(story("a", "Naval base replaced", "Replaced text"));  // same id again

  test::TempDir dir;
  const auto expected_path = (dir / "expected").string();
  {
    Xapian::WritableDatabase db(expected_path, Xapian::DB_CREATE);
    Analyzer analyzer;
    DocumentBuilder builder(analyzer, &db);
    for (const auto& article : articles)
      db.replace_document(schema::id_term(article.id), builder.build(article));
    db.commit();
  }
  const auto written_path = (dir / "written").string();
  {
    IndexWriter writer(written_path, 2);
    for (const auto& article : articles) writer.add(article);
    writer.commit();
  }
  const auto spellings = [](const std::string& path) {
    std::map<std::string, Xapian::termcount> words;
    Xapian::Database db(path);
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it)
      words[*it] = it.get_termfreq();
    return words;
  };
  const auto expected = spellings(expected_path);
  CHECK(expected.size() > 10);
  // Once per occurrence (4 + 2 + 1, the replaced version counted too), not with the title's
  // weight.
  CHECK(expected.at("naval") == 7);
  CHECK(spellings(written_path) == expected);
}

TEST_CASE("a prepared document is written as add(Article) writes it", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  DocumentPreparer preparer;
  Article article = story("", "Derived id story", "Body");
  PreparedDocument prepared = preparer.prepare(article);
  CHECK(prepared.id == derive_id(article));
  IndexWriter writer(path);
  CHECK(writer.add(std::move(prepared)) == derive_id(article));
  writer.commit();
  CHECK(Searcher(path).get(derive_id(article)));
}

TEST_CASE("batches are committed whole, an interrupted run keeps only whole batches", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    IndexWriter writer(path, 3);
    for (int i = 0; i < 7; ++i) {
      writer.add(story("id-" + std::to_string(i), "Story " + std::to_string(i)));
      // A reader sees only committed batches: 0, 3 or 6 documents.
      CHECK(Searcher(path).stats().documents == static_cast<std::uint64_t>((i + 1) / 3 * 3));
    }
    CHECK(writer.pending() == 1);
    // Destroyed without commit(), as when the process is interrupted.
  }
  CHECK(Xapian::Database(path).get_doccount() == 6);
  CHECK_FALSE(Searcher(path).get("id-6"));
}

TEST_CASE("commit with nothing pending writes nothing", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  IndexWriter writer(path);
  const auto revision = Xapian::Database(path).get_revision();
  writer.commit();
  CHECK(Xapian::Database(path).get_revision() == revision);
}

TEST_CASE("a second writer is refused while the first holds the lock", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  IndexWriter first(path);
  try {
    IndexWriter second(path);
    FAIL("expected the lock to be refused");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::index_unavailable);
    CHECK(std::string(e.what()).find("locked") != std::string::npos);
  }
}

TEST_CASE("an index of another schema version is refused with a clear message", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion), "999");
    db.commit();
  }
  try {
    IndexWriter writer(path);
    FAIL("expected a schema mismatch");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::schema_mismatch);
    const std::string message = e.what();
    CHECK(message.find("schema version 999") != std::string::npos);
    CHECK(message.find("version " + std::to_string(schema::kSchemaVersion)) != std::string::npos);
    CHECK(message.find(path) != std::string::npos);
  }
  // Nothing was written: the version is still the foreign one.
  CHECK(Xapian::Database(path).get_metadata(std::string(schema::kMetaSchemaVersion)) == "999");
}

TEST_CASE("a Xapian database not written by newsq is refused", "[writer]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    db.add_document(Xapian::Document());
    db.commit();
  }
  CHECK(error_code_of([&] { IndexWriter writer(path); }) == ErrorCode::schema_mismatch);
}

TEST_CASE("a non-empty directory that is no index is not written into", "[writer]") {
  test::TempDir dir;
  test::write_file(dir / "documents" / "letter.txt", "Dear ...");
  CHECK(error_code_of([&] { IndexWriter writer((dir / "documents").string()); }) ==
        ErrorCode::index_unavailable);
  CHECK_FALSE(std::filesystem::exists(dir / "documents" / "iamglass"));
}

TEST_CASE("a path that cannot be created is an io_error", "[writer]") {
  test::TempDir dir;
  test::write_file(dir / "file", "not a directory");
  CHECK(error_code_of([&] { IndexWriter writer((dir / "file" / "index").string()); }) ==
        ErrorCode::io_error);
}
