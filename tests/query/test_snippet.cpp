#include <catch2/catch.hpp>

#include "snippet.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

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

TEST_CASE("SnippetMatcher finds the words whose stems change their last letters", "[snippet]") {
  // The matcher stems only words that start with a query stem less its last two bytes; these
  // are the stemmers' largest changes to what they keep of a word.
  Analyzer analyzer;
  for (const char* language : {"english", "porter"}) {
    const Xapian::Stem stemmer(language);
    for (const std::string word :
         {"possibility", "possibilities", "dying", "lying", "tying", "skies", "hopping", "conflated",
          "generalizations", "realization", "happiness", "valency", "ugly", "early", "sensitivity",
          "relational", "hopefully", "cries", "ties", "agreed", "oing", "ay", "Russia's"}) {
      CAPTURE(language, word);
      QueryWords words;
      words.stems = {stemmer(analyzer.fold_value(word))};
      if (words.stems.begin()->empty()) continue;
      SnippetMatcher matcher(words, analyzer, stemmer);
      const std::string* matched = matcher.match(word);
      REQUIRE(matched);
      CHECK(*matched == *words.stems.begin());
    }
  }
}

namespace {

// The English stemmer under another name: SnippetMatcher knows nothing of it, so it folds and
// stems every word the full way, which is what its shortcuts must agree with.
class UnknownEnglish : public Xapian::StemImplementation {
 public:
  std::string operator()(const std::string& word) override { return english_(word); }
  std::string get_description() const override { return "unknown english"; }

 private:
  Xapian::Stem english_{"english"};
};

}  // namespace

TEST_CASE("SnippetMatcher's shortcuts give the snippets of full matching over real news text",
          "[snippet]") {
  const auto shared = test::shared_dir();
  if (!shared) {
    WARN("../shared is absent: skipping");
    return;
  }
  const std::string corpus = (*shared / "corpus").string();
  std::string text;
  for (const std::string& command :
       {"xz -dc " + test::shell_quote(corpus + "/reuters21578/reuters21578.jsonl.xz"),
        "xz -dc " + test::shell_quote(corpus + "/en_bbc/bbc-fulltext.jsonl.xz"),
        "xz -dc " + test::shell_quote(corpus + "/de_10kgnad/test.csv.xz"),
        "cat " + test::shell_quote(corpus + "/es_news_sample/es_news_2026-03-13.jsonl")}) {
    const auto result = test::run_command(command + " | head -c 300000");
    REQUIRE(result.exit_code == 0);
    text += result.out;
  }
  Analyzer analyzer;
  const Xapian::Stem english("english");
  // Xapian owns the implementation (reference counted).
  const Xapian::Stem unknown(new UnknownEnglish);
  constexpr std::size_t kChunk = 2000;
  std::size_t compared = 0, marked = 0;
  for (std::size_t at = 0; at + kChunk <= text.size(); at += kChunk) {
    std::string_view chunk(text.data() + at, kChunk);
    // Cut at character boundaries.
    while (!chunk.empty() && (static_cast<unsigned char>(chunk.front()) & 0xC0) == 0x80)
      chunk.remove_prefix(1);
    while (!chunk.empty() && (static_cast<unsigned char>(chunk.back()) & 0x80) != 0)
      chunk.remove_suffix(1);
    // Query words from the chunk itself, some as typed and some as stems, among them short ones.
    QueryWords words;
    std::size_t n = 0;
    std::string word;
    for (const char c : chunk) {
      if (std::isalpha(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80)) {
        word += c;
        continue;
      }
      if (!word.empty() && ++n % 53 == 0) {
        const std::string folded = analyzer.fold_value(word);
        // Words of two letters or fewer turn a shortcut off: only one chunk in five has them.
        if (!folded.empty() && (folded.size() > 2 || (at / kChunk) % 5 == 0)) {
          if (n % 2 == 0)
            words.exact.insert(folded);
          else
            words.stems.insert(english(folded));
        }
      }
      word.clear();
    }
    words.stems.erase("");
    SnippetMatcher fast(words, analyzer, english);
    const std::string expected = make_snippet(chunk, words, analyzer, unknown);
    CAPTURE(chunk);
    CHECK(make_snippet(chunk, fast) == expected);
    ++compared;
    if (expected.find("<mark>") != std::string::npos) ++marked;
  }
  CHECK(compared > 400);
  CHECK(marked > compared / 2);
}
