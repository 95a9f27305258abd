// Scraped pages: the seed page read as the issue describes it, boilerplate, dates and zones.
#include <catch2/catch.hpp>

#include "collecting_sink.hpp"
#include "newsq/errors.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using test::read_text;

namespace {

std::string seed_page() {
  return test::read_file(test::source_dir() / "data" / "seed" / "000_fa681b729c5b0812.txt");
}

ReadOptions madrid_day() {
  ReadOptions options;
  options.date = "2025-01-30";
  options.zone = "Europe/Madrid";
  options.source = "seed";
  return options;
}

bool contains(const std::string& text, std::string_view fragment) {
  return text.find(fragment) != std::string::npos;
}

}  // namespace

TEST_CASE("seed page: nine briefs at the right UTC times", "[page][seed]") {
  auto sink = read_text(Format::page, seed_page(), madrid_day(), "seed.txt");
  REQUIRE(sink.problems.empty());
  REQUIRE(sink.records.size() == 10);

  std::vector<const Article*> briefs;
  for (const auto& record : sink.records)
    if (record.article.kind == "brief") briefs.push_back(&record.article);
  REQUIRE(briefs.size() == 9);

  // Madrid is UTC+1 in January: 16:10 there is 15:10Z, 12:36 is 11:36Z.
  CHECK(briefs.front()->title == "Spain's investment recovers to pre-COVID levels");
  REQUIRE(briefs.front()->published);
  CHECK(briefs.front()->published->utc_seconds == 1738249800);
  CHECK(briefs.front()->published->offset_minutes == 60);
  CHECK(format_iso8601(*briefs.front()->published) == "2025-01-30T16:10:00+01:00");
  CHECK(briefs.back()->title == "Spain leads NATO's most ambitious naval exercises of the year");
  REQUIRE(briefs.back()->published);
  CHECK(briefs.back()->published->utc_seconds == 1738236960);

  // The time is not left glued to the headline, and the times follow the page (newest first).
  for (std::size_t i = 0; i < briefs.size(); ++i) {
    CHECK_FALSE(briefs[i]->title.empty());
    CHECK_FALSE(std::isdigit(static_cast<unsigned char>(briefs[i]->title[0])));
    CHECK(briefs[i]->source == "seed");
    CHECK(briefs[i]->body.empty());
    if (i > 0) CHECK(briefs[i]->published->utc_seconds < briefs[i - 1]->published->utc_seconds);
  }
  CHECK(sink.records[0].line == 1);
  CHECK(sink.records[8].line == 9);
}

TEST_CASE("seed page: one article with its title and body", "[page][seed]") {
  auto sink = read_text(Format::page, seed_page(), madrid_day(), "seed.txt");
  std::vector<test::CollectedRecord> articles;
  for (const auto& record : sink.records)
    if (record.article.kind == "article") articles.push_back(record);
  REQUIRE(articles.size() == 1);
  const Article& article = articles[0].article;
  CHECK(articles[0].line == 11);
  CHECK(article.title == "Russia's silence on Syrian demand regarding military bases");
  CHECK(article.body.starts_with("Russia has remained silent"));
  CHECK(article.body.ends_with("beyond the continuation of talks."));
  CHECK(contains(article.body, "Tartous naval base"));
  // Paragraphs stay apart: six paragraphs, five blank-line separators.
  std::size_t separators = 0;
  for (auto at = article.body.find("\n\n"); at != std::string::npos;
       at = article.body.find("\n\n", at + 2))
    ++separators;
  CHECK(separators == 5);
  // The page's day at 12:00 in Madrid (its time is unknown; noon keeps the UTC day).
  REQUIRE(article.published);
  CHECK(format_iso8601(*article.published) == "2025-01-30T12:00:00+01:00");
  CHECK(article.published->utc_seconds == 1738234800);  // 11:00Z, still the 30th in UTC
}

TEST_CASE("seed page: no boilerplate anywhere", "[page][seed]") {
  auto sink = read_text(Format::page, seed_page(), madrid_day(), "seed.txt");
  for (const auto& [article, line] : sink.records) {
    for (const auto* text : {&article.title, &article.body, &article.summary}) {
      CHECK_FALSE(contains(*text, "Follow us on Facebook"));
      CHECK_FALSE(contains(*text, "Comments (0)"));
    }
  }
}

TEST_CASE("page: boilerplate patterns are dropped, look-alike content is kept", "[page]") {
  const std::string page =
      "Share\n"
      "Follow us on X\n"
      "FOLLOW US ON INSTAGRAM\n"
      "Share on WhatsApp\n"
      "Share prices fall as rates rise\n"  // a title that starts like a share button
      "Comments (12)\n"
      "Stocks fell on Monday.\n"
      "3 comments\n"
      "Follow the money, analysts said.\n"
      "Advertisement\n";
  auto sink = read_text(Format::page, page, madrid_day());
  REQUIRE(sink.records.size() == 1);
  CHECK(sink.records[0].article.title == "Share prices fall as rates rise");
  CHECK(sink.records[0].line == 5);
  CHECK(sink.records[0].article.body ==
        "Stocks fell on Monday.\n\nFollow the money, analysts said.");
}

