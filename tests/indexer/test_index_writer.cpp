// IndexWriter: creation and schema version, replace-by-id, removal, batches as transactions,
// locking, and refusing indexes of another schema.
#include <catch2/catch.hpp>

#include <xapian.h>

#include "newsq/errors.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;

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

ErrorCode error_code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("expected a newsq::Error");
  return ErrorCode::internal;
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

TEST_CASE("batches are committed whole; an interrupted run keeps only whole batches", "[writer]") {
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
