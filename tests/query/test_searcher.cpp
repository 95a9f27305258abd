// The Searcher over a small index built in the test with DocumentBuilder, so every expectation
// follows from the articles below.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include <xapian.h>

#include "newsq/document.hpp"
#include "newsq/errors.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;

namespace {

Article make(std::string id, std::string title, std::string body, std::string published,
             std::vector<std::string> topics, std::string source = "wire",
             std::string kind = "article") {
  Article article;
  article.id = std::move(id);
  article.title = std::move(title);
  article.body = std::move(body);
  if (!published.empty()) article.published = parse_iso8601(published);
  article.topics = std::move(topics);
  article.source = std::move(source);
  article.kind = std::move(kind);
  return article;
}

std::vector<Article> corpus() {
  return {
      make("syria-bases", "Russia's silence on Syrian demand regarding military bases",
           "The Russian Foreign Ministry said talks focused on retaining the Tartous naval base and "
           "the Khmeimim airbase. Dmitry Peskóv declined to comment.",
           "2025-01-30T00:00:00+01:00", {"Politics", "Syria"}, "seed"),
      make("nato-exercise", "Spain leads NATO's most ambitious naval exercises of the year",
           "Ships from twelve countries sail from the base at Rota.", "2025-01-30T12:36:00+01:00",
           {"Defence"}, "seed", "brief"),
      make("ny-storm", "Storm closes schools in New York",
           "Schools in New York City were closed on Monday as snow fell.",
           "2025-01-28T09:00:00-05:00", {"Weather"}, "metro"),
      make("look-york", "A new look in York",
           "The York council unveiled a new look for the old market, a New Look store said.",
           "2025-01-29T10:00:00Z", {"Business"}, "metro"),
      make("cocoa", "Bahia cocoa review",
           "Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
           "drought.",
           "1987-02-26T15:01:01Z", {"cocoa"}, "reuters"),
      make("undated", "", "Shr 12 cts vs 15 cts net income rose", "", {"earn"}, "reuters",
           "brief"),
  };
}

/// An index of `articles`, built with DocumentBuilder in a temporary directory.
struct NewsFixture {
  test::TempDir dir;
  std::string path = (dir / "index").string();
  explicit NewsFixture(const std::vector<Article>& articles) {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion),
                    std::to_string(schema::kSchemaVersion));
    Analyzer analyzer;
    DocumentBuilder builder(analyzer, &db);
    for (const auto& article : articles)
      db.replace_document(schema::id_term(article.id), builder.build(article));
    db.commit();
  }
};

struct Fixture : NewsFixture {
  Fixture() : NewsFixture(corpus()) {}
};

std::vector<std::string> ids(const SearchResult& result) {
  std::vector<std::string> out;
  for (const auto& hit : result.hits) out.push_back(hit.id);
  return out;
}

SearchResult search(Searcher& searcher, std::string query) {
  SearchRequest request;
  request.query = std::move(query);
  return searcher.search(request);
}

}  // namespace

TEST_CASE("ranks the story about the place first and finds it however it is accented",
          "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  auto result = search(searcher, "Tartous naval base");
  REQUIRE_FALSE(result.hits.empty());
  CHECK(result.hits[0].id == "syria-bases");
  CHECK(result.hits[0].title == "Russia's silence on Syrian demand regarding military bases");
  CHECK(result.hits[0].snippet.find("<mark>Tartous</mark> <mark>naval</mark> <mark>base</mark>") !=
        std::string::npos);

  // "Tartús" folds to "tartus", which no story has: the search runs the spelling correction.
  auto corrected = search(searcher, "Tartús");
  CHECK(ids(corrected) == std::vector<std::string>{"syria-bases"});
  CHECK(corrected.corrected);
  REQUIRE(corrected.suggestion);
  CHECK(*corrected.suggestion == "tartous");
  CHECK(ids(search(searcher, "Peskov")) == std::vector<std::string>{"syria-bases"});
  CHECK(ids(search(searcher, "PESKÓV")) == std::vector<std::string>{"syria-bases"});
}

