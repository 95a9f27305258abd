#include <catch2/catch.hpp>

#include "snippet.hpp"

#include <string>
#include <vector>

using namespace newsq;

namespace {
const std::string kText =
    "Russia has remained silent about reports that Syria has demanded the return of Bashar "
    "al-Assad. The Russian Foreign Ministry stated that the discussions were “frank” and focused "
    "on retaining the Tartous naval base and Khmeimim airbase, both vital to Russian operations in "
    "the region. Tartous and Khmeimim are Russia’s only military outposts, Dmitry Peskóv said.";
}

TEST_CASE("html_escape escapes the five HTML special characters", "[snippet]") {
  CHECK(html_escape(R"(<script>alert("x&y")</script> it's)") ==
        "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s");
  CHECK(html_escape("plain") == "plain");
}

TEST_CASE("make_snippet marks folded and stemmed matches in the original text", "[snippet]") {
  Analyzer analyzer;
  QueryWords words;
  words.exact = {"tartous"};
  words.stems = {"naval", "base"};
  const auto snippet = make_snippet(kText, words, analyzer, Xapian::Stem("english"), 160);
  CHECK(snippet.find("<mark>Tartous</mark> <mark>naval</mark> <mark>base</mark>") !=
        std::string::npos);
  CHECK(snippet.size() < 160 + 120);  // the marks and ellipses add to the window
  CHECK(snippet.rfind("…", 0) == 0);  // cut at the start: the window is in the middle
}

TEST_CASE("make_snippet matches accented words in the text as published", "[snippet]") {
  Analyzer analyzer;
  QueryWords words;
  words.exact = {"peskov"};
  const auto snippet = make_snippet(kText, words, analyzer, Xapian::Stem("english"), 80);
  CHECK(snippet.find("<mark>Peskóv</mark>") != std::string::npos);
}

TEST_CASE("make_snippet escapes the text around the marks", "[snippet]") {
  Analyzer analyzer;
  QueryWords words;
  words.exact = {"bold"};
  const auto snippet =
      make_snippet("<b>bold</b> & <i>daring</i>", words, analyzer, Xapian::Stem("english"));
  CHECK(snippet == "&lt;b&gt;<mark>bold</mark>&lt;/b&gt; &amp; &lt;i&gt;daring&lt;/i&gt;");
}

TEST_CASE("make_snippet without matches gives the lead", "[snippet]") {
  Analyzer analyzer;
  const auto snippet = make_snippet(kText, QueryWords{}, analyzer, Xapian::Stem("english"), 60);
  CHECK(snippet.rfind("Russia has remained silent", 0) == 0);
  CHECK(snippet.find("<mark>") == std::string::npos);
  CHECK(snippet.size() >= 40);
}

TEST_CASE("query_words keeps free-text words and drops boolean filter terms", "[snippet]") {
  const std::vector<Xapian::Query> parts{Xapian::Query("tartous"), Xapian::Query("Zbase"),
                                         Xapian::Query("Snaval"), Xapian::Query("Kpolitics"),
                                         Xapian::Query("XKbrief")};
  const Xapian::Query query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  const auto words = query_words(query);
  CHECK(words.exact == std::unordered_set<std::string>{"tartous", "naval"});
  CHECK(words.stems == std::unordered_set<std::string>{"base"});
}

TEST_CASE("one SnippetMatcher shared by several texts gives each the snippet of its own",
          "[snippet]") {
  Analyzer analyzer;
  const Xapian::Stem stemmer("english");
  QueryWords words;
  words.exact = {"tartous", "peskov"};
  words.stems = {"naval", "base", "russia"};
  const std::vector<std::string> texts{
      kText,
      "Naval bases: Tartous, the Russian base, and the bases of others. Peskóv said nothing.",
      "Nothing here matches at all, not one word of the query.",
      "Russia's Russians and RUSSIA; based on bases, naval Naval NAVAL.",
      kText.substr(120)};
  SnippetMatcher shared(words, analyzer, stemmer);
  for (const auto& text : texts)
    for (const std::size_t max_bytes : {40u, 80u, 240u}) {
      CAPTURE(text, max_bytes);
      CHECK(make_snippet(text, shared, max_bytes) ==
            make_snippet(text, words, analyzer, stemmer, max_bytes));
    }
}

TEST_CASE("SnippetMatcher::match gives the query word a spelling matches, the same each time",
          "[snippet]") {
  Analyzer analyzer;
  const Xapian::Stem stemmer("english");
  QueryWords words;
  words.exact = {"tartous"};
  words.stems = {"base"};
  SnippetMatcher matcher(words, analyzer, stemmer);
  const std::string* tartous = matcher.match("Tartous");
  REQUIRE(tartous);
  CHECK(*tartous == "tartous");
  CHECK(matcher.match("TARTOUS") == tartous);
  CHECK(matcher.match("Tartous") == tartous);  // remembered
  const std::string* base = matcher.match("bases");
  REQUIRE(base);
  CHECK(*base == "base");
  CHECK(matcher.match("based") == base);
  CHECK(matcher.match("naval") == nullptr);
  CHECK(matcher.match("tartan") == nullptr);  // same first letter, no match
  CHECK(matcher.match("Tártous") == tartous);  // folded
  QueryWords none;
  CHECK(SnippetMatcher(none, analyzer, stemmer).empty());
}
