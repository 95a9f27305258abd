// Snippets: the best window of a text for a query, HTML-escaped, matches in <mark>. newsq makes
// its own rather than using Xapian's MSet::snippet() so that the window is cut from the original
// text (accents and case as published) while matching goes through the same folding and
// stemming as the index.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include <xapian.h>

#include "newsq/analysis.hpp"

namespace newsq {

/// The words of a query, as the snippet matcher wants them.
struct QueryWords {
  std::unordered_set<std::string> exact;  ///< lower-cased unstemmed words ("tartous")
  std::unordered_set<std::string> stems;  ///< stems of words searched stemmed ("base")
  bool empty() const { return exact.empty() && stems.empty(); }
};

/// Collects the free-text words of a parsed query (boolean filter terms are ignored).
QueryWords query_words(const Xapian::Query& query);

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

/// The window of about `max_bytes` of `text` holding the most distinct query words (the first
/// one when none match), HTML-escaped, each matching word wrapped in <mark>…</mark>, with "…"
/// where the text was cut.
std::string make_snippet(std::string_view text, const QueryWords& words, const Analyzer& analyzer,
                         const Xapian::Stem& stemmer, std::size_t max_bytes = 240);

}  // namespace newsq