TEST_CASE("phrases match words next to each other only", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  CHECK(ids(search(searcher, "\"New York\"")) == std::vector<std::string>{"ny-storm"});
  // Without quotes both match, but the words next to each other rank first.
  auto both = ids(search(searcher, "new york"));
  CHECK(both.size() == 2);
  CHECK(both[0] == "ny-storm");
  CHECK(ids(search(searcher, "\"naval base\"")) == std::vector<std::string>{"syria-bases"});
}

TEST_CASE("stemming matches other forms of a word", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  CHECK(ids(search(searcher, "showering")) == std::vector<std::string>{"cocoa"});
  CHECK(ids(search(searcher, "exercise")) == std::vector<std::string>{"nato-exercise"});
}

TEST_CASE("a capital the keyboard or a query in capitals put there does not stop stemming",
          "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  // The first word, capitalised as a phone keyboard does, and a query typed in capitals.
  CHECK(ids(search(searcher, "Showering")) == std::vector<std::string>{"cocoa"});
  CHECK(ids(search(searcher, "SHOWERING")) == std::vector<std::string>{"cocoa"});
  CHECK(ids(search(searcher, "EXERCISE")) == std::vector<std::string>{"nato-exercise"});
  // A headline pasted in capitals: its NOT is a word, not an operator that drops the story.
  const auto pasted = ids(search(searcher, "BAHIA NOT DROUGHT"));
  REQUIRE_FALSE(pasted.empty());
  CHECK(pasted[0] == "cocoa");
  CHECK(ids(search(searcher, "Bahia NOT drought")).empty());
  // A capitalised word later in the query is a name: matched as written, never by its stem.
  SearchRequest request;
  request.match = MatchMode::any;
  request.query = "Rota Showering";
  CHECK(ids(searcher.search(request)) == std::vector<std::string>{"nato-exercise"});
  request.query = "Rota showering";
  CHECK(ids(searcher.search(request)).size() == 2);
}

TEST_CASE("field prefixes in the query restrict the match", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  CHECK(ids(search(searcher, "title:naval")) == std::vector<std::string>{"nato-exercise"});
  CHECK(ids(search(searcher, "naval topic:SYRIA")) == std::vector<std::string>{"syria-bases"});
  CHECK(ids(search(searcher, "base kind:brief")) == std::vector<std::string>{"nato-exercise"});
  CHECK(ids(search(searcher, "naval -Rota")) == std::vector<std::string>{"syria-bases"});
  CHECK(ids(search(searcher, "Bahia NOT drought")).empty());
  CHECK(ids(search(searcher, "cocoa OR Khmeimim")).size() == 2);
  CHECK(ids(search(searcher, "Khmei*")) == std::vector<std::string>{"syria-bases"});
}

TEST_CASE("filters by topic, source, kind and inclusive date bounds", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.topics = {"politics", "Defence"};
  request.sort = SortOrder::date;
  CHECK(ids(searcher.search(request)) ==
        std::vector<std::string>{"nato-exercise", "syria-bases"});

  request = {};
  request.sources = {"METRO"};
  request.kinds = {"article"};
  CHECK(searcher.search(request).total == 2);

  // The brief at 12:36+01:00 is 11:36:00Z: the bounds include it to the second. Twice: the
  // Searcher's first date ranges check the date slot by value, the later ones its in-memory
  // column (read on the third, see PublishedColumns::stale_use()), and both must agree.
  const auto at = parse_iso8601("2025-01-30T11:36:00Z")->utc_seconds;
  for (int pass = 0; pass < 2; ++pass) {
    INFO("pass " << pass);
    request = {};
    request.from = at;
    request.to = at;
    CHECK(ids(searcher.search(request)) == std::vector<std::string>{"nato-exercise"});
    request.from = at + 1;
    request.to = std::nullopt;
    CHECK(searcher.search(request).total == 0);
    request.from = std::nullopt;
    request.to = at - 1;
    CHECK(searcher.search(request).total == 4);  // everything dated before it

    request.from = parse_date_bound("2025-01-29", false);
    request.to = parse_date_bound("2025-01-29", true);
    request.sort = SortOrder::date;
    CHECK(ids(searcher.search(request)) == std::vector<std::string>{"syria-bases", "look-york"});
  }

  request.from = at + 10;
  request.to = at;
  CHECK_THROWS_AS(searcher.search(request), Error);
}

