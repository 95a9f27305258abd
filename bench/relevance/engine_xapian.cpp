#include <xapian.h>

#include <memory>
#include <stdexcept>
#include <tuple>

#include "engines.hpp"
#include "newsq/analysis.hpp"
#include "newsq/schema.hpp"
#include "query_text.hpp"
#include "temp_dir.hpp"

namespace newsq::relevance {

namespace {

Xapian::TermGenerator::stem_strategy index_strategy(const std::string& stem) {
  if (stem == "some") return Xapian::TermGenerator::STEM_SOME;
  if (stem == "all") return Xapian::TermGenerator::STEM_ALL;
  if (stem == "none") return Xapian::TermGenerator::STEM_NONE;
  throw std::runtime_error("--stem must be some, all or none, not " + stem);
}

Xapian::QueryParser::stem_strategy query_strategy(const std::string& stem) {
  if (stem == "some") return Xapian::QueryParser::STEM_SOME;
  if (stem == "all") return Xapian::QueryParser::STEM_ALL;
  return Xapian::QueryParser::STEM_NONE;
}

bool is_dfr(const std::string& name) {
  return name == "ineb2" || name == "inl2" || name == "ifb2" || name == "bb2" || name == "pl2" ||
         name == "dph" || name == "dlh";
}

/// `param` is c for the DFR schemes (DPH and DLH have none), unused otherwise.
std::unique_ptr<Xapian::Weight> make_weight(const std::string& name, double param, double k1,
                                           double b) {
  // BM25: k2 = 0, k3 = 1, min_normlen = 0.5, Xapian's defaults.
  if (name == "bm25") return std::make_unique<Xapian::BM25Weight>(k1, 0, 1, b, 0.5);
  if (name == "bm25+") return std::make_unique<Xapian::BM25PlusWeight>(k1, 0, 1, b, 0.5, 1.0);
  if (name == "tfidf") return std::make_unique<Xapian::TfIdfWeight>("ntn");
  if (name == "ineb2") return std::make_unique<Xapian::IneB2Weight>(param);
  if (name == "inl2") return std::make_unique<Xapian::InL2Weight>(param);
  if (name == "ifb2") return std::make_unique<Xapian::IfB2Weight>(param);
  if (name == "bb2") return std::make_unique<Xapian::BB2Weight>(param);
  if (name == "pl2") return std::make_unique<Xapian::PL2Weight>(param);
  if (name == "dph") return std::make_unique<Xapian::DPHWeight>();
  if (name == "dlh") return std::make_unique<Xapian::DLHWeight>();
  throw std::runtime_error("unknown --weight " + name);
}

std::string with_case(const std::string& text, const std::string& rule, const Analyzer& analyzer) {
  if (rule == "newsq") return with_incidental_capitals_lowered(text);
  if (rule == "lower") return analyzer.fold_value(text);
  if (rule == "typed") return text;
  throw std::runtime_error("--case must be newsq, typed or lower, not " + rule);
}

/// Searcher::text_query's rule for adding the phrase: plain words only, at least two.
bool plain_words(const std::string& text) {
  if (text.find_first_of("\"():*+-") != std::string::npos) return false;
  std::size_t words = 0, start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    const std::string word = text.substr(start, end - start);
    if (word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
        word == "ADJ")
      return false;
    if (!word.empty()) ++words;
    start = end + 1;
  }
  return words >= 2;
}

}  // namespace

std::vector<SettingsRun> run_xapian(const Collection& collection, const XapianSettings& settings) {
  const Analyzer analyzer;
  const Xapian::Stem stemmer = Analyzer::stemmer_for("en");
  bench::TempDir dir;
  Xapian::WritableDatabase db((dir.path() / "index").string(), Xapian::DB_CREATE_OR_OVERWRITE);
  {
    // The free-text half of DocumentBuilder::build, with the title weight and strategy varied.
    Xapian::TermGenerator generator;
    generator.set_stemmer(stemmer);
    generator.set_stemming_strategy(index_strategy(settings.stem));
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    for (const auto& article : collection.docs) {
      Xapian::Document doc;
      generator.set_document(doc);
      const std::string title = analyzer.fold(article.title);
      if (!title.empty()) {
        generator.index_text(title, 1, std::string(schema::kPrefixTitle));
        if (settings.title_weight > 0) generator.index_text(title, settings.title_weight);
        generator.increase_termpos();
      }
      if (!article.summary.empty()) {
        generator.index_text(analyzer.fold(article.summary));
        generator.increase_termpos();
      }
      if (!article.body.empty()) generator.index_text(analyzer.fold(article.body));
      doc.set_data(article.id);
      db.add_document(doc);
    }
    db.commit();
  }

  auto parser = [&] {
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(stemmer);
    qp.set_stemming_strategy(query_strategy(settings.stem));
    qp.set_default_op(Xapian::Query::OP_OR);
    qp.add_prefix("title", std::string(schema::kPrefixTitle));
    return qp;
  };
  std::vector<std::pair<std::string, Xapian::Query>> queries;
  for (const auto& query : collection.queries) {
    const std::string text =
        with_case(analyzer.fold(typed_query(query.text)), settings.query_case, analyzer);
    constexpr unsigned kFlags = Xapian::QueryParser::FLAG_DEFAULT |
                                Xapian::QueryParser::FLAG_WILDCARD |
                                Xapian::QueryParser::FLAG_CJK_NGRAM;
    Xapian::Query parsed = parser().parse_query(text, kFlags);
    if (settings.phrase_boost && plain_words(text)) {
      Xapian::Query phrase =
          parser().parse_query("\"" + text + "\"", Xapian::QueryParser::FLAG_PHRASE |
                                                       Xapian::QueryParser::FLAG_CJK_NGRAM);
      if (phrase.get_type() == Xapian::Query::OP_PHRASE)
        parsed = Xapian::Query(Xapian::Query::OP_AND_MAYBE, parsed, phrase);
    }
    queries.emplace_back(query.id, parsed);
  }

  // One run per c (DFR) or per (k1, b) pair (BM25).
  std::vector<std::tuple<double, double, double>> params;
  if (is_dfr(settings.weight)) {
    for (const double c : settings.c) params.emplace_back(c, 0, 0);
  } else {
    for (const double k1 : settings.k1)
      for (const double b : settings.b) params.emplace_back(0, k1, b);
  }
  std::vector<SettingsRun> out;
  for (const auto& [c, k1, b] : params) {
    SettingsRun run;
    run.settings = {{"title_weight", settings.title_weight},
                    {"stem", settings.stem},
                    {"phrase_boost", settings.phrase_boost},
                    {"case", settings.query_case},
                    {"weight", settings.weight}};
    if (is_dfr(settings.weight)) {
      if (settings.weight != "dph" && settings.weight != "dlh") run.settings["c"] = c;
    } else {
      run.settings["k1"] = k1;
      run.settings["b"] = b;
    }
    const auto weight = make_weight(settings.weight, c, k1, b);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(*weight);
    for (const auto& [id, query] : queries) {
      enquire.set_query(query);
      std::vector<std::string>& ranked = run.runs[id];
      const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(kDepth));
      for (auto it = mset.begin(); it != mset.end(); ++it)
        ranked.push_back(it.get_document().get_data());
    }
    out.push_back(std::move(run));
  }
  return out;
}

}  // namespace newsq::relevance
