#include "query_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace newsq {

namespace {

/// "NEAR/3" or "ADJ/12": a proximity operator with its window.
bool is_windowed_proximity(std::string_view token) {
  for (std::string_view name : {"NEAR/", "ADJ/"}) {
    if (token.size() > name.size() && token.starts_with(name) &&
        std::all_of(token.begin() + static_cast<std::ptrdiff_t>(name.size()), token.end(),
                    [](char c) { return c >= '0' && c <= '9'; }))
      return true;
  }
  return false;
}

bool is_operator(std::string_view token) {
  static constexpr std::array<std::string_view, 6> kOperators = {"AND", "OR",   "XOR",
                                                                 "NOT", "NEAR", "ADJ"};
  return std::find(kOperators.begin(), kOperators.end(), token) != kOperators.end() ||
         is_windowed_proximity(token);
}

/// A token span of the text.
struct Token {
  std::size_t begin;
  std::size_t end;
};

/// A letter, digit or mark, as Xapian's lexer reads words. A byte that is not UTF-8 counts as
/// no word (Xapian reads it as a Latin-1 character, a word character or not): taking fewer
/// words makes this guard lower-case more operators, never fewer.
bool word_char_at(const std::uint8_t* bytes, std::int32_t& i, std::int32_t length) {
  if (bytes[i] < 0x80) {
    const char c = static_cast<char>(bytes[i++]);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  UChar32 c;
  U8_NEXT(bytes, i, length, c);
  return c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK);
}

/// The words of the text as Xapian's lexer sees its operators: runs of word characters, with a
/// proximity operator's "/N" kept on it, and brackets on their own; everything else separates.
std::vector<Token> tokens_of(std::string_view text) {
  std::vector<Token> tokens;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  while (i < length) {
    const std::int32_t start = i;
    if (text[static_cast<std::size_t>(i)] == '(' || text[static_cast<std::size_t>(i)] == ')') {
      ++i;
      tokens.push_back({static_cast<std::size_t>(start), static_cast<std::size_t>(i)});
      continue;
    }
    if (!word_char_at(bytes, i, length)) continue;
    std::int32_t end = i;
    for (std::int32_t next = end; next < length && word_char_at(bytes, next, length);) end = next;
    std::string_view word = text.substr(static_cast<std::size_t>(start),
                                        static_cast<std::size_t>(end - start));
    if ((word == "NEAR" || word == "ADJ") && end + 1 < length && text[static_cast<std::size_t>(end)] == '/') {
      std::int32_t digits = end + 1;
      while (digits < length && text[static_cast<std::size_t>(digits)] >= '0' &&
             text[static_cast<std::size_t>(digits)] <= '9')
        ++digits;
      if (digits > end + 1) end = digits;
    }
    tokens.push_back({static_cast<std::size_t>(start), static_cast<std::size_t>(end)});
    i = end;
  }
  return tokens;
}

/// The code points Xapian's CJK n-gram tokeniser takes as CJK (its codepoint_is_cjk).
bool is_cjk(UChar32 c) {
  return (c >= 0x2E80 && c <= 0x2EFF) || (c >= 0x3000 && c <= 0x9FFF) ||
         (c >= 0xA700 && c <= 0xA71F) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2F800 && c <= 0x2FA1F);
}

/// Appends text[begin, end) to `out`, the first code point only or every one lower-cased (ICU's
/// simple case mapping, one code point for one, as Xapian's own Unicode::tolower).
void append_lowered(std::string& out, std::string_view text, std::size_t begin, std::size_t end,
                    bool first_only) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  auto i = static_cast<std::int32_t>(begin);
  const auto stop = static_cast<std::int32_t>(end);
  bool lower = true;
  while (i < stop) {
    const std::int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, stop, c);
    if (c < 0 || !lower) {
      out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    } else {
      char buffer[U8_MAX_LENGTH];
      std::int32_t length = 0;
      U8_APPEND_UNSAFE(buffer, length, u_tolower(c));
      out.append(buffer, static_cast<std::size_t>(length));
    }
    if (first_only) lower = false;
  }
}