TEST_CASE("sorts by date, newest first, undated last", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.sort = SortOrder::date;
  CHECK(ids(searcher.search(request)) ==
        std::vector<std::string>{"nato-exercise", "syria-bases", "look-york", "ny-storm", "cocoa",
                                 "undated"});
}

TEST_CASE("facets count topics and bucket dates", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.facet_topics = true;
  request.facet_date = DateBucket::day;
  request.exact = true;
  auto result = searcher.search(request);
  CHECK(result.total == 6);
  CHECK(result.total_exact);
  REQUIRE(result.topic_facets.size() == 7);
  for (const auto& facet : result.topic_facets) CHECK(facet.count == 1);
  // The story published at midnight in Madrid is on the 29th in UTC.
  std::vector<std::pair<std::string, std::uint64_t>> days;
  for (const auto& f : result.date_facets) days.emplace_back(f.value, f.count);
  CHECK(days == std::vector<std::pair<std::string, std::uint64_t>>{
                    {"1987-02-26", 1}, {"2025-01-28", 1}, {"2025-01-29", 2}, {"2025-01-30", 1}});

  request.facet_date = DateBucket::year;
  request.query = "new OR naval";
  request.match = MatchMode::any;
  result = searcher.search(request);
  REQUIRE(result.date_facets.size() == 1);
  CHECK(result.date_facets[0].value == "2025");
  CHECK(result.date_facets[0].count == 4);
}

TEST_CASE("pages through results with offset and limit", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.sort = SortOrder::date;
  request.limit = 2;
  request.offset = 2;
  CHECK(ids(searcher.search(request)) == std::vector<std::string>{"look-york", "ny-storm"});
  request.limit = kMaxLimit + 1;
  CHECK_THROWS_AS(searcher.search(request), Error);
}

TEST_CASE("all words must match, with a fallback to any word", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  // No story has both words: the answer is the stories with either, not an empty page.
  auto result = search(searcher, "cocoa Khmeimim");
  CHECK(result.hits.size() == 2);
  SearchRequest request;
  request.query = "naval base";
  CHECK(ids(searcher.search(request)).size() == 2);
}

TEST_CASE("suggests a spelling correction from the indexed words", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  auto result = search(searcher, "Khmeimin airbase");
  REQUIRE(result.suggestion);
  CHECK(*result.suggestion == "khmeimim airbase");
  CHECK_FALSE(search(searcher, "Khmeimim").suggestion);
}

TEST_CASE("a query of words the index has is not corrected to more frequent ones",
          "[searcher]") {
  NewsFixture fixture({make("ford", "Ford recalls trucks", "Ford recalls its trucks.",
                            "2025-01-30T10:00:00Z", {"Business"}),
                       make("schools", "Funds for schools", "Money for schools, for roads and for "
                            "parks, for now.", "2025-01-30T11:00:00Z", {"Politics"}),
                       make("roads", "Votes for roads", "A vote for roads and for rail.",
                            "2025-01-30T12:00:00Z", {"Politics"})});
  Searcher searcher(fixture.path);
  // "ford" and "schools" are both indexed, never side by side: no hit, and no "for schools".
  const auto phrase = search(searcher, "\"ford schools\"");
  CHECK(phrase.hits.empty());
  CHECK_FALSE(phrase.suggestion);
  CHECK_FALSE(phrase.corrected);
  // The same holds when any word may match, where suggestions are computed on every search.
  SearchRequest any;
  any.query = "ford schools";
  any.match = MatchMode::any;
  const auto result = searcher.search(any);
  CHECK(result.hits.size() == 2);
  CHECK_FALSE(result.suggestion);
  // A word the index lacks is still corrected.
  const auto typo = search(searcher, "fordd");
  REQUIRE(typo.suggestion);
  CHECK(*typo.suggestion == "ford");
  CHECK(ids(typo) == std::vector<std::string>{"ford"});
}

