// RSS and Atom feeds: fixtures under tests/indexer/feeds/ with the quirks of real feeds (CDATA
// HTML, double-escaped entities, relative links, missing and zone-less dates, items without
// guid, RSS 0.91 in Latin-1/Windows-1252, Atom xhtml content), malformed documents and non-feeds.
#include <catch2/catch.hpp>

#include <algorithm>

#include "collecting_sink.hpp"
#include "newsq/indexer/input_file.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using test::read_text;

namespace {

std::string fixture(const std::string& name) {
  return (test::source_dir() / "tests" / "indexer" / "feeds" / name).string();
}

test::CollectingSink read_fixture(const std::string& name, const ReadOptions& options = {}) {
  InputFile input(fixture(name));
  test::CollectingSink sink;
  read_records(Format::feed, input.stream(), name, options, sink);
  return sink;
}

const test::CollectedRecord& find(const test::CollectingSink& sink, std::string_view title) {
  const auto it = std::find_if(sink.records.begin(), sink.records.end(),
                               [&](const auto& record) { return record.article.title == title; });
  REQUIRE(it != sink.records.end());
  return *it;
}

bool has_problem(const test::CollectingSink& sink, std::size_t line, std::string_view fragment,
                 Severity severity) {
  return std::any_of(sink.problems.begin(), sink.problems.end(), [&](const Problem& problem) {
    return problem.line == line && problem.severity == severity &&
           problem.message.find(fragment) != std::string::npos;
  });
}

std::string iso(const std::optional<Timestamp>& ts) { return ts ? format_iso8601(*ts) : "none"; }

}  // namespace

TEST_CASE("RSS 2.0 with the quirks of real feeds", "[feed]") {
  const auto sink = read_fixture("world.rss");
  REQUIRE(sink.records.size() == 6);
  CHECK(sink.errors() == 1);

  SECTION("CDATA HTML content, a double-escaped title, guid, categories, dc:creator") {
    const auto& record = find(sink, "Navy\u2019s new base opens in Tartous");
    const Article& article = record.article;
    CHECK(record.line == 11);
    CHECK(article.id == "harbour-2025-0610-001");
    CHECK(article.url == "https://news.example.org/world/2025/06/10/tartous-base");
    CHECK(iso(article.published) == "2025-06-10T04:00:00Z");
    CHECK(article.authors == std::vector<std::string>{"Ana Ruiz"});
    CHECK(article.topics == std::vector<std::string>{"World", "Middle East"});
    CHECK(article.source == "Harbour Times & Gazette");  // channel title, &amp;amp; decoded once
    CHECK(article.lang == "en");                         // en-us
    CHECK(article.kind == "article");
    CHECK(article.body ==
          "The naval base at Tartous opened today, officials said.\n\n"
          "\u201cIt is a new chapter,\u201d the port\u2019s director said \u2014 caf\u00e9 owners "
          "agreed.\nMore to follow\u2026\n\nSubscribe now");
    CHECK(article.summary == "The base opens today after two years of work.");
  }
  SECTION("a relative link, no guid (id derived from the link), a +0200 date without seconds") {
    const Article& article = find(sink, "Markets steady as oil slips").article;
    CHECK(article.url == "https://news.example.org/markets/2025/06/10/oil");
    CHECK(article.id == derive_id(article));
    CHECK(article.id.starts_with("u"));
    CHECK(iso(article.published) == "2025-06-10T09:30:00+02:00");
    CHECK(article.published->utc_seconds == 1749540600);  // 07:30Z
    CHECK(article.authors == std::vector<std::string>{"Markets Desk"});
    CHECK(article.body == "Brent fell 1% & gold rose. Gold at a record.");
    CHECK(article.summary.empty());
  }
  SECTION("a permalink guid is the url; EST is -05:00") {
    const Article& article = find(sink, "Storm warning for the coast").article;
    CHECK(article.id == "https://news.example.org/world/storm-warning");
    CHECK(article.url == article.id);
    CHECK(iso(article.published) == "2025-06-09T22:15:00-05:00");
  }
  SECTION("missing or unreadable dates keep the record undated, with a warning") {
    CHECK_FALSE(find(sink, "Undated notice").article.published);
    CHECK(has_problem(sink, 39, "no date", Severity::warning));
    CHECK_FALSE(find(sink, "Bad date").article.published);
    CHECK(has_problem(sink, 50, "unparseable date 'sometime last week'", Severity::warning));
    CHECK(iso(find(sink, "Local time only").article.published) == "2025-06-10T08:00:00+02:00");
  }
  SECTION("an item with neither title nor text is rejected at its line") {
    CHECK(has_problem(sink, 56, "the item has neither title nor text", Severity::error));
  }
  SECTION("--source replaces the channel title") {
    ReadOptions options;
    options.source = "harbour";
    for (const auto& record : read_fixture("world.rss", options).records)
      CHECK(record.article.source == "harbour");
  }
}

