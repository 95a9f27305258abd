// The engines newsq-eval compares, each run over a Collection and returning the top `kDepth` doc
// ids per query. The peers are configured as a competent user would: stemming on, the title
// weighted, every query word OR'ed (the Glasgow queries are sentences; requiring all their words
// would find nothing).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collection.hpp"
#include "metrics.hpp"

namespace newsq::relevance {

/// Results asked of every engine per query (MAP is computed at 100).
inline constexpr std::size_t kDepth = 100;

/// newsq as shipped: the documents indexed through newsq's IndexWriter (DocumentBuilder) into a
/// temporary index, each query through newsq::Searcher with match=any, sort=text (text
/// ranking alone, no recency), top 100, snippets off.
Runs run_newsq(const Collection& collection);

/// What a ranking change in query/ would give, measured without editing query/: an index built
/// like DocumentBuilder's free text (folded by newsq's Analyzer, title under S and unprefixed
/// with `title_weight`), queried like Searcher (same QueryParser flags, OR, the optional phrase
/// boost), but with the knobs below. With the defaults it reproduces run_newsq().
struct XapianSettings {
  unsigned title_weight = 3;       ///< schema::kTitleWeight
  std::string stem = "some";       ///< "some" | "all" | "none": the stemming strategy
  bool phrase_boost = true;        ///< Searcher's OP_AND_MAYBE phrase for plain word runs
  /// The query's case before parsing (STEM_SOME leaves capitalised words unstemmed): "newsq"
  /// (Searcher's rule, with_incidental_capitals_lowered), "typed" (as typed) or "lower" (all
  /// lower-cased).
  std::string query_case = "newsq";
  /// "ineb2" (newsq's) and the other divergence-from-randomness schemes ("inl2", "ifb2",
  /// "bb2", "pl2", "dph", "dlh"), or "bm25" | "bm25+" | "tfidf".
  std::string weight = "ineb2";
  std::vector<double> c = {1.0};   ///< DFR schemes' c (a run each); ranking::kDfrC
  std::vector<double> k1 = {1.0};  ///< BM25's k1 (a run each, with every b): Xapian's default
  std::vector<double> b = {0.5};   ///< Xapian's BM25 default
};

struct SettingsRun {
  nlohmann::json settings;  ///< the knobs of this run, for the report
  Runs runs;
};

/// One index per call; one run per (k1, b) pair for BM25, per c for the DFR schemes.
std::vector<SettingsRun> run_xapian(const Collection& collection, const XapianSettings& settings);

/// SQLite FTS5, `porter unicode61 remove_diacritics 2`, ORDER BY bm25(title_weight, 1.0), query
/// words each quoted and OR'ed. Built in memory.
Runs run_fts5(const Collection& collection, double title_weight);

/// Sphinx searchd on 127.0.0.1:`port` over SphinxQL, index `index` built by bench/relevance/run
/// from docs.jsonl with the 1-based line number as the document id (morphology stem_en,
/// index_field_lengths = 1). Words OR'ed ('a | b'), OPTION ranker=`ranker`, idf='`idf`',
/// field_weights title=`title_weight` (used by rankers that read user_weight).
Runs run_sphinx(const Collection& collection, int port, const std::string& index,
                const std::string& ranker, const std::string& idf, int title_weight);

/// The words of a query for the peers, lower-cased: runs of ASCII letters and digits and of
/// non-ASCII bytes (the peers' tokenisers split the rest). Duplicates are dropped.
std::vector<std::string> query_words(const std::string& text);

}  // namespace newsq::relevance