TEST_CASE("near-duplicates fold into one hit unless collapse is off", "[searcher]") {
  Fixture fixture;
  {
    Xapian::WritableDatabase db(fixture.path);
    Analyzer analyzer;
    DocumentBuilder builder(analyzer);
    const std::string wire =
        "Saudi Arabian Oil Minister Hisham Nazer said the kingdom wanted oil price stability and "
        "called on non-OPEC producers to avoid harmful competition with OPEC.";
    for (const char* id : {"wire-1", "wire-2", "wire-3"}) {
      auto article = make(id, std::string("Saudi minister on OPEC ") + id, wire,
                          "1987-03-15T04:55:00Z", {"crude"});
      db.replace_document(schema::id_term(article.id), builder.build(article));
    }
    db.commit();
  }
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "OPEC competition";
  auto folded = searcher.search(request);
  REQUIRE(folded.hits.size() == 1);
  CHECK(folded.hits[0].collapsed == 2);
  CHECK(to_json(folded)["hits"][0]["collapsed"] == 2);
  request.collapse = false;
  auto expanded = searcher.search(request);
  CHECK(expanded.hits.size() == 3);
  for (const auto& hit : expanded.hits) CHECK(hit.collapsed == 0);
}

TEST_CASE("untitled briefs show their first words as title", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  auto result = search(searcher, "income");
  REQUIRE(result.hits.size() == 1);
  CHECK(result.hits[0].title.rfind("Shr 12 cts vs 15 cts", 0) == 0);
  CHECK_FALSE(result.hits[0].published);
}

TEST_CASE("get returns the stored article", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  auto article = searcher.get("ny-storm");
  REQUIRE(article);
  CHECK(article->title == "Storm closes schools in New York");
  CHECK(article->published->offset_minutes == -300);
  CHECK_FALSE(searcher.get("no-such-story"));
}

TEST_CASE("refresh picks up a commit made after opening", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  CHECK(search(searcher, "zeppelin").total == 0);
  {
    Xapian::WritableDatabase db(fixture.path);
    Analyzer analyzer;
    DocumentBuilder builder(analyzer);
    auto article = make("zep", "Zeppelin lands", "A zeppelin landed.", "2025-02-01T00:00:00Z", {});
    db.replace_document(schema::id_term(article.id), builder.build(article));
    db.commit();
  }
  CHECK(searcher.refresh());
  CHECK(search(searcher, "zeppelin").total == 1);
  CHECK(searcher.stats().documents == 7);
}

TEST_CASE("refuses a missing index and one of another schema version", "[searcher]") {
  test::TempDir dir;
  try {
    Searcher searcher((dir / "nothing").string());
    FAIL("expected index_missing");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::index_missing);
  }
  const auto path = (dir / "old").string();
  {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(std::string(schema::kMetaSchemaVersion), "0");
    db.commit();
  }
  try {
    Searcher searcher(path);
    FAIL("expected schema_mismatch");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::schema_mismatch);
    CHECK(std::string(error.what()).find("schema version 0") != std::string::npos);
  }
}

TEST_CASE("refuses an over-long query", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  try {
    search(searcher, std::string(kMaxQueryBytes + 1, 'a'));
    FAIL("expected bad_query");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::bad_query);
  }
}

TEST_CASE("search results have the documented JSON shape", "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "naval";
  request.facet_topics = true;
  request.facet_date = DateBucket::month;
  const auto json = to_json(searcher.search(request));
  CHECK(json["query"] == "naval");
  CHECK(json["total"]["value"].is_number_unsigned());
  CHECK(json["total"]["exact"].is_boolean());
  REQUIRE(json["hits"].size() == 2);
  for (const char* key : {"id", "title", "url", "published", "topics", "source", "kind",
                          "snippet", "score"})
    CHECK(json["hits"][0].contains(key));
  CHECK(json["facets"]["topic"][0].contains("value"));
  CHECK(json["facets"]["date"][0]["bucket"] == "2025-01");
  CHECK(json["suggestion"].is_null());
  // And it reads back.
  const auto back = search_result_from_json(json);
  CHECK(back.hits.size() == 2);
  CHECK(back.topic_facets.size() == json["facets"]["topic"].size());
}

