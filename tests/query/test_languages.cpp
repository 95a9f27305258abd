// Real text in German, Chinese and Spanish from ../shared/corpus, indexed in its own language and
// searched the way a reader of that language would.
#include <catch2/catch.hpp>

#include <sstream>

#include "newsq/document.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;

namespace {

// The first `count` lines of a corpus file (xz-compressed or plain).
std::vector<std::string> corpus_lines(const std::string& relative, std::size_t count) {
  const auto shared = test::shared_dir();
  if (!shared) return {};
  const auto path = (*shared / "corpus" / relative).string();
  const std::string reader = relative.ends_with(".xz") ? "xz -dc " : "cat ";
  const auto result = test::run_command(reader + test::shell_quote(path) + " | head -n " +
                                        std::to_string(count));
  REQUIRE(result.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(result.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct Index {
  test::TempDir dir;
  std::string path = (dir / "index").string();
  Xapian::WritableDatabase db{path, Xapian::DB_CREATE_OR_OPEN};
  Analyzer analyzer;
  DocumentBuilder builder{analyzer, &db};
  Index() {
    db.set_metadata(std::string(schema::kMetaSchemaVersion),
                    std::to_string(schema::kSchemaVersion));
  }
  void add(const Article& article) {
    db.replace_document(schema::id_term(article.id), builder.build(article));
  }
};

std::vector<std::string> top_ids(Searcher& searcher, const std::string& query,
                                 const std::string& lang, std::size_t limit = 5) {
  SearchRequest request;
  request.query = query;
  request.lang = lang;
  request.limit = limit;
  std::vector<std::string> ids;
  for (const auto& hit : searcher.search(request).hits) ids.push_back(hit.id);
  return ids;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

TEST_CASE("Chinese news items are found with and without spaces between words", "[languages]") {
  const auto lines = corpus_lines("zh_xinwenlianbo/xwlb_items.jsonl.xz", 300);
  if (lines.empty()) {
    WARN("../shared/corpus is absent: skipping");
    return;
  }
  Index index;
  for (const auto& line : lines) {
    const auto json = nlohmann::json::parse(line);
    Article article;
    article.id = json["date"].get<std::string>() + "-" + std::to_string(json["seq"].get<int>());
    article.title = json["title"];
    article.body = json["body"];
    article.lang = "zh";
    index.add(article);
  }
  index.db.commit();
  Searcher searcher(index.path);
  // Item 1 of 2022-09-24: "【领航中国】共护一江水 万里长江焕发新活力", about the Yangtze economic belt.
  for (const char* query : {"长江经济带", "长江 经济带", "长江经济带 生态环境"}) {
    INFO(query);
    CHECK(contains(top_ids(searcher, query, "zh"), "2022-09-24-1"));
  }
  CHECK(top_ids(searcher, "长江经济带", "zh") == top_ids(searcher, "长江 经济带", "zh"));
  // Chinese between words of another script: Xapian's parser alone refuses these ("parse
  // error"); any-word matching finds the item by its Chinese words.
  for (const char* query : {"Yangtze 长江经济带 2022", "the 长江经济带 Yangtze"}) {
    INFO(query);
    SearchRequest request;
    request.query = query;
    request.lang = "zh";
    request.match = MatchMode::any;
    std::vector<std::string> ids;
    REQUIRE_NOTHROW([&] {
      for (const auto& hit : searcher.search(request).hits) ids.push_back(hit.id);
    }());
    CHECK(contains(ids, "2022-09-24-1"));
  }
}

TEST_CASE("German articles are stemmed as German", "[languages]") {
  const auto lines = corpus_lines("de_10kgnad/test.csv.xz", 200);
  if (lines.empty()) {
    WARN("../shared/corpus is absent: skipping");
    return;
  }
  Index index;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    const auto semicolon = line.find(';');
    REQUIRE(semicolon != std::string::npos);
    Article article;
    article.id = "de-" + std::to_string(i + 1);
    article.topics = {line.substr(0, semicolon)};
    article.body = line.substr(semicolon + 1);
    article.lang = "de";
    index.add(article);
  }
  index.db.commit();
  Searcher searcher(index.path);
  // Row 1: "Die Gewerkschaft GPA-djp lanciert den All-in-Rechner ..." — the plural finds it
  // through the German stemmer.
  CHECK(contains(top_ids(searcher, "gewerkschaften all-in-verträge", "de"), "de-1"));
  // Row 2 (Sport): "Franzosen verteidigen 2:1-Führung" — the accent-folded form matches too.
  CHECK(contains(top_ids(searcher, "Fuhrung Franzosen", "de"), "de-2"));
}

TEST_CASE("Spanish headlines are found in Spanish", "[languages]") {
  const auto lines = corpus_lines("es_news_sample/es_news_2026-03-13.jsonl", 200);
  if (lines.empty()) {
    WARN("../shared/corpus is absent: skipping");
    return;
  }
  Index index;
  std::string rodalies_id;
  for (const auto& line : lines) {
    const auto json = nlohmann::json::parse(line);
    Article article;
    article.url = json["url"];
    article.id = derive_id(article);
    article.title = json["title"];
    article.summary = json.value("summary", "");
    article.source = json["source"];
    article.lang = "es";
    if (article.title.find("Rodalies") != std::string::npos && rodalies_id.empty())
      rodalies_id = article.id;
    index.add(article);
  }
  index.db.commit();
  REQUIRE_FALSE(rodalies_id.empty());
  Searcher searcher(index.path);
  // "El Gobierno recoloca en secreto en Adif al mismo cargo al que cesó por la crisis de
  // Rodalies": a Spanish plural and the unaccented verb find it.
  CHECK(top_ids(searcher, "crisis Rodalies", "es").at(0) == rodalies_id);
  CHECK(contains(top_ids(searcher, "cargos ceso Adif", "es"), rodalies_id));
}
