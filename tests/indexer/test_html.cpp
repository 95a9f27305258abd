// HTML to text and feed dates (private helpers of the feed reader).
#include <catch2/catch.hpp>

#include "feed_date.hpp"
#include "html.hpp"

using namespace newsq;
using namespace newsq::indexer;

TEST_CASE("entities: numeric, named, Windows-1252 range, unknown kept", "[html]") {
  CHECK(html::decode_entities("caf&eacute; &#233; &#xE9; &#XE9;") ==
        "caf\u00e9 \u00e9 \u00e9 \u00e9");
  CHECK(html::decode_entities("&ldquo;hi&rdquo; &mdash; &hellip; &euro;5 &trade;") ==
        "\u201chi\u201d \u2014 \u2026 \u20ac5 \u2122");
  CHECK(html::decode_entities("it&#146;s") == "it\u2019s");  // Windows-1252 code 146
  CHECK(html::decode_entities("&#0; &#xD800; &#x110000;") == "\uFFFD \uFFFD \uFFFD");
  CHECK(html::decode_entities("AT&T &bogus; & &amp;amp;") == "AT&T &bogus; & &amp;");
  CHECK(html::decode_entities("a&nbsp;b") == "a\u00a0b");
}

TEST_CASE("html to text: tags, blocks, breaks, dropped elements", "[html]") {
  CHECK(html::to_text("<p>One <b>two</b></p><p>three</p>") == "One two\n\nthree");
  CHECK(html::to_text("line<br>next<br/>last") == "line\nnext\nlast");
  CHECK(html::to_text("<div>a<script>var x = '<p>';</script>b<style>p{}</style></div>") == "ab");
  CHECK(html::to_text("<!-- hidden <p> --> shown") == "shown");
  CHECK(html::to_text("a < b and c > d") == "a < b and c > d");
  CHECK(html::to_text("<a href=\"x?a>b\" title='1 > 0'>link</a> text") == "link text");
  CHECK(html::to_text("  spaced \n\t  out&nbsp;here ") == "spaced out here");
  CHECK(html::to_text("<ul><li>one</li><li>two</li></ul>") == "one\n\ntwo");
  CHECK(html::to_text("<xhtml:p>prefixed</xhtml:p><XHTML:P>again</XHTML:P>") ==
        "prefixed\n\nagain");
  CHECK(html::to_text("word<img src=x>word") == "word word");
  CHECK(html::to_text("<p>unterminated <b") == "unterminated");
  CHECK(html::to_text("").empty());
}

TEST_CASE("Windows-1252 bytes read as Latin-1 are restored", "[html]") {
  std::string text = "\xC2\x93quoted\xC2\x94 \xC2\x80";
  CHECK(html::fix_windows_1252(text));
  CHECK(text == "\u201cquoted\u201d \u20ac");
  std::string plain = "caf\u00e9";
  CHECK_FALSE(html::fix_windows_1252(plain));
}

TEST_CASE("feed dates: RFC 822 as written in the wild, and ISO-8601", "[feed_date]") {
  const auto utc = [](std::string_view text) -> std::optional<std::string> {
    auto date = parse_feed_date(text);
    if (!date) return std::nullopt;
    return format_iso8601(date->timestamp);
  };
  CHECK(utc("Tue, 10 Jun 2025 04:00:00 GMT") == "2025-06-10T04:00:00Z");
  CHECK(utc("Tue, 10 Jun 2025 04:00:00 +0200") == "2025-06-10T04:00:00+02:00");
  CHECK(utc("10 Jun 2025 04:00 -0530") == "2025-06-10T04:00:00-05:30");
  CHECK(utc("Tuesday, 10 June 2025 04:00:00 +02:00") == "2025-06-10T04:00:00+02:00");
  CHECK(utc("Tue, 3 Jun 25 04:00:00 EDT") == "2025-06-03T04:00:00-04:00");
  CHECK(utc("Sun, 01 Mar 98 12:00:00 PST") == "1998-03-01T12:00:00-08:00");
  CHECK(utc("Tue,10 JUN 2025 04:00:00 UT") == "2025-06-10T04:00:00Z");
  CHECK(utc("Tue, 10 Jun 2025 04:00:00 GMT+2") == "2025-06-10T04:00:00+02:00");
  CHECK(utc("2025-06-10T04:00:00.250+02:00") == "2025-06-10T04:00:00+02:00");
  CHECK(utc("2025-06-10") == "2025-06-10T00:00:00Z");
  CHECK(parse_feed_date("Tue, 10 Jun 2025 04:00:00 EST")->timestamp.utc_seconds ==
        parse_feed_date("Tue, 10 Jun 2025 09:00:00 GMT")->timestamp.utc_seconds);

  CHECK_FALSE(parse_feed_date("Tue, 10 Jun 2025 04:00:00 GMT")->zone_assumed);
  CHECK(parse_feed_date("Tue, 10 Jun 2025 04:00:00")->zone_assumed);
  CHECK(parse_feed_date("Tue, 10 Jun 2025 04:00:00 XYZT")->zone_assumed);

  CHECK_FALSE(parse_feed_date(""));
  CHECK_FALSE(parse_feed_date("yesterday"));
  CHECK_FALSE(parse_feed_date("Tue, 31 Jun 2025 04:00:00 GMT"));  // no June 31
  CHECK_FALSE(parse_feed_date("Tue, 10 Foo 2025 04:00:00 GMT"));
  CHECK_FALSE(parse_feed_date("Tue, 10 Jun 2025 25:00:00 GMT"));
  CHECK_FALSE(parse_feed_date("Tue, 10 Jun 2025 04:00:00:00:00 GMT"));
}