TEST_CASE("page: a very long line is text, never matched against the boilerplate patterns",
          "[page]") {
  // A run of digits as long as a line can be: the "N comments" pattern would have std::regex
  // recurse once per digit and overflow the stack.
  const std::string digits(200000, '7');
  const std::string page = "Counting the votes\n" + digits + " comments\nThe count went on.\n";
  auto sink = read_text(Format::page, page, madrid_day());
  REQUIRE(sink.records.size() == 1);
  CHECK(sink.records[0].article.title == "Counting the votes");
  CHECK(contains(sink.records[0].article.body, digits.substr(0, 100)));
  CHECK(contains(sink.records[0].article.body, "The count went on."));
}

TEST_CASE("page: several articles separated by brief lists", "[page]") {
  const std::string page =
      "First title\n"
      "First body.\n"
      "- 10:00A brief between them\n"
      "Second title\n"
      "Second body, paragraph one.\n"
      "\n"
      "Second body, paragraph two.\n";
  auto sink = read_text(Format::page, page, madrid_day());
  REQUIRE(sink.records.size() == 3);
  CHECK(sink.records[0].article.title == "First title");
  CHECK(sink.records[0].article.body == "First body.");
  CHECK(sink.records[1].article.kind == "brief");
  CHECK(sink.records[2].article.title == "Second title");
  CHECK(sink.records[2].line == 4);
  CHECK(sink.records[2].article.body ==
        "Second body, paragraph one.\n\nSecond body, paragraph two.");
}

TEST_CASE("page: brief syntax variants and non-briefs", "[page]") {
  const std::string page =
      "- 9:05Single-digit hour\n"
      "-  23:59 Spaced headline\n"
      "- 24:00Not a time\n";
  auto sink = read_text(Format::page, page, madrid_day());
  REQUIRE(sink.records.size() == 3);
  CHECK(sink.records[0].article.kind == "brief");
  CHECK(sink.records[0].article.title == "Single-digit hour");
  CHECK(format_iso8601(*sink.records[0].article.published) == "2025-01-30T09:05:00+01:00");
  CHECK(sink.records[1].article.title == "Spaced headline");
  CHECK(sink.records[2].article.kind == "article");  // 24:00 is no time: an ordinary line
  CHECK(sink.records[2].article.title == "- 24:00Not a time");
}

TEST_CASE("page: summer time, other zones", "[page]") {
  ReadOptions options;
  options.date = "2025-07-15";
  options.zone = "Europe/Madrid";
  auto madrid = read_text(Format::page, "- 09:30Summer brief\n", options);
  REQUIRE(madrid.records.size() == 1);
  CHECK(madrid.records[0].article.published->utc_seconds == 1752564600);  // 07:30Z
  CHECK(madrid.records[0].article.published->offset_minutes == 120);

  options.zone = "America/New_York";
  auto new_york = read_text(Format::page, "- 03:30Night brief\n", options);
  CHECK(format_iso8601(*new_york.records[0].article.published) == "2025-07-15T03:30:00-04:00");
}

TEST_CASE("page: without --date the records are undated, with one warning", "[page]") {
  auto sink = read_text(Format::page, seed_page(), {}, "seed.txt");
  REQUIRE(sink.records.size() == 10);
  for (const auto& record : sink.records) CHECK_FALSE(record.article.published);
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].severity == Severity::warning);
  CHECK(sink.problems[0].file == "seed.txt");
  CHECK(contains(sink.problems[0].message, "--date"));
}

TEST_CASE("page: a bad date or zone is refused before reading", "[page]") {
  ReadOptions options;
  options.date = "2025-02-30";
  options.zone = "Europe/Madrid";
  CHECK_THROWS_AS(read_text(Format::page, "- 10:00Brief\n", options), Error);
  options.date = "2025-01-30";
  options.zone = "Mars/Olympus_Mons";
  try {
    read_text(Format::page, "- 10:00Brief\n", options);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_parameter);
  }
}

TEST_CASE("page: invalid UTF-8 is replaced with a warning at its line", "[page]") {
  const std::string page = "- 10:00Fine brief\nCaf\xE9 title\nBody.\n";
  auto sink = read_text(Format::page, page, madrid_day(), "p.txt");
  REQUIRE(sink.records.size() == 2);
  CHECK(sink.records[1].article.title == "Caf\xEF\xBF\xBD title");
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].line == 2);
  CHECK(sink.problems[0].severity == Severity::warning);
}
