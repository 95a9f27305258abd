// The ranking parameters, in one place: the weighting scheme every search uses and the
// stemming strategy the index and the query parser must share. Built-in Xapian classes only,
// so remote shards (xapian-tcpsrv) rank exactly as local ones. Values are kept only when the
// relevance harness (bench/relevance) measured them better; bench/RESULTS.md has the figures.
#pragma once

#include <xapian.h>

namespace newsq::ranking {

/// BM25's parameters (Xapian's defaults: k1 1, k2 0, k3 1, b 0.5, min_normlen 0.5).
inline constexpr double kBm25K1 = 2.0;
inline constexpr double kBm25K2 = 0.0;
inline constexpr double kBm25K3 = 1.0;
inline constexpr double kBm25B = 0.75;
inline constexpr double kBm25MinNormLen = 0.5;

/// The weighting scheme of every search (Enquire::set_weighting_scheme).
inline Xapian::BM25Weight weight() {
  return Xapian::BM25Weight(kBm25K1, kBm25K2, kBm25K3, kBm25B, kBm25MinNormLen);
}

/// Unstemmed words with positions plus Z-prefixed stems: capitalised query words (names) match
/// exactly, others by stem. The index (TermGenerator) and the query (QueryParser) must agree.
inline constexpr auto kIndexStemming = Xapian::TermGenerator::STEM_SOME;
inline constexpr auto kQueryStemming = Xapian::QueryParser::STEM_SOME;

}  // namespace newsq::ranking