/// The letters of text[begin, end): whether any is lower-case, and whether it starts with a
/// capital and has no other ("Apple", "A"; not "NATO", "McDonald", "iPhone", "3M").
struct Case {
  bool has_lower = false;
  bool capitalised = false;
};

Case case_of(std::string_view text, std::size_t begin, std::size_t end) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  auto i = static_cast<std::int32_t>(begin);
  const auto stop = static_cast<std::int32_t>(end);
  Case out;
  int capitals = 0;
  bool first = true;
  while (i < stop) {
    UChar32 c;
    U8_NEXT(bytes, i, stop, c);
    if (c < 0) continue;
    const bool upper = u_isupper(c) || u_istitle(c);
    if (u_islower(c)) out.has_lower = true;
    if (upper) ++capitals;
    if (first) out.capitalised = upper;
    first = false;
  }
  out.capitalised = out.capitalised && capitals == 1;
  return out;
}

}  // namespace

std::string with_incidental_capitals_lowered(std::string_view text) {
  const std::vector<Token> tokens = tokens_of(text);
  const bool shouted = !case_of(text, 0, text.size()).has_lower;
  std::string out;
  out.reserve(text.size());
  std::size_t done = 0;           // text before this is in `out`
  bool sentence_start = true;     // no word yet, or the last one ended a sentence
  for (const Token& token : tokens) {
    const std::string_view word = text.substr(token.begin, token.end - token.begin);
    if (word == "(" || word == ")") continue;
    const std::string_view gap = text.substr(done, token.begin - done);
    if (done > 0 && gap.find_first_of(".?!") != std::string_view::npos &&
        gap.find_first_of(" \t\r\n") != std::string_view::npos)
      sentence_start = true;
    out.append(gap);
    // A letter of an acronym ("U.S.", "U.N."): the parser reads capitals with full stops
    // between them as one word ("us"), lower-case ones as a phrase of letters.
    const bool acronym = word.size() == 1 && ((token.end < text.size() && text[token.end] == '.') ||
                                              (token.begin > 0 && text[token.begin - 1] == '.'));
    if (acronym)
      out.append(word);
    else if (shouted)
      append_lowered(out, text, token.begin, token.end, false);
    else if (sentence_start && case_of(text, token.begin, token.end).capitalised)
      append_lowered(out, text, token.begin, token.end, true);
    else
      out.append(word);
    done = token.end;
    sentence_start = false;
  }
  out.append(text.substr(done));
  return out;
}

std::string with_cjk_runs_grouped(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  bool in_phrase = false;
  bool word_start = true;  // at the start, after a space or an opening bracket
  std::int32_t i = 0;
  while (i < length) {
    const std::int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (!in_phrase && word_start && c >= 0 && is_cjk(c)) {
      // The whole run, bracketed.
      std::int32_t end = i;
      while (end < length) {
        std::int32_t next = end;
        UChar32 d;
        U8_NEXT(bytes, next, length, d);
        if (d < 0 || !is_cjk(d)) break;
        end = next;
      }
      out += '(';
      out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start)));
      out += ')';
      i = end;
      word_start = false;
      continue;
    }
    out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    if (c == '"') in_phrase = !in_phrase;
    word_start = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(';
  }
  return out;
}

std::string without_stray_operators(std::string_view text) {
  std::string out(text);
  const std::vector<Token> tokens = tokens_of(out);
  auto token_at = [&](std::size_t k) {
    return std::string_view(out).substr(tokens[k].begin, tokens[k].end - tokens[k].begin);
  };
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const std::string_view token = token_at(k);
    if (!is_operator(token)) continue;
    // On the left, a word: not the start, not "(", not an operator (but AND before NOT).
    const std::string_view left = k > 0 ? token_at(k - 1) : std::string_view("(");
    const bool word_left =
        left != "(" && (!is_operator(left) || (token == "NOT" && left == "AND"));
    // On the right, a word too: not the end, not ")", not an operator (but NOT after AND).
    const std::string_view right = k + 1 < tokens.size() ? token_at(k + 1) : std::string_view(")");
    const bool word_right =
        right != ")" && (!is_operator(right) || (token == "AND" && right == "NOT"));
    if (word_left && word_right) continue;
    for (std::size_t i = tokens[k].begin; i < tokens[k].end; ++i)
      out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

}  // namespace newsq
