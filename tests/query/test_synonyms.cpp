#include <catch2/catch.hpp>

#include <sstream>

#include "newsq/document.hpp"
#include "newsq/errors.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "newsq/synonyms.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;

namespace {

std::vector<SynonymRule> parse(const std::string& text) {
  std::istringstream in(text);
  return parse_synonyms(in, "synonyms.txt");
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::bad_record);
    return error.what();
  }
  return "";
}

std::vector<std::string> ids(Searcher& searcher, const std::string& query) {
  SearchRequest request;
  request.query = query;
  std::vector<std::string> out;
  for (const auto& hit : searcher.search(request).hits) out.push_back(hit.id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("parse_synonyms reads two-way and one-way rules and skips comments", "[synonyms]") {
  const auto rules = parse("# place names\nTartus, Tartous , Tartús\n\nKiev => Kyiv  # renamed\n");
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].from == std::vector<std::string>{"Tartus", "Tartous", "Tartús"});
  CHECK(rules[0].to == rules[0].from);
  CHECK(rules[0].line == 2);
  CHECK(rules[1].from == std::vector<std::string>{"Kiev"});
  CHECK(rules[1].to == std::vector<std::string>{"Kyiv"});
}

TEST_CASE("parse_synonyms reports the file and line of a bad rule", "[synonyms]") {
  CHECK(error_of("a, b\nlonely\n").find("synonyms.txt:2:") == 0);
  CHECK(error_of("a, , b\n").find("empty member") != std::string::npos);
  CHECK(error_of("NYC => New York\n").find("single word") != std::string::npos);
}

TEST_CASE("synonyms in the index expand queries, one-way rules in one direction only",
          "[synonyms]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion),
                    std::to_string(schema::kSchemaVersion));
    Analyzer analyzer;
    DocumentBuilder builder(analyzer, &db);
    auto add = [&](const char* id, const char* title) {
      Article article;
      article.id = id;
      article.title = title;
      db.replace_document(schema::id_term(id), builder.build(article));
    };
    add("tartous", "Russia keeps the Tartous naval base");
    add("kiev", "Kiev talks resume");
    add("kyiv", "Kyiv welcomes envoys");
    add("nyc", "NYC marathon route changes");
    replace_synonyms(db, parse("Tartus, Tartous\nKiev => Kyiv\nNew York City, NYC\n"), analyzer);
    db.commit();
  }
  Searcher searcher(path);
  CHECK(ids(searcher, "Tartús") == std::vector<std::string>{"tartous"});
  CHECK(ids(searcher, "tartus naval base") == std::vector<std::string>{"tartous"});
  CHECK(ids(searcher, "Kiev") == std::vector<std::string>{"kiev", "kyiv"});
  CHECK(ids(searcher, "Kyiv") == std::vector<std::string>{"kyiv"});
  CHECK(ids(searcher, "new york city marathon") == std::vector<std::string>{"nyc"});

  // Loading another file replaces the table.
  {
    Xapian::WritableDatabase db(path);
    Analyzer analyzer;
    replace_synonyms(db, parse("Kyiv => Kiev\n"), analyzer);
    db.commit();
  }
  searcher.refresh();
  CHECK(ids(searcher, "Kiev") == std::vector<std::string>{"kiev"});
  CHECK(ids(searcher, "Kyiv") == std::vector<std::string>{"kiev", "kyiv"});
}

TEST_CASE("the spelling typed ranks above its synonyms, for one word as for several",
          "[synonyms]") {
  test::TempDir dir;
  const auto path = (dir / "index").string();
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion),
                    std::to_string(schema::kSchemaVersion));
    Analyzer analyzer;
    DocumentBuilder builder(analyzer, &db);
    auto add = [&](const char* id, const char* title) {
      Article article;
      article.id = id;
      article.title = title;
      db.replace_document(schema::id_term(id), builder.build(article));
    };
    // The same story in two spellings, nothing else to tell them apart.
    add("spelt-tartus", "Port workers in Tartus return to work");
    add("spelt-tartous", "Port workers in Tartous return to work");
    replace_synonyms(db, parse("Tartus, Tartous\n"), analyzer);
    db.commit();
  }
  Searcher searcher(path);
  const auto ranked = [&](const std::string& query) {
    SearchRequest request;
    request.query = query;
    std::vector<std::string> out;
    for (const auto& hit : searcher.search(request).hits) out.push_back(hit.id);
    return out;  // in rank order
  };
  CHECK(ranked( "Tartous") == std::vector<std::string>{"spelt-tartous", "spelt-tartus"});
  CHECK(ranked("Tartus") == std::vector<std::string>{"spelt-tartus", "spelt-tartous"});
  CHECK(ranked("Tartous port workers") ==
        std::vector<std::string>{"spelt-tartous", "spelt-tartus"});
  CHECK(ranked("Tartus port workers") ==
        std::vector<std::string>{"spelt-tartus", "spelt-tartous"});
}
