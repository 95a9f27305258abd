#include <catch2/catch.hpp>

#include "newsq/analysis.hpp"

using newsq::Analyzer;

TEST_CASE("fold leaves ASCII text as it is", "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold("Tartous naval base AND \"New York\"") ==
        "Tartous naval base AND \"New York\"");
}

TEST_CASE("fold removes accents from Latin, Greek and Cyrillic letters, keeping case",
          "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold("Tartús") == "Tartus");
  CHECK(analyzer.fold("Peskóv") == "Peskov");
  CHECK(analyzer.fold("ÉCONOMIE Société") == "ECONOMIE Societe");
  CHECK(analyzer.fold("Łódź Øresund straße") == "Lodz Oresund strasse");
  CHECK(analyzer.fold("Ἀθῆναι") == "Αθηναι");
  CHECK(analyzer.fold("Ёлка") == "Елка");
}

TEST_CASE("fold keeps the Spanish ñ, a letter of its own", "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold("año España") == "año España");
  CHECK(analyzer.fold("Peña Nieto") == "Peña Nieto");
  CHECK(analyzer.fold("cañón") == "cañon");
}

TEST_CASE("fold applies NFKC compatibility normalisation", "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold("ﬁnance") == "finance");        // ligature
  CHECK(analyzer.fold("ＮＡＴＯ") == "NATO");           // full-width
  CHECK(analyzer.fold("Russia’s base") == "Russia base");  // typographic apostrophe
}

TEST_CASE("fold drops the English possessive 's and nothing else", "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold("Spain's investment, NATO's ships") == "Spain investment, NATO ships");
  CHECK(analyzer.fold("'s-Hertogenbosch rock'n'roll O'Neill's") == "'s-Hertogenbosch rock'n'roll O'Neill");
  CHECK(analyzer.fold("the boss's") == "the boss");
  CHECK(analyzer.fold("Peskóv's") == "Peskov");
}

TEST_CASE("fold keeps marks that are vowels in Indic scripts", "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold("हिन्दी") == "हिन्दी");
}

TEST_CASE("fold separates the words of scripts written without spaces", "[analysis]") {
  Analyzer analyzer;
  // Where ICU's dictionary puts the boundaries is its business; that they are the same with and
  // without the spaces a reader may type is ours.
  CHECK(analyzer.fold("新闻联播").rfind("新闻 ", 0) == 0);
  CHECK(analyzer.fold("新闻联播") == analyzer.fold("新闻 联播"));
  CHECK(analyzer.fold("长江经济带发展") == analyzer.fold("长江 经济带 发展"));
  CHECK(analyzer.fold("ภาษาไทย") == "ภาษา ไทย");
  // Latin next to Han is already separated by the tokeniser: no space is added there.
  CHECK(analyzer.fold("NATO峰会").find("NATO") == 0);
}

TEST_CASE("fold replaces invalid UTF-8 rather than failing", "[analysis]") {
  Analyzer analyzer;
  const std::string folded = analyzer.fold(std::string("caf\xC3") + "\xA9 \xFF ok");
  CHECK(folded.find("cafe") == 0);
  CHECK(folded.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
  CHECK(folded.find("ok") != std::string::npos);
}

TEST_CASE("fold_value lower-cases and trims boolean values", "[analysis]") {
  Analyzer analyzer;
  CHECK(analyzer.fold_value("  Money-FX ") == "money-fx");
  CHECK(analyzer.fold_value("Économie") == "economie");
  CHECK(analyzer.fold_value("   ").empty());
}

TEST_CASE("stemmer_for picks the language's Snowball stemmer", "[analysis]") {
  CHECK(Analyzer::stemmer_for("en")("bases") == "base");
  CHECK(Analyzer::stemmer_for("")("running") == "run");
  CHECK(Analyzer::stemmer_for("es")("noticias") == "notici");
  // No stemmer for Chinese: words stay as they are.
  CHECK(Analyzer::stemmer_for("zh")("新闻") == "新闻");
}
