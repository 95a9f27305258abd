#include "query_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace newsq {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

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

/// A token after which a proximity operator has no word on its left: an operator or an opening
/// bracket.
bool leaves_no_word(std::string_view token) {
  static constexpr std::array<std::string_view, 7> kNoWord = {"AND", "OR",  "NOT", "XOR",
                                                              "NEAR", "ADJ", "("};
  return std::find(kNoWord.begin(), kNoWord.end(), token) != kNoWord.end() ||
         is_windowed_proximity(token);
}

}  // namespace

std::string without_stray_proximity(std::string_view text) {
  std::string out(text);
  // Tokens as Xapian's lexer sees the operators: runs of non-space, with brackets on their own.
  std::string_view previous = "(";  // the start of the text leaves no word either
  std::size_t i = 0;
  while (i < out.size()) {
    if (is_space(out[i])) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    if (out[i] != '(' && out[i] != ')')
      while (end < out.size() && !is_space(out[end]) && out[end] != '(' && out[end] != ')') ++end;
    const std::string_view token(out.data() + i, end - i);
    if (is_windowed_proximity(token) && leaves_no_word(previous)) {
      for (std::size_t k = i; k < end; ++k)
        out[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[k])));
    }
    previous = std::string_view(out.data() + i, end - i);
    i = end;
  }
  return out;
}

}  // namespace newsq