TEST_CASE("search results encode the same whether the result is copied or given away",
          "[searcher]") {
  Fixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "naval";
  request.facet_topics = true;
  request.facet_date = DateBucket::month;
  SearchResult result = searcher.search(request);
  REQUIRE(result.hits.size() == 2);
  result.hits[1].published.reset();  // null, not a string
  result.hits[1].title = "Quote \" and <tag> & caf\xc3\xa9";
  const std::string copied = to_json(result).dump();
  const auto moved = to_json(std::move(result));
  CHECK(moved.dump() == copied);
  const auto& hit = moved["hits"][0];
  CHECK(hit["collapsed"].is_number_unsigned());
  CHECK(hit["score"].is_number_float());
  CHECK(hit["published"].is_string());
  CHECK(hit["topics"].is_array());
  CHECK(moved["hits"][1]["published"].is_null());
  // Keys in nlohmann's order: the same text as an object built any other way.
  nlohmann::json expected = nlohmann::json::object();
  for (const auto& [key, value] : hit.items()) expected[key] = value;
  CHECK(expected.dump() == hit.dump());
}

namespace {

// The same story three times, a year apart, plus an old story that matches the words far better.
struct RecencyFixture : NewsFixture {
  RecencyFixture()
      : NewsFixture({
            make("strike-2023", "Dockers vote on a port strike",
                 "Unions meet ministers in Valencia.", "2023-03-01T10:00:00Z", {"Labour"}),
            make("strike-2025", "Dockers vote on a port strike", "Unions meet ministers in Bilbao.",
                 "2025-03-01T10:00:00Z", {"Labour"}),
            make("strike-2024", "Dockers vote on a port strike", "Unions meet ministers in Vigo.",
                 "2024-03-01T10:00:00Z", {"Labour"}),
            make("strike-history", "Port strike: a history of the port strike",
                 "The port strike of 1951 was the longest port strike: the port strike closed "
                 "every port.",
                 "1990-05-01T10:00:00Z", {"History"}),
        }) {}
};

}  // namespace

TEST_CASE("sort=relevance blends recency into text relevance but sort=text does not", "[searcher]") {
  RecencyFixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "port strike";
  request.collapse = false;  // the three dockers stories are near-duplicates

  request.sort = SortOrder::text;
  const SearchResult by_text = searcher.search(request);
  const auto text = ids(by_text);
  REQUIRE(text.size() == 4);
  CHECK(text[0] == "strike-history");  // the words five times over
  std::map<std::string, double> text_score;
  for (const Hit& hit : by_text.hits) text_score[hit.id] = hit.score;
  const double best = by_text.hits[0].score;

  // The default blend: 0.8 of the text score (relative to the best) plus 0.2 of a recency that
  // halves every 30 days before the newest story (2025-03-01).
  request.sort = SortOrder::relevance;
  const SearchResult blended = searcher.search(request);
  REQUIRE(blended.hits.size() == 4);
  const double newest = static_cast<double>(parse_iso8601("2025-03-01T10:00:00Z")->utc_seconds);
  for (const Hit& hit : blended.hits) {
    REQUIRE(hit.published);
    const double age_days = (newest - static_cast<double>(hit.published->utc_seconds)) / 86400;
    CAPTURE(hit.id);
    CHECK(hit.score ==
          Approx(0.8 * text_score[hit.id] / best + 0.2 * std::exp2(-age_days / 30)));
  }
  for (std::size_t i = 1; i < blended.hits.size(); ++i)
    CHECK(blended.hits[i - 1].score >= blended.hits[i].score);
  // The three equal stories, newest first: the text order alone could not say.
  std::vector<std::string> dockers;
  for (const auto& id : ids(blended))
    if (id != "strike-history") dockers.push_back(id);
  CHECK(dockers == std::vector<std::string>{"strike-2025", "strike-2024", "strike-2023"});

  // Recency alone: newest first, the 1990 story last.
  request.recency.weight = 1;
  CHECK(ids(searcher.search(request)) ==
        std::vector<std::string>{"strike-2025", "strike-2024", "strike-2023", "strike-history"});

  // Weight 0 is text order.
  request.recency.weight = 0;
  CHECK(ids(searcher.search(request)) == text);
}

