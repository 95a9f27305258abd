// Query text as newsq hands it to Xapian's QueryParser (private to newsq_query).
#pragma once

#include <string>
#include <string_view>

namespace newsq {

/// `text` with every boolean or proximity operator (AND, OR, XOR, NOT, NEAR, ADJ, NEAR/n,
/// ADJ/n) that lacks a word on either side lower-cased, so that the parser reads it as a plain
/// word: "OR oil" → "or oil", "a AND ADJ/3 b" → "a AND adj/3 b", "oil AND" → "oil and".
/// "a AND NOT b" is left alone (AND NOT is one operator).
///
/// Such a query is a syntax error to Xapian, which then parses it again without operators, so
/// the operator would have been read as a word anyway; but Xapian 1.4.22's parser leaks 96 bytes
/// on some of these failed first parses (found by fuzz_query: "a AND ADJ/3 b", a leading "OR"
/// before Chinese text), memory that anyone at a public search box could make the server lose
/// at will. Well-formed queries are unchanged.
std::string without_stray_operators(std::string_view text);

/// `text` with each run of CJK characters (Chinese, Japanese, Korean) that starts a word put in
/// brackets: "Apple 中文 b" → "Apple (中文) b". Xapian 1.4.22's parser, with CJK n-grams on,
/// fails with "parse error" on a CJK word between two other words ("a 中文 b", "iPhone 苹果X")
/// but reads the bracketed form, which means the same. Runs inside a quoted phrase, or glued to
/// what comes before them ("title:中文", "+中文", "b中文"), are left as they are.
std::string with_cjk_runs_grouped(std::string_view text);

}  // namespace newsq
