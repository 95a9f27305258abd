// Small text helpers shared by the readers (private to newsq_indexer).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace newsq::indexer::text {

/// Replaces every byte that does not belong to a well-formed UTF-8 sequence (overlong forms,
/// surrogates and code points above U+10FFFF included) by U+FFFD. Returns true if it replaced
/// anything. ASCII-only text is checked without copying.
bool replace_invalid_utf8(std::string& text);

/// Appends the UTF-8 encoding of `code_point` (which must be a valid scalar value).
void append_utf8(std::string& out, char32_t code_point);

/// The value of a numeric character reference's digits ("38", or hex "26"): nullopt when
/// `digits` is empty or holds a non-digit; a value above 0x10FFFF (saturated) when too large.
std::optional<char32_t> reference_number(std::string_view digits, bool hex);

/// `text` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

/// Runs of whitespace become one space; leading and trailing whitespace is dropped.
std::string collapse_spaces(std::string_view text);

/// True when `text` is empty or whitespace only.
bool blank(std::string_view text);

/// Removes a trailing '\r' (CRLF input) and, on the first line, a UTF-8 byte-order mark.
void normalise_line(std::string& line, bool first_line);

/// The parts joined, with one allocation. (Also sidesteps GCC 12's false -Wrestrict on
/// `"literal" + std::string(...)` at -O3, GCC bug 105651.)
std::string concat(std::initializer_list<std::string_view> parts);

/// ASCII lower-case copy.
std::string ascii_lower(std::string_view text);

}  // namespace newsq::indexer::text
