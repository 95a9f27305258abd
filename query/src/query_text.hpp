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

/// `text` with the capitals that say nothing about names lower-cased, so that the parser stems
/// those words like any other (Xapian's STEM_SOME leaves every capitalised word unstemmed, as a
/// name). Two kinds of capital carry no meaning:
/// - the first letter of the query or of a sentence in it ("Apple earnings", "What is
///   information science? Give definitions"): phone keyboards and sentence case put it there;
///   such a word ("Apple", "Give") becomes lower-case when it has no other capital, so "NATO",
///   "McDonald" and "iPhone" keep theirs;
/// - every capital of a query with no lower-case letter at all ("TARTOUS NAVAL BASE", pasted
///   wire headlines): all of it is lower-cased, the words AND, OR and NOT too, since in such a
///   query they are as likely words of a headline ("OIL EXPORTS NOT AFFECTED BY QUAKE") as
///   operators, and an operator NOT would drop the very story pasted.
/// The letters of an acronym ("U.S.", "U.N.") keep their capitals in both cases: Xapian's parser
/// reads them as one word ("us") only in capitals. A capitalised word elsewhere ("naval base at
/// Tartous", "visit of Putin") is left alone and still matches exactly. Measured on the
/// relevance harness (bench/RESULTS.md).
std::string with_incidental_capitals_lowered(std::string_view text);

}  // namespace newsq
