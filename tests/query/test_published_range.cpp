// PublishedRangeSource must match exactly what OP_VALUE_RANGE over the date slot matches, alone
// and inside an AND (where Xapian moves it with check() and skip_to()), in both of its modes,
// over several shards, and after the database moves on.
#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <vector>

#include <xapian.h>

#include "newsq/schema.hpp"
#include "published_range.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kDay = 86400;
constexpr double kStart = 1.5e9;  // 2017-07-14

/// `count` documents: a publication time somewhere in ten years (one in ten has none), and the
/// term "even" or "odd" by position, so that a term AND the range exercises check().
void add_documents(Xapian::WritableDatabase& db, std::mt19937& random, int count) {
  std::uniform_real_distribution<double> when(kStart, kStart + 3650 * kDay);
  for (int i = 0; i < count; ++i) {
    Xapian::Document doc;
    doc.add_term(i % 2 == 0 ? "even" : "odd");
    if (random() % 10 != 0)
      doc.add_value(schema::kSlotPublished, Xapian::sortable_serialise(std::floor(when(random))));
    db.add_document(doc);
  }
}

std::vector<Xapian::docid> matches(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  const Xapian::MSet mset = enquire.get_mset(0, db.get_doccount() + 1);
  std::vector<Xapian::docid> out;
  for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(*it);
  return out;
}

Xapian::Query value_range(double from, double to) {
  const auto s = [](double t) { return Xapian::sortable_serialise(t); };
  if (from == -kInfinity && to == kInfinity)
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished, s(-1e300));
  if (from == -kInfinity)
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotPublished, s(to));
  if (to == kInfinity)
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished, s(from));
  return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPublished, s(from), s(to));
}

Xapian::Query source_range(PublishedColumns& columns, double from, double to) {
  return Xapian::Query((new PublishedRangeSource(columns, from, to))->release());
}

/// Compares the source with OP_VALUE_RANGE on `db` for ranges of every width, alone, as the
/// filter of a term (check() and skip_to()) and ANDed with a term (either may lead).
void check_ranges(const Xapian::Database& db, PublishedColumns& columns, std::mt19937& random) {
  std::uniform_real_distribution<double> start(kStart - 30 * kDay, kStart + 3650 * kDay);
  // From a single second (a stored time exactly: inclusive ends) to everything.
  const double widths[] = {0, kDay, 15 * kDay, 90 * kDay, 400 * kDay, 2000 * kDay, 4000 * kDay};
  for (int round = 0; round < 30; ++round) {
    for (const double width : widths) {
      double from = std::floor(start(random));
      if (round % 5 == 0 || round % 5 == 4) {  // an end exactly a stored time: inclusive bounds
        try {
          const auto doc = db.get_document(1 + random() % db.get_lastdocid());
          const std::string value = doc.get_value(schema::kSlotPublished);
          if (!value.empty()) from = Xapian::sortable_unserialise(value);
        } catch (const Xapian::DocNotFoundError&) {  // a deleted one (or a gap between shards)
        }
      }
      if (round % 5 == 4) from -= width;  // the stored time is the upper end
      double to = from + width;
      if (round == 1) from = -kInfinity;
      if (round == 2) to = kInfinity;
      if (round == 3) from = -kInfinity, to = kInfinity;
      INFO("range " << from << " .. " << to);
      const Xapian::Query expected = value_range(from, to);
      const Xapian::Query got = source_range(columns, from, to);
      CHECK(matches(db, got) == matches(db, expected));
      for (const char* term : {"even", "odd"}) {
        INFO("with " << term);
        CHECK(matches(db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), got)) ==
              matches(db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), expected)));
        CHECK(matches(db, Xapian::Query(Xapian::Query::OP_AND, got, Xapian::Query(term))) ==
              matches(db, Xapian::Query(Xapian::Query::OP_AND, expected, Xapian::Query(term))));
      }
    }
  }
}

}  // namespace

