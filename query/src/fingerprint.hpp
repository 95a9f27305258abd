// Near-duplicate fingerprints: the collapse key stored in schema::kSlotCollapse, so that a wire
// story republished or lightly edited folds into one search hit.
#pragma once

#include <string>
#include <string_view>

namespace newsq {

/// The collapse key of a story, from its lead: the first kLeadWords words of `text` (folded to
/// lower case; digits kept, since briefs that differ only in their figures are different
/// stories) are cut into overlapping 4-word shingles, and the key is two independent MinHash
/// values of that shingle set. Two stories get the same key with probability about J², where J
/// is the Jaccard similarity of their leads' shingles: near-certain for a republished story
/// (J ≈ 1), small for a light rewrite of a different one, and nil for unrelated text. Returns ""
/// (never collapsed) when the lead has fewer than kMinWords words: short texts share shingles
/// by chance.
std::string collapse_key(std::string_view text);

inline constexpr std::size_t kLeadWords = 60;
inline constexpr std::size_t kMinWords = 12;

}  // namespace newsq
