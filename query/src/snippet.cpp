#include "snippet.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <unordered_map>
#include <vector>

namespace newsq {

namespace {

struct Token {
  std::size_t begin = 0;
  std::size_t end = 0;
  int word = -1;  ///< index of the query word it matches, -1 for none
};

constexpr std::array<bool, 128> kAsciiWordChar = [] {
  std::array<bool, 128> table{};
  for (int c = 0; c < 128; ++c)
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return table;
}();

bool is_word_char(UChar32 c) {
  if (c < 0x80) return c >= 0 && kAsciiWordChar[static_cast<std::size_t>(c)];
  return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK;
}

// The code point at `i`, advancing `i`; ASCII without ICU's decoder. Negative when ill-formed.
UChar32 next_char(const uint8_t* bytes, int32_t& i, int32_t length) {
  if (bytes[i] < 0x80) return bytes[i++];
  UChar32 c;
  U8_NEXT(bytes, i, length, c);
  return c;
}

// Splits text into words (letters, digits, marks; an apostrophe or period between letters stays
// inside, as Xapian's tokeniser keeps "Russia's" and "U.S" together).
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 6);  // about one word per six bytes of English
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  bool in_word = false;
  Token current;
  while (i < length) {
    // Spaces and ASCII punctuation other than the apostrophe end a word and start none.
    if (bytes[i] < 0x80 && !kAsciiWordChar[bytes[i]] && bytes[i] != '\'') {
      if (in_word) {
        tokens.push_back(current);
        in_word = false;
      }
      ++i;
      continue;
    }
    const int32_t start = i;
    const UChar32 c = next_char(bytes, i, length);
    bool word_char = is_word_char(c);
    if (!word_char && in_word && (c == '\'' || c == 0x2019) && i < length) {
      int32_t peek = i;
      word_char = is_word_char(next_char(bytes, peek, length));
    }
    if (word_char) {
      if (!in_word) current = Token{static_cast<std::size_t>(start), 0, -1};
      in_word = true;
      // The rest of a run of ASCII letters and digits at once.
      while (i < length && bytes[i] < 0x80 && kAsciiWordChar[bytes[i]]) ++i;
      current.end = static_cast<std::size_t>(i);
    } else if (in_word) {
      tokens.push_back(current);
      in_word = false;
    }
  }
  if (in_word) tokens.push_back(current);
  return tokens;
}

// Whether every word's stem starts with the word's own first letter, so that a token whose
// first letter starts no query word nor stem cannot match. True of the suffix-stripping
// stemmers below (English's exceptions, "dying" -> "die", "skies" -> "sky", keep it too; its
// one prefix rule drops a leading apostrophe, which no token has); not of every Snowball
// stemmer (Indonesian, Arabic and Irish remove prefixes), which are matched the full way.
bool stems_keep_first_letter(const Xapian::Stem& stemmer) {
  const std::string description = stemmer.get_description();
  return description == "Xapian::Stem(english)" || description == "Xapian::Stem(porter)" ||
         description == "Xapian::Stem(none)";
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII and no apostrophe: what Analyzer::fold_value() turns into itself, lower-cased.
bool is_plain_ascii(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && c != '\'';
  });
}

// Whether `word`, ASCII letters lower-cased, starts with `head`.
bool starts_with_lowered(std::string_view word, std::string_view head) {
  if (word.size() < head.size()) return false;
  for (std::size_t i = 0; i < head.size(); ++i)
    if (ascii_lower(word[i]) != head[i]) return false;
  return true;
}

bool is_valid_start(std::string_view text, std::size_t at) {
  return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

}  // namespace

QueryWords query_words(const Xapian::Query& query) {
  QueryWords words;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    std::string term = *it;
    if (term.empty()) continue;
    bool stemmed = false;
    if (term[0] == 'Z') {
      stemmed = true;
      term.erase(0, 1);
    }
    // Free-text field prefixes are upper-case; title words ("S") count, boolean ones do not.
    if (!term.empty() && term[0] == 'S') {
      term.erase(0, 1);
    } else if (!term.empty() && term[0] >= 'A' && term[0] <= 'Z') {
      continue;
    }
    if (term.empty()) continue;
    (stemmed ? words.stems : words.exact).insert(term);
  }
  return words;
}

namespace {

// html_escape(text) appended to `out`: runs without a special character are copied at once.
void append_html_escaped(std::string& out, std::string_view text) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&#39;"; break;
      default: continue;
    }
    out.append(text, run, i - run);
    out += entity;
    run = i + 1;
  }
  out.append(text, run, text.size() - run);
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_html_escaped(out, text);
  return out;
}

SnippetMatcher::SnippetMatcher(const QueryWords& words, const Analyzer& analyzer,
                               const Xapian::Stem& stemmer)
    : words_(words), analyzer_(analyzer), stemmer_(stemmer) {
  // A token that starts with two ASCII characters folds to a word starting with the first of
  // them, lower-cased (folding changes only non-ASCII letters and what follows them), so with a
  // stemmer that keeps first letters it can match only if some query word or stem starts with
  // that letter. Most tokens fail that test and are never folded or stemmed.
  prefilter_ = stems_keep_first_letter(stemmer);
  if (!prefilter_) return;
  for (const auto* set : {&words.exact, &words.stems})
    for (const std::string& word : *set)
      if (const auto first = static_cast<unsigned char>(word[0]); first < 0x80)
        may_start_[first] = true;
  // These stemmers change at most the last two bytes of what they keep of a word (they remove
  // or replace suffixes: "possibility" -> "possibl", "dying" -> "die"; checked over the million
  // distinct words of every corpus in ../shared), so a word can stem to a query word only if it
  // starts with all of that word but its last two bytes. Stemming is most of a snippet's cost,
  // and most words that pass the first-letter test fail this one.
  for (const auto* set : {&words.exact, &words.stems})
    for (const std::string& word : *set) {
      if (word.size() <= 2) {
        stem_heads_.clear();
        return;
      }
      stem_heads_.push_back(word.substr(0, word.size() - 2));
    }
}

