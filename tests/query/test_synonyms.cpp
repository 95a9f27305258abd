#include <catch2/catch.hpp>

#include <sstream>
#include <utility>
#include <vector>

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

/// An index at `path` of stories (id, title) with `rules` as its synonym table.
void build_index(const std::string& path,
                 const std::vector<std::pair<const char*, const char*>>& stories,
                 const std::string& rules) {
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
  db.set_metadata(std::string(schema::kMetaSchemaVersion), std::to_string(schema::kSchemaVersion));
  Analyzer analyzer;
  DocumentBuilder builder(analyzer, &db);
  for (const auto& [id, title] : stories) {
    Article article;
    article.id = id;
    article.title = title;
    db.replace_document(schema::id_term(id), builder.build(article));
  }
  replace_synonyms(db, parse(rules), analyzer);
  db.commit();
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
  build_index(path,
              {{"tartous", "Russia keeps the Tartous naval base"},
               {"kiev", "Kiev talks resume"},
               {"kyiv", "Kyiv welcomes envoys"},
               {"nyc", "NYC marathon route changes"}},
              "Tartus, Tartous\nKiev => Kyiv\nNew York City, NYC\n");
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
  // The same story in two spellings, nothing else to tell them apart.
  build_index(path,
              {{"spelt-tartus", "Port workers in Tartus return to work"},
               {"spelt-tartous", "Port workers in Tartous return to work"}},
              "Tartus, Tartous\n");
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
