#include "fingerprint.hpp"

#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

namespace newsq {

namespace {

std::uint64_t fnv1a64(std::string_view text, std::uint64_t seed) {
  std::uint64_t hash = 14695981039346656037ull ^ seed;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  // A final mix (from splitmix64) so nearby inputs spread over the whole range.
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ull;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebull;
  return hash ^ (hash >> 31);
}

// Lower-cased ASCII letters and digits (other bytes, UTF-8 included, kept as they are) split on
// everything else: enough to compare two versions of the same text.
std::vector<std::string> lead_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || byte >= 0x80;
    if (c >= 'A' && c <= 'Z') {
      word += static_cast<char>(c - 'A' + 'a');
    } else if (keep) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
      if (words.size() == kLeadWords) return words;
    }
  }
  if (!word.empty() && words.size() < kLeadWords) words.push_back(std::move(word));
  return words;
}

}  // namespace

std::string collapse_key(std::string_view text) {
  const std::vector<std::string> words = lead_words(text);
  if (words.size() < kMinWords) return {};
  constexpr std::size_t kShingle = 4;
  std::uint64_t min_a = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t min_b = min_a;
  std::string shingle;
  for (std::size_t i = 0; i + kShingle <= words.size(); ++i) {
    shingle.clear();
    for (std::size_t j = 0; j < kShingle; ++j) (shingle += words[i + j]) += ' ';
    min_a = std::min(min_a, fnv1a64(shingle, 0x5bd1e995u));
    min_b = std::min(min_b, fnv1a64(shingle, 0x27d4eb2fu));
  }
  char key[33];
  std::snprintf(key, sizeof key, "%016llx%016llx", static_cast<unsigned long long>(min_a),
                static_cast<unsigned long long>(min_b));
  return key;
}

}  // namespace newsq