TEST_CASE("Atom with xhtml, html and text constructs", "[feed]") {
  const auto sink = read_fixture("science.atom");
  REQUIRE(sink.records.size() == 3);
  CHECK(sink.errors() == 0);

  SECTION("xhtml content, alternate link resolved against xml:base, published over updated") {
    const auto& record = find(sink, "Le t\u00e9lescope voit plus loin");
    const Article& article = record.article;
    CHECK(record.line == 9);
    CHECK(article.id == "tag:science.example.net,2025:telescope");
    CHECK(article.url == "https://science.example.net/2025/06/telescope");
    CHECK(iso(article.published) == "2025-06-09T18:30:00+02:00");
    CHECK(article.authors == std::vector<std::string>{"Claire Dubois"});
    CHECK(article.topics == std::vector<std::string>{"astronomie", "espace"});
    CHECK(article.lang == "fr");
    CHECK(article.source == "Science & Avenir");
    CHECK(article.body ==
          "Le t\u00e9lescope a observ\u00e9 une galaxie lointaine.\n\n"
          "Les astronomes \u00e9tudient les donn\u00e9es & les images.");
    CHECK(article.summary == "Un nouveau record & une image in\u00e9dite.");
  }
  SECTION("html title and content; the entry's xml:lang; updated when not published") {
    const Article& article = find(sink, "Fusion milestone reached").article;
    CHECK(article.lang == "en");
    CHECK(article.body == "The reactor ran for 22 minutes.\n\nrecord\n\nstable");
    CHECK(iso(article.published) == "2025-06-08T12:00:00Z");
    CHECK(article.authors == std::vector<std::string>{"R\u00e9daction"});  // the feed's author
  }
  SECTION("an entry without date or id") {
    const auto& record = find(sink, "Sans date");
    CHECK_FALSE(record.article.published);
    CHECK(record.article.body == "Pas de date pour cette br\u00e8ve.");
    CHECK(record.article.id == derive_id(record.article));
    CHECK(has_problem(sink, 34, "no date", Severity::warning));
  }
}

TEST_CASE("RSS 0.91 in ISO-8859-1 holding Windows-1252 quotes", "[feed]") {
  const auto sink = read_fixture("legacy091.xml");
  REQUIRE(sink.records.size() == 2);
  const Article& fiesta = sink.records[0].article;
  CHECK(fiesta.title == "Fiesta mayor en el pueblo");
  CHECK(fiesta.body == "La fiesta empieza el s\u00e1bado. \u00a1Todos invitados!");
  CHECK(fiesta.lang == "es");
  CHECK(fiesta.source == "Valley Courier");
  CHECK(fiesta.id == derive_id(fiesta));
  CHECK(sink.records[1].article.body == "El alcalde dijo: \u201cgracias\u201d.");
  CHECK(sink.errors() == 0);
}

TEST_CASE("malformed XML: the items around a broken one are kept", "[feed]") {
  const auto sink = read_fixture("broken.rss");
  REQUIRE(sink.records.size() == 2);
  CHECK(sink.records[0].article.id == "wire-1");
  CHECK(sink.records[1].article.id == "wire-3");
  CHECK(sink.records[1].line == 15);
  REQUIRE(sink.errors() == 1);
  CHECK(has_problem(sink, 13, "malformed XML: ", Severity::error));
  const auto error = std::find_if(sink.problems.begin(), sink.problems.end(),
                                  [](const Problem& p) { return p.severity == Severity::error; });
  CHECK(format_problem(*error) ==
        "broken.rss:13: error: malformed XML: could not determine tag type at \"n>Prices < "
        "costs, says report<\" (reading resumes at the next <item>)");
}

