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
/// temporary index, each query through newsq::Searcher with match=any, sort=relevance (pure BM25
/// today), top 100, snippets off.
Runs run_newsq(const Collection& collection);

/// What a ranking change in query/ would give, measured without editing query/: an index built
/// like DocumentBuilder's free text (folded by newsq's Analyzer, title under S and unprefixed
/// with `title_weight`), queried like Searcher (same QueryParser flags, OR, the optional phrase
/// boost), but with the knobs below. With the defaults it reproduces run_newsq().
struct XapianSettings {
  unsigned title_weight = 3;       ///< schema::kTitleWeight
  std::string stem = "some";       ///< "some" | "all" | "none": the stemming strategy
  bool phrase_boost = true;        ///< Searcher's OP_AND_MAYBE phrase for plain word runs
  bool lowercase_queries = false;  ///< fold the query's case before parsing (STEM_SOME skips
                                   ///< capitalised words, so ALL-CAPS queries are never stemmed)
  std::string weight = "bm25";     ///< "bm25" | "bm25+" | "tfidf"
  std::vector<double> k1 = {1.0};  ///< Xapian's BM25 default
  std::vector<double> b = {0.5};   ///< Xapian's BM25 default
};

struct SettingsRun {
  nlohmann::json settings;  ///< the knobs of this run, for the report
  Runs runs;
};

/// One index per call; one run per (k1, b) pair.
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