TEST_CASE("the recency reference time defaults to the newest story and can be set",
          "[searcher]") {
  RecencyFixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "dockers";
  request.collapse = false;
  request.recency.weight = 1;
  request.recency.half_life_days = 30;
  auto result = searcher.search(request);
  REQUIRE(result.hits.size() == 3);
  CHECK(result.hits[0].id == "strike-2025");
  CHECK(result.hits[0].score == Approx(1.0));  // the newest story is "now": full recency
  CHECK(result.hits[1].score == Approx(std::exp2(-365.0 / 30)).epsilon(0.01));

  // Seen from March 2024, the 2025 story is in the future (age 0) and ties with 2024's.
  request.recency.now = parse_iso8601("2024-03-01T10:00:00Z")->utc_seconds;
  result = searcher.search(request);
  CHECK(result.hits[0].score == Approx(1.0));
  CHECK(result.hits[1].score == Approx(1.0));
  CHECK(result.hits[2].id == "strike-2023");
}

TEST_CASE("sort=relevance pages consistently and lists newest first without words",
          "[searcher]") {
  RecencyFixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "port strike";
  request.collapse = false;
  request.recency.weight = 1;
  const auto all = ids(searcher.search(request));
  request.limit = 1;
  for (std::size_t i = 0; i < all.size(); ++i) {
    request.offset = i;
    CHECK(ids(searcher.search(request)) == std::vector<std::string>{all[i]});
  }

  SearchRequest browse;  // a topic page: no words to rank by
  browse.topics = {"Labour"};
  browse.collapse = false;
  CHECK(ids(searcher.search(browse)) ==
        std::vector<std::string>{"strike-2025", "strike-2024", "strike-2023"});
}

TEST_CASE("refuses recency settings out of range", "[searcher]") {
  RecencyFixture fixture;
  Searcher searcher(fixture.path);
  SearchRequest request;
  request.query = "port";
  request.recency.weight = 1.5;
  CHECK_THROWS_AS(searcher.search(request), Error);
  request.recency.weight = 0.5;
  request.recency.half_life_days = 0;
  CHECK_THROWS_AS(searcher.search(request), Error);
}

namespace {


const char* const kCocoaLead =
    "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought "
    "since early January and improving prospects for the coming temporao harvest.";

}  // namespace

TEST_CASE("related stories share the story's telling words, without the story or its copies",
          "[searcher][related]") {
  NewsFixture fixture({
      make("cocoa", "Bahia cocoa review", kCocoaLead, "1987-02-26T15:01:00Z", {"cocoa"}),
      make("cocoa-copy", "Bahia cocoa review (corrected)", kCocoaLead, "1987-02-26T16:00:00Z",
           {"cocoa"}),
      make("cocoa-harvest", "Temporao cocoa harvest in Bahia",
           "Cocoa arrivals in Bahia rose as the temporao harvest began after the drought.",
           "1987-03-10T10:00:00Z", {"cocoa"}),
      make("oil", "Crude oil prices rise", "Crude oil rose on Gulf supply fears in the week.",
           "1987-03-01T10:00:00Z", {"crude"}),
      make("coffee", "Brazil coffee exports", "Coffee exports from Brazil fell in January.",
           "1987-03-02T10:00:00Z", {"coffee"}),
  });
  Searcher searcher(fixture.path);
  RelatedRequest request;
  request.id = "cocoa";
  const SearchResult result = searcher.related(request);
  REQUIRE_FALSE(result.hits.empty());
  CHECK(result.hits[0].id == "cocoa-harvest");
  for (const Hit& hit : result.hits) {
    CHECK(hit.id != "cocoa");
    CHECK(hit.id != "cocoa-copy");  // a near-duplicate is the same story, not a related one
  }
  CHECK(result.hits[0].snippet.find("<mark>") != std::string::npos);

  request.id = "no-such-story";
  try {
    searcher.related(request);
    FAIL("related() accepted an unknown id");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::not_found);
  }
  request.id = "cocoa";
  request.limit = kMaxLimit + 1;
  CHECK_THROWS_AS(searcher.related(request), Error);
}