TEST_CASE("malformed XML: errors in several items, and a truncated document", "[feed]") {
  SECTION("two broken items among four") {
    const auto sink = read_text(Format::feed,
                                "<rss><channel>\n"
                                "<item><title>a</title></item>\n"
                                "<item><title>b & < c</title></item>\n"
                                "<item><title>c</title></item>\n"
                                "<item><title>d</tittle></item>\n"
                                "<item><title>e</title></item>\n"
                                "</channel></rss>\n");
    std::vector<std::string> titles;
    for (const auto& record : sink.records) titles.push_back(record.article.title);
    CHECK(titles == std::vector<std::string>{"a", "c", "e"});
    CHECK(sink.errors() == 2);
    CHECK(has_problem(sink, 3, "malformed XML", Severity::error));
    CHECK(has_problem(sink, 5, "malformed XML", Severity::error));
  }
  SECTION("cut off in the middle of an item") {
    const auto sink =
        read_text(Format::feed, "<rss><channel>\n<item><title>a</title></item>\n<item><title>b");
    REQUIRE(sink.records.size() == 1);
    CHECK(sink.records[0].article.title == "a");
    CHECK(sink.errors() == 1);
  }
  SECTION("not XML at all") {
    const auto sink = read_text(Format::feed, "{\"title\": \"json\"}\n");
    CHECK(sink.records.empty());
    REQUIRE(sink.errors() == 1);
    CHECK(sink.problems[0].message.starts_with("malformed XML"));
  }
  SECTION("empty input") {
    const auto sink = read_text(Format::feed, "  \n");
    CHECK(sink.records.empty());
    CHECK(sink.errors() == 1);
  }
}

TEST_CASE("a document that is not a feed is one clear error", "[feed]") {
  const auto sink = read_fixture("page.xml");
  CHECK(sink.records.empty());
  REQUIRE(sink.problems.size() == 1);
  CHECK(format_problem(sink.problems[0]) ==
        "page.xml:2: error: not an RSS or Atom feed: the root element is <html> (expected <rss>, "
        "<feed> or <rdf:RDF>)");
}

TEST_CASE("RSS 1.0 (RDF) items are siblings of the channel", "[feed]") {
  const auto sink = read_text(Format::feed, R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://slash.example.com/"><title>Slash</title><dc:language>de</dc:language></channel>
  <item rdf:about="https://slash.example.com/story/1">
    <title>Kernel released</title>
    <description>A new kernel.</description>
    <dc:date>2025-06-10T10:00:00+00:00</dc:date>
    <dc:subject>linux</dc:subject>
  </item>
</rdf:RDF>
)");
  REQUIRE(sink.records.size() == 1);
  const Article& article = sink.records[0].article;
  CHECK(article.url == "https://slash.example.com/story/1");
  CHECK(iso(article.published) == "2025-06-10T10:00:00Z");
  CHECK(article.topics == std::vector<std::string>{"linux"});
  CHECK(article.lang == "de");
  CHECK(sink.records[0].line == 5);
}

TEST_CASE("feeds: invalid UTF-8 and zone-less dates are warnings", "[feed]") {
  const auto sink =
      read_text(Format::feed,
                "<rss><channel><item>\n<title>caf\xE9 bad</title>\n"
                "<pubDate>Tue, 10 Jun 2025 04:00:00</pubDate>\n</item></channel></rss>");
  REQUIRE(sink.records.size() == 1);
  CHECK(sink.records[0].article.title == "caf\uFFFD bad");
  CHECK(iso(sink.records[0].article.published) == "2025-06-10T04:00:00Z");
  CHECK(has_problem(sink, 1, "invalid UTF-8 replaced", Severity::warning));
  CHECK(has_problem(sink, 1, "no known time zone: UTC assumed", Severity::warning));
}

TEST_CASE("standard input is sniffed: feeds, SGML, else JSON Lines", "[feed]") {
  CHECK(sniff_format("<?xml version=\"1.0\"?>\n<rss version=\"2.0\">") == Format::feed);
  CHECK(sniff_format("\xEF\xBB\xBF  <feed xmlns=\"http://www.w3.org/2005/Atom\">") == Format::feed);
  CHECK(sniff_format("<rdf:RDF xmlns:rdf=\"x\">") == Format::feed);
  CHECK(sniff_format("<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n<REUTERS NEWID=\"1\">") ==
        Format::sgml);
  CHECK(sniff_format("{\"title\":\"<rss>\"}") == Format::jsonl);
  CHECK(sniff_format("") == Format::jsonl);
}