TEST_CASE("a date range from the column matches what OP_VALUE_RANGE matches", "[published]") {
  test::TempDir dir;
  std::mt19937 random(20261128);
  Xapian::WritableDatabase db((dir / "index").string(), Xapian::DB_CREATE);
  add_documents(db, random, 3000);
  // Deleted documents and replaced ones (a new time, or none) leave holes and changes.
  for (Xapian::docid did = 7; did <= 3000; did += 97) db.delete_document(did);
  for (Xapian::docid did = 11; did <= 3000; did += 89) {
    Xapian::Document doc;
    doc.add_term(did % 2 == 1 ? "even" : "odd");
    if (did % 3 != 0)
      doc.add_value(schema::kSlotPublished, Xapian::sortable_serialise(kStart + did * 1000.0));
    db.replace_document(did, doc);
  }
  db.commit();

  PublishedColumns columns;
  check_ranges(Xapian::Database((dir / "index").string()), columns, random);
}

TEST_CASE("the source reports its exact match count", "[published]") {
  test::TempDir dir;
  std::mt19937 random(7);
  Xapian::WritableDatabase db((dir / "index").string(), Xapian::DB_CREATE);
  add_documents(db, random, 2000);
  db.commit();
  PublishedColumns columns;
  const Xapian::Database reader((dir / "index").string());
  for (const double width : {kDay, 30 * kDay, 3650 * kDay}) {
    const double from = kStart + 100 * kDay;
    Xapian::Enquire enquire(reader);
    enquire.set_query(source_range(columns, from, from + width));
    const Xapian::MSet mset = enquire.get_mset(0, 10);
    CHECK(mset.get_matches_lower_bound() == mset.get_matches_upper_bound());
    CHECK(mset.get_matches_estimated() == matches(reader, value_range(from, from + width)).size());
  }
}

TEST_CASE("a date range over several shards matches what OP_VALUE_RANGE matches", "[published]") {
  test::TempDir dir;
  std::mt19937 random(42);
  Xapian::Database all;
  for (const char* name : {"a", "b", "c"}) {
    Xapian::WritableDatabase shard((dir / name).string(), Xapian::DB_CREATE);
    add_documents(shard, random, 700 + static_cast<int>(random() % 300));
    shard.commit();
    all.add_database(Xapian::Database((dir / name).string()));
  }
  PublishedColumns columns;
  check_ranges(all, columns, random);
}

TEST_CASE("the column follows the database to a new revision", "[published]") {
  test::TempDir dir;
  const std::string path = (dir / "index").string();
  Xapian::WritableDatabase writer(path, Xapian::DB_CREATE);
  const auto add = [&](double when) {
    Xapian::Document doc;
    doc.add_value(schema::kSlotPublished, Xapian::sortable_serialise(when));
    return writer.add_document(doc);
  };
  add(kStart);
  writer.commit();

  Xapian::Database reader(path);
  PublishedColumns columns;
  const Xapian::Query day = source_range(columns, kStart, kStart + kDay);
  REQUIRE(matches(reader, day).size() == 1);
  const auto before = columns.get(reader);
  CHECK(columns.get(reader) == before);  // the same revision reads nothing again

  const Xapian::docid added = add(kStart + 60);
  Xapian::Document moved;
  moved.add_value(schema::kSlotPublished, Xapian::sortable_serialise(kStart + 10 * kDay));
  writer.replace_document(1, moved);
  writer.commit();
  REQUIRE(reader.reopen());
  CHECK(columns.get(reader) != before);
  CHECK(matches(reader, day) == std::vector<Xapian::docid>{added});
}

TEST_CASE("a column is read on every third use that finds it stale", "[published]") {
  test::TempDir dir;
  const std::string path = (dir / "index").string();
  Xapian::WritableDatabase writer(path, Xapian::DB_CREATE);
  std::mt19937 random(3);
  add_documents(writer, random, 10);
  writer.commit();
  Xapian::Database reader(path);

  PublishedColumns columns;
  CHECK_FALSE(columns.current(reader));
  CHECK_FALSE(columns.stale_use());  // a one-shot query: OP_VALUE_RANGE
  CHECK_FALSE(columns.stale_use());
  CHECK(columns.stale_use());  // the third: the column is worth reading
  columns.get(reader);
  CHECK(columns.current(reader));

  add_documents(writer, random, 1);
  writer.commit();
  REQUIRE(reader.reopen());
  CHECK_FALSE(columns.current(reader));  // a new revision: stale until read again
  CHECK_FALSE(columns.stale_use());
  columns.clear();
  CHECK_FALSE(columns.stale_use());  // clear() starts the count again
  CHECK_FALSE(columns.stale_use());
  CHECK(columns.stale_use());
}
