// The query text handed to Xapian's QueryParser.
#include "query_text.hpp"

#include <xapian.h>

#include <catch2/catch.hpp>

using newsq::with_incidental_capitals_lowered;
using newsq::without_stray_operators;

TEST_CASE("operators between words are kept", "[query_text]") {
  for (const char* text :
       {"tartous NEAR/3 base", "naval ADJ/2 base AND russia", "a NEAR/3 b NEAR/3 c",
        "title:a NEAR/3 b", "(a) NEAR/3 b", "oil OR gas", "oil AND NOT gas", "oil NOT gas",
        "(oil OR gas) AND prices", "a XOR b", "a NEAR b", "\"x AND y\""})
    CHECK(without_stray_operators(text) == text);
}

TEST_CASE("operators without a word on each side become words", "[query_text]") {
  // Each of the first five made Xapian 1.4.22's parser leak (fuzz_query). Of two operators in
  // a row the first becomes the word, which leaves the second between words.
  CHECK(without_stray_operators("a AND ADJ/3 x ADJ/3 y") == "a and ADJ/3 x ADJ/3 y");
  CHECK(without_stray_operators("NOT NEAR/2 x") == "not NEAR/2 x");
  CHECK(without_stray_operators("a XOR NEAR/2 b") == "a xor NEAR/2 b");
  CHECK(without_stray_operators("a AND(NEAR/3 b)") == "a AND(near/3 b)");
  CHECK(without_stray_operators("OR N \xe9\x97\xb1W") == "or N \xe9\x97\xb1W");
  CHECK(without_stray_operators("a OR\tNEAR/33 b") == "a or\tNEAR/33 b");
  CHECK(without_stray_operators("a (AND NEAR/3 b)") == "a (and NEAR/3 b)");
  CHECK(without_stray_operators("NEAR/3 b") == "near/3 b");
  CHECK(without_stray_operators("a NEAR/3 NEAR/3 b") == "a near/3 NEAR/3 b");
  CHECK(without_stray_operators("oil AND") == "oil and");
  CHECK(without_stray_operators("oil AND NOT") == "oil AND not");
  CHECK(without_stray_operators("(oil OR) gas") == "(oil or) gas");
  CHECK(without_stray_operators("AND") == "and");
  // Xapian's lexer ends a word at any punctuation, not only at a space.
  CHECK(without_stray_operators("NOT:ADJ/1") == "not:adj/1");
  CHECK(without_stray_operators("NEAR/ x") == "near/ x");
  CHECK(without_stray_operators("ADJ/3b") == "adj/3b");
  CHECK(without_stray_operators("a,AND,NEAR/2 b") == "a,and,NEAR/2 b");
  CHECK(without_stray_operators("\"x\" AND b") == "\"x\" AND b");
}

TEST_CASE("everything else is left as typed", "[query_text]") {
  for (const char* text : {"", "   ", "Tartous naval base", "a and near/3 b", "Anderson ORwell",
                           "NOTE", "a NEAR b"})
    CHECK(without_stray_operators(text) == text);
}

TEST_CASE("the parser reads the guarded text or refuses it, without leaking", "[query_text]") {
  // Under ASan (the asan-ubsan preset: leak detection on, no suppressions) an operator left
  // unguarded here would show as Xapian's leak and fail this test.
  Xapian::QueryParser parser;
  parser.set_stemmer(Xapian::Stem("english"));
  for (const char* text : {"a AND ADJ/3 x ADJ/3 y", "NOT NEAR/2 x", "a XOR NEAR/2 b",
                           "a (AND NEAR/3 b)", "\"x\" AND NEAR/3 b", "a AND NEAR/3",
                           "OR N \xe9\x97\xb1W", "OR\xffN \xe9\x97\xb1W", "NOT:ADJ/1",
                           "\x0aK\x00\x83\x0a\x00A\x83iAND NOT's: ADJ/1 * \xffssa"}) {
    INFO(text);
    auto query = parser.parse_query(
        without_stray_operators(newsq::with_cjk_runs_grouped(text)),
        Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
            Xapian::QueryParser::FLAG_CJK_NGRAM);
    CHECK_FALSE(query.empty());
  }
}

