// Synonyms and spelling variants ("Tartus, Tartous, Tartús"), kept in the index's own synonym
// table so that every reader of the index, local or remote, expands queries the same way.
//
// File format, one rule a line ('#' starts a comment):
//   Tartus, Tartous, Tartús       two-way: searching any of them finds the others
//   Kiev => Kyiv                  one-way: searching "Kiev" also finds "Kyiv", not the reverse
//   New York City, NYC            a key may have several words; what it expands to must be one
//                                 word (Xapian expands to terms), so multi-word members of a
//                                 two-way rule are keys only
#pragma once

#include <istream>
#include <string>
#include <vector>

#include <xapian.h>

#include "newsq/analysis.hpp"

namespace newsq {

struct SynonymRule {
  std::vector<std::string> from;  ///< what is typed
  std::vector<std::string> to;    ///< what it also finds
  std::size_t line = 0;
};

/// Parses the file format above. Throws Error(bad_record) "NAME:LINE: reason" for a line with
/// fewer than two members, an empty member, or a one-way rule whose target has several words.
std::vector<SynonymRule> parse_synonyms(std::istream& in, const std::string& name);

/// Replaces the database's synonym table with the rules (folded and stemmed the way queries
/// are: both the word and its "Z" stem are keys). Returns the number of keys written.
/// The caller commits.
std::size_t replace_synonyms(Xapian::WritableDatabase& db, const std::vector<SynonymRule>& rules,
                             const Analyzer& analyzer);

}  // namespace newsq
