#include "newsq/analysis.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include "newsq/errors.hpp"

namespace newsq {

struct Analyzer::Impl {
  const icu::Normalizer2* nfkd = nullptr;
  const icu::Normalizer2* nfc = nullptr;
  /// ICU's dictionary-based word breaker, for scripts written without spaces. Created on first
  /// use (most text never needs it); one per Analyzer since a BreakIterator is not thread-safe.
  std::unique_ptr<icu::BreakIterator> words;
};

namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

// Letters that carry their "accent" in the base character and so survive decomposition.
// Folding them matters for names ("Łódź" -> "Lodz", "Øresund" -> "Oresund").
const char16_t* fold_special(UChar32 c) {
  switch (c) {
    case 0x00DF: return u"ss";  // ß
    case 0x00E6: return u"ae";  // æ
    case 0x00C6: return u"AE";
    case 0x00F8: return u"o";  // ø
    case 0x00D8: return u"O";
    case 0x0111: return u"d";  // đ
    case 0x0110: return u"D";
    case 0x0142: return u"l";  // ł
    case 0x0141: return u"L";
    case 0x0153: return u"oe";  // œ
    case 0x0152: return u"OE";
    case 0x00FE: return u"th";  // þ
    case 0x00DE: return u"TH";
    case 0x0131: return u"i";  // dotless ı
    case 0x2019: return u"'";  // right single quotation mark, as in "Russia’s"
    case 0x2018: return u"'";
    default: return nullptr;
  }
}

// Marks are removed only after letters of scripts where they are accents. In Indic scripts,
// for example, a non-spacing mark is a vowel and removing it would merge different words.
bool folds_marks(UScriptCode script) {
  return script == USCRIPT_LATIN || script == USCRIPT_GREEK || script == USCRIPT_CYRILLIC;
}

// Scripts written without spaces between words, which need a dictionary to find the words.
bool unspaced_script(UChar32 c) {
  if (c < 0x0E00) return false;  // below Thai: every script there separates words
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

void segment_unspaced(std::unique_ptr<icu::BreakIterator>& words, icu::UnicodeString& text) {
  bool any = false;
  for (int32_t i = 0; i < text.length() && !any;) {
    const UChar32 c = text.char32At(i);
    any = unspaced_script(c);
    i += U16_LENGTH(c);
  }
  if (!any) return;
  if (!words) {
    UErrorCode status = U_ZERO_ERROR;
    words.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) {
      words.reset();
      return;  // no segmentation data: Xapian's CJK n-grams still make the text searchable
    }
  }
  words->setText(text);
  // A space at every word boundary that has an unspaced-script character on both sides, so
  // "新闻联播" and "新闻 联播" index and search alike.
  icu::UnicodeString out;
  int32_t start = words->first();
  for (int32_t end = words->next(); end != icu::BreakIterator::DONE;
       start = end, end = words->next()) {
    if (start > 0 && unspaced_script(text.char32At(start)) &&
        unspaced_script(text.char32At(text.moveIndex32(start, -1))))
      out.append(static_cast<UChar>(0x20));
    out.append(text, start, end - start);
  }
  text = out;
}

}  // namespace

Analyzer::Analyzer() : impl_(std::make_unique<Impl>()) {
  UErrorCode status = U_ZERO_ERROR;
  impl_->nfkd = icu::Normalizer2::getNFKDInstance(status);
  impl_->nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status))
    throw Error(ErrorCode::internal, std::string("ICU normalisers unavailable: ") +
                                         u_errorName(status));
}

Analyzer::~Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;

// Drops the English possessive "'s" ("Spain's" -> "Spain"): Xapian keeps "spain's" as one
// word and leaves capitalised query words unstemmed, so without this "Spain" would not find
// "Spain's investment". Only a final 's after a letter or digit is dropped ("it's" -> "it" is
// harmless: both are stopword-like).
static std::string strip_possessives(std::string text) {
  std::size_t out = 0;
  const auto word_byte = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\'' && out > 0 && word_byte(static_cast<unsigned char>(text[out - 1])) &&
        i + 1 < text.size() && (text[i + 1] == 's' || text[i + 1] == 'S') &&
        (i + 2 == text.size() || !word_byte(static_cast<unsigned char>(text[i + 2])))) {
      ++i;  // skip the apostrophe and the s
      continue;
    }
    text[out++] = text[i];
  }
  text.resize(out);
  return text;
}

std::string Analyzer::fold(std::string_view text) const {
  if (is_ascii(text)) {
    if (text.find('\'') == std::string_view::npos) return std::string(text);
    return strip_possessives(std::string(text));
  }
  // fromUTF8 replaces ill-formed sequences by U+FFFD.
  const auto input =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = impl_->nfkd->normalize(input, status);
  if (U_FAILURE(status)) return std::string(text);

  icu::UnicodeString stripped;
  UScriptCode base_script = USCRIPT_COMMON;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      // ñ is a letter of its own in Spanish ("año" is not "ano"): its tilde stays.
      const bool enye = c == 0x0303 && !stripped.isEmpty() &&
                        (stripped.char32At(stripped.length() - 1) == 'n' ||
                         stripped.char32At(stripped.length() - 1) == 'N');
      if (folds_marks(base_script) && !enye) continue;
    } else {
      UErrorCode script_status = U_ZERO_ERROR;
      base_script = uscript_getScript(c, &script_status);
    }
    if (const char16_t* replacement = fold_special(c))
      stripped.append(replacement);
    else
      stripped.append(c);
  }
  icu::UnicodeString composed = impl_->nfc->normalize(stripped, status);
  if (U_FAILURE(status)) composed = stripped;
  segment_unspaced(impl_->words, composed);
  std::string out;
  composed.toUTF8String(out);
  return strip_possessives(std::move(out));
}


std::string Analyzer::fold_value(std::string_view text) const {
  std::string folded = fold(text);
  if (is_ascii(folded)) {
    for (char& c : folded)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  } else {
    folded = Xapian::Unicode::tolower(folded);
  }
  // Trim surrounding white space so " Cocoa " and "cocoa" are one topic.
  const auto first = folded.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = folded.find_last_not_of(" \t\r\n");
  return folded.substr(first, last - first + 1);
}

Xapian::Stem Analyzer::stemmer_for(std::string_view lang) {
  if (lang.empty()) return Xapian::Stem("english");
  try {
    return Xapian::Stem(std::string(lang));
  } catch (const Xapian::InvalidArgumentError&) {
    return Xapian::Stem();  // no stemmer for this language: words are indexed as they are
  }
}

}  // namespace newsq