TEST_CASE("CJK words between other words are bracketed, which Xapian can parse",
          "[query_text]") {
  using newsq::with_cjk_runs_grouped;
  CHECK(with_cjk_runs_grouped("a 中文 b") == "a (中文) b");
  CHECK(with_cjk_runs_grouped("iPhone 苹果X") == "iPhone (苹果)X");
  CHECK(with_cjk_runs_grouped("a 北京 天气 b") == "a (北京) (天气) b");
  CHECK(with_cjk_runs_grouped("a 한국어 b") == "a (한국어) b");
  CHECK(with_cjk_runs_grouped("(a 中文 b)") == "(a (中文) b)");
  // Left alone: phrases, runs glued to a prefix or a word, text without CJK.
  for (const char* text : {"a \"中文 b\" c", "title:中文 b", "a +中文 b", "a b中文c", "Tartous",
                           "", "中文\xff"}) {
    CHECK(with_cjk_runs_grouped(text) ==
          (std::string_view(text) == "中文\xff" ? "(中文)\xff" : text));
  }

  Xapian::QueryParser parser;
  parser.set_stemmer(Xapian::Stem("english"));
  for (const char* text : {"a 中文 b", "iPhone 苹果X", "a 北京 天气 b", "a 中文 中文 b",
                           "(a 中文 b)", "a カタカナ b", "a AND 中文 AND b"}) {
    INFO(text);
    Xapian::Query query;
    CHECK_NOTHROW(query = parser.parse_query(
                      without_stray_operators(with_cjk_runs_grouped(text)),
                      Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM));
    const bool has_chinese = std::string_view(text).find("中") != std::string_view::npos;
    CHECK(has_chinese == (query.get_description().find("中") != std::string::npos));
  }
}

TEST_CASE("the first word of the query or of a sentence loses its capital", "[query_text]") {
  CHECK(with_incidental_capitals_lowered("Tartous naval base") == "tartous naval base");
  CHECK(with_incidental_capitals_lowered("Apple") == "apple");
  CHECK(with_incidental_capitals_lowered("What is it? Give definitions. Any Ideas") ==
        "what is it? give definitions. any Ideas");
  CHECK(with_incidental_capitals_lowered("  (\"Naval base\" OR Rota)") ==
        "  (\"naval base\" OR Rota)");
  // Accented and non-Latin capitals, through ICU.
  CHECK(with_incidental_capitals_lowered("Élections à Paris") == "élections à Paris");
  CHECK(with_incidental_capitals_lowered("Выборы в Москве") == "выборы в Москве");
}

TEST_CASE("capitals that may mean a name are kept", "[query_text]") {
  // Later in the query, or a word with more than one capital, or one not starting with it.
  for (const char* text : {"naval base at Tartous", "NATO summit", "McDonald results",
                           "iPhone sales", "3M earnings", "title:Apple", "oil AND Gas",
                           "москва и Петербург", "中文 News"})
    CHECK(with_incidental_capitals_lowered(text) == text);
  // A full stop and a space start a sentence, after an abbreviation too (only a stem is lost).
  CHECK(with_incidental_capitals_lowered("a U.S. Trade bill") == "a U.S. trade bill");
}

TEST_CASE("a query with no lower-case letter is lower-cased whole", "[query_text]") {
  CHECK(with_incidental_capitals_lowered("TARTOUS NAVAL BASE") == "tartous naval base");
  CHECK(with_incidental_capitals_lowered("OIL EXPORTS NOT AFFECTED BY QUAKE") ==
        "oil exports not affected by quake");
  CHECK(with_incidental_capitals_lowered("TRADE (BILL) NEAR/3 VOTE") ==
        "trade (bill) near/3 vote");
  // Acronyms keep their capitals: the parser reads "U.S." as the word "us", "u.s." as a phrase.
  CHECK(with_incidental_capitals_lowered("U.S. TRADE BILL") == "U.S. trade bill");
  CHECK(with_incidental_capitals_lowered("U.S SENATE, SAYS U.N.") == "U.S senate, says U.N.");
  CHECK(with_incidental_capitals_lowered("U.K. trade figures") == "U.K. trade figures");
  CHECK(with_incidental_capitals_lowered("ÉLECTIONS À PARIS") == "élections à paris");
  // No letter with case at all: nothing to change.
  for (const char* text : {"", "   ", "2024", "中文 新闻", "\"\" ()"})
    CHECK(with_incidental_capitals_lowered(text) == text);
}

TEST_CASE("bytes that are not UTF-8 pass through unchanged", "[query_text]") {
  const std::string text = "Bad \xff\xfe Word";
  CHECK(with_incidental_capitals_lowered(text) == "bad \xff\xfe Word");
  const std::string shouted = "BAD \xc3 WORD";
  CHECK(with_incidental_capitals_lowered(shouted) == "bad \xc3 word");
}
