// Snippets: the best window of a text for a query, HTML-escaped, matches in <mark>. newsq makes
// its own rather than using Xapian's MSet::snippet() so that the window is cut from the original
// text (accents and case as published) while matching goes through the same folding and
// stemming as the index.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

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

/// Decides which query word a word of a text matches, through the same folding and stemming as
/// the index. Folding and stemming cost most of a snippet and the hits of one search share most
/// of their words, so each distinct spelling is matched once per matcher: make one per search
/// and pass it to every make_snippet() of that search. Not thread-safe; refers to `words`,
/// `analyzer` and `stemmer`, which must outlive it.
class SnippetMatcher {
 public:
  SnippetMatcher(const QueryWords& words, const Analyzer& analyzer, const Xapian::Stem& stemmer);

  /// The query word or stem that `spelling` (one word of a text) matches, or null. Equal
  /// results are the same pointer, valid as long as the matcher.
  const std::string* match(std::string_view spelling);

  bool empty() const { return words_.empty(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  bool may_stem_to_query_word(std::string_view folded) const;

  const QueryWords& words_;
  const Analyzer& analyzer_;
  const Xapian::Stem& stemmer_;
  /// With a stemmer that keeps first letters: the ASCII letters some query word starts with.
  std::array<bool, 128> may_start_{};
  bool prefilter_ = false;
  /// With the same stemmers: what a word must start with for its stem to be a query word or
  /// stem (each of them less its last two bytes); empty when any word could (a word of two
  /// bytes or fewer is among them, or another stemmer).
  std::vector<std::string> stem_heads_;
  std::unordered_set<std::string> matched_;  ///< the words matched so far (stable addresses)
  std::unordered_map<std::string, const std::string*, Hash, std::equal_to<>> seen_;
};

/// The window of about `max_bytes` of `text` holding the most distinct query words (the first
/// one when none match), HTML-escaped, each matching word wrapped in <mark>…</mark>, with "…"
/// where the text was cut.
std::string make_snippet(std::string_view text, SnippetMatcher& matcher,
                         std::size_t max_bytes = 240);

/// The same with a matcher of its own (for one snippet).
std::string make_snippet(std::string_view text, const QueryWords& words, const Analyzer& analyzer,
                         const Xapian::Stem& stemmer, std::size_t max_bytes = 240);

}  // namespace newsq