bool SnippetMatcher::may_stem_to_query_word(std::string_view folded) const {
  if (stem_heads_.empty()) return true;
  return std::any_of(stem_heads_.begin(), stem_heads_.end(), [&](const std::string& head) {
    return folded.substr(0, head.size()) == head;
  });
}

const std::string* SnippetMatcher::match(std::string_view spelling) {
  if (prefilter_ && static_cast<unsigned char>(spelling[0]) < 0x80 &&
      (spelling.size() == 1 || static_cast<unsigned char>(spelling[1]) < 0x80) &&
      !may_start_[static_cast<unsigned char>(ascii_lower(spelling[0]))])
    return nullptr;
  // An ASCII word without an apostrophe folds to itself lower-cased, so the stem test below
  // can run before the word is looked up or folded at all. (It also settles the exact match:
  // a word equal to a query word starts with that word less its last two bytes.)
  if (!stem_heads_.empty() && is_plain_ascii(spelling) &&
      std::none_of(stem_heads_.begin(), stem_heads_.end(), [&](const std::string& head) {
        return starts_with_lowered(spelling, head);
      }))
    return nullptr;
  if (const auto known = seen_.find(spelling); known != seen_.end()) return known->second;
  const std::string key = analyzer_.fold_value(spelling);
  // Index terms are stems (STEM_ALL, unprefixed) or, from older indexes, Z-prefixed stems: a
  // token matches when it or its stem is one of them.
  const std::string* matched = nullptr;
  if (words_.exact.count(key)) {
    matched = &*matched_.insert(key).first;
  } else if (may_stem_to_query_word(key)) {
    std::string stem = stemmer_(key);
    if (words_.exact.count(stem) || words_.stems.count(stem))
      matched = &*matched_.insert(std::move(stem)).first;
  }
  seen_.emplace(spelling, matched);
  return matched;
}

std::string make_snippet(std::string_view text, const QueryWords& words, const Analyzer& analyzer,
                         const Xapian::Stem& stemmer, std::size_t max_bytes) {
  SnippetMatcher matcher(words, analyzer, stemmer);
  return make_snippet(text, matcher, max_bytes);
}

std::string make_snippet(std::string_view text, SnippetMatcher& matcher, std::size_t max_bytes) {
  std::vector<Token> tokens = tokenize(text);
  if (tokens.empty()) return html_escape(text.substr(0, std::min(text.size(), max_bytes)));

  // Each token's query word, numbered in order of first appearance in this text.
  std::vector<const std::string*> distinct;
  if (!matcher.empty()) {
    for (auto& token : tokens) {
      const std::string* matched =
          matcher.match(text.substr(token.begin, token.end - token.begin));
      if (!matched) continue;
      auto found = std::find(distinct.begin(), distinct.end(), matched);
      token.word = static_cast<int>(found - distinct.begin());
      if (found == distinct.end()) distinct.push_back(matched);
    }
  }

  // The window starting at a token and ending within max_bytes with the most distinct words,
  // then the most matches; the earliest wins ties (the lead matters in news).
  std::size_t best_first = 0, best_last = 0;
  long best_score = -1;
  std::vector<int> counts(distinct.size(), 0);
  long distinct_in = 0, matches_in = 0;
  auto add = [&](const Token& token) {
    if (token.word < 0) return;
    if (counts[token.word]++ == 0) ++distinct_in;
    ++matches_in;
  };
  auto remove = [&](const Token& token) {
    if (token.word < 0) return;
    if (--counts[token.word] == 0) --distinct_in;
    --matches_in;
  };
  std::size_t end_index = 0;  // the window is tokens [first, end_index)
  for (std::size_t first = 0; first < tokens.size(); ++first) {
    while (end_index < tokens.size() &&
           (end_index == first || tokens[end_index].end - tokens[first].begin <= max_bytes))
      add(tokens[end_index++]);
    const long score = distinct_in * 1000 + matches_in;
    if (score > best_score) {
      best_score = score;
      best_first = first;
      best_last = end_index - 1;
    }
    if (distinct.empty() || end_index == tokens.size()) break;
    remove(tokens[first]);
  }

  // Start a little before the first match when it sits at the start of the window, so the
  // reader sees context; never before the text.
  std::size_t begin = tokens[best_first].begin;
  std::size_t end = tokens[best_last].end;
  if (best_first <= 2) begin = 0;
  // After the last word only punctuation is left: show it rather than an ellipsis.
  if (best_last + 1 == tokens.size() && text.size() - end <= 16) end = text.size();
  // Otherwise extend over the sentence's closing punctuation.
  while (end < text.size() && end - begin < max_bytes &&
         (text[end] == '.' || text[end] == '"' || text[end] == ')' || text[end] == '!' ||
          text[end] == '?'))
    ++end;
  while (begin > 0 && !is_valid_start(text, begin)) --begin;

  std::string out;
  out.reserve(end - begin + (end - begin) / 4 + 32);
  if (begin > 0) out += "…";
  std::size_t at = begin;
  for (std::size_t i = best_first; i <= best_last; ++i) {
    const Token& token = tokens[i];
    if (token.word < 0) continue;
    append_html_escaped(out, text.substr(at, token.begin - at));
    out += "<mark>";
    append_html_escaped(out, text.substr(token.begin, token.end - token.begin));
    out += "</mark>";
    at = token.end;
  }
  append_html_escaped(out, text.substr(at, end - at));
  if (end < text.size()) out += "…";
  return out;
}

}  // namespace newsq