TEST_CASE("suggestions complete the last word from titles and topics", "[searcher][suggest]") {
  NewsFixture fixture({
      make("a", "Tartous naval base talks", "Talks on the base.", "2025-01-30T10:00:00Z",
           {"Tariffs"}),
      make("b", "Tartous port reopens", "The port reopened.", "2025-01-29T10:00:00Z", {"Syria"}),
      make("c", "Tarragona naval exercise", "Ships sail.", "2024-06-01T10:00:00Z", {"Defence"}),
      make("d", "New taxes on fuel", "Fuel taxes rise.", "2023-01-01T10:00:00Z", {"Economy"}),
      make("e", "Taxes and the budget", "Budget taxes.", "2023-02-01T10:00:00Z", {"Economy"}),
      make("f", "Taxis strike in Madrid", "Taxi drivers strike.", "2025-01-20T10:00:00Z",
           {"Labour"}),
      make("g", "Bank raises rates", "Rates rise.", "2025-01-21T10:00:00Z", {"Economy"}),
      make("h", "Bank strike ends", "Tellers return.", "2025-01-22T10:00:00Z", {"Labour"}),
  });
  Searcher searcher(fixture.path);
  const auto texts = [](const std::vector<Suggestion>& list) {
    std::vector<std::string> out;
    for (const auto& s : list) out.push_back(s.text + "/" + s.kind);
    return out;
  };

  auto list = searcher.suggest("Tar");
  REQUIRE(list.size() >= 3);
  CHECK(list[0].text == "tartous");  // two stories, both recent
  CHECK(list[0].count == 2);
  CHECK(texts(list) == std::vector<std::string>{"tartous/title", "tariffs/topic",
                                                "tarragona/title"});

  // Words before the last are kept as typed, and only completions found with them count:
  // "bank" is the more frequent "ba" word, but no title says "naval bank".
  CHECK(searcher.suggest("ba").at(0).text == "bank");
  CHECK(texts(searcher.suggest("Tartous naval ba")) ==
        std::vector<std::string>{"Tartous naval base/title"});
  CHECK(searcher.suggest("Tarragona ba").empty());

  // Recency: "taxes" is in two stories of 2023, "taxis" in one of this month; recent stories
  // count five times, so taxis (5) comes before taxes (2).
  list = searcher.suggest("tax");
  REQUIRE(list.size() == 2);
  CHECK(list[0].text == "taxis");
  CHECK(list[1].text == "taxes");
  CHECK(list[1].count == 2);

  CHECK(searcher.suggest("t").empty());
  CHECK(searcher.suggest("tartous ").empty());
  CHECK(searcher.suggest("zzz").empty());
  CHECK(searcher.suggest("tar", 1).size() == 1);
  CHECK_THROWS_AS(searcher.suggest("tar", kMaxSuggestions + 1), Error);
}

TEST_CASE("suggestions fold accents and case as the index does", "[searcher][suggest]") {
  NewsFixture fixture({make("a", "Économie: la croissance ralentit", "Texte.",
                            "2025-01-30T10:00:00Z", {"Économie"}, "wire", "article")});
  Searcher searcher(fixture.path);
  const auto list = searcher.suggest("ÉCON");
  // A title word and a topic, both "economie": offered once.
  REQUIRE(list.size() == 1);
  CHECK(list[0].text == "economie");
  CHECK(searcher.suggest("croiss").at(0).text == "croissance");
}
