// newsq's one text analysis, used identically at index time and at query time:
//   1. Unicode NFKC normalisation (ICU): full-width forms, ligatures and compatibility
//      characters become their plain equivalents;
//   2. accent folding: combining marks are removed after canonical decomposition, for Latin,
//      Greek and Cyrillic letters only (in Indic scripts marks are vowels), so "Peskóv" finds
//      "Peskov" and "Müller" finds "Muller". Exception: Spanish ñ stays ñ ("año" is not "ano").
//      German "ae" spellings of ä are not folding but synonyms (data/synonyms.txt);
//   3. Xapian's tokenisation, lower-casing and Snowball stemming (STEM_SOME) in the text's
//      language, applied by the TermGenerator (DocumentBuilder) and the QueryParser (Searcher),
//      which are set up the same way.
// Case is kept by fold() so that query operators (AND, OR, NOT) still work; both sides
// lower-case inside Xapian.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <xapian.h>

namespace newsq {

class Analyzer {
 public:
  /// Loads the ICU normalisers. Throws Error(internal) if ICU's data is unusable.
  Analyzer();
  ~Analyzer();
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Steps 1-2 above: NFKC plus accent folding, case kept, and the English possessive 's
  /// dropped ("Spain's" -> "Spain"). Text in scripts written without spaces (Chinese, Japanese,
  /// Thai, Lao, Khmer, Myanmar) gets a space between its words, found by ICU's dictionary word
  /// breaker, so queries match with or without spaces. Invalid UTF-8 sequences become U+FFFD.
  /// ASCII input never touches ICU (the fast path). Not thread-safe: one Analyzer per thread.
  std::string fold(std::string_view text) const;

  /// fold() and then lower-case: the form of boolean values (topics, sources, authors).
  std::string fold_value(std::string_view text) const;

  /// The Snowball stemmer for an ISO 639-1 code ("en", "de", "es", ...); English for an empty
  /// code, no stemming for a language Xapian has no stemmer for.
  static Xapian::Stem stemmer_for(std::string_view lang);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsq
