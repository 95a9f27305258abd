// The ranking parameters, in one place: the weighting scheme every search uses and the
// stemming strategy the index and the query parser must share. Built-in Xapian classes only,
// so remote shards (xapian-tcpsrv) rank exactly as local ones. Values are kept only when the
// relevance harness (bench/relevance) measured them better; bench/RESULTS.md has the figures.
#pragma once

#include <xapian.h>

namespace newsq::ranking {

/// Xapian's IneB2 weighting (divergence from randomness: inverse expected document frequency,
/// Bernoulli after-effect, length normalisation 2) with its default c = 1. The relevance
/// harness measured it above the best of FTS5 and Sphinx on all seven collections, where BM25
/// at its best k1/b reached five (bench/RESULTS.md); c = 1.5 does as well, c = 0.75 loses NPL.
inline constexpr double kDfrC = 1.0;

/// The weighting scheme of every search (Enquire::set_weighting_scheme).
inline Xapian::IneB2Weight weight() { return Xapian::IneB2Weight(kDfrC); }

/// Unstemmed words with positions plus Z-prefixed stems: capitalised query words (names) match
/// exactly, others by stem (a capital that names nothing is lower-cased first: query_text.hpp).
/// The index (TermGenerator) and the query (QueryParser) must agree.
inline constexpr auto kIndexStemming = Xapian::TermGenerator::STEM_SOME;
inline constexpr auto kQueryStemming = Xapian::QueryParser::STEM_SOME;

}  // namespace newsq::ranking
