#include "html.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "text.hpp"

namespace newsq::indexer::html {

namespace {

struct NamedEntity {
  std::string_view name;
  char32_t code_point;
};

// HTML 4's named character references (Latin-1, symbols, typography) plus &apos;: what feeds
// actually contain. HTML5's 2,000 further names are practically never used in news text.
constexpr NamedEntity kNamedEntities[] = {
    {"quot", 34},
    {"amp", 38},
    {"apos", 39},
    {"lt", 60},
    {"gt", 62},
    // Latin-1 (160..255)
    {"nbsp", 160},
    {"iexcl", 161},
    {"cent", 162},
    {"pound", 163},
    {"curren", 164},
    {"yen", 165},
    {"brvbar", 166},
    {"sect", 167},
    {"uml", 168},
    {"copy", 169},
    {"ordf", 170},
    {"laquo", 171},
    {"not", 172},
    {"shy", 173},
    {"reg", 174},
    {"macr", 175},
    {"deg", 176},
    {"plusmn", 177},
    {"sup2", 178},
    {"sup3", 179},
    {"acute", 180},
    {"micro", 181},
    {"para", 182},
    {"middot", 183},
    {"cedil", 184},
    {"sup1", 185},
    {"ordm", 186},
    {"raquo", 187},
    {"frac14", 188},
    {"frac12", 189},
    {"frac34", 190},
    {"iquest", 191},
    {"Agrave", 192},
    {"Aacute", 193},
    {"Acirc", 194},
    {"Atilde", 195},
    {"Auml", 196},
    {"Aring", 197},
    {"AElig", 198},
    {"Ccedil", 199},
    {"Egrave", 200},
    {"Eacute", 201},
    {"Ecirc", 202},
    {"Euml", 203},
    {"Igrave", 204},
    {"Iacute", 205},
    {"Icirc", 206},
    {"Iuml", 207},
    {"ETH", 208},
    {"Ntilde", 209},
    {"Ograve", 210},
    {"Oacute", 211},
    {"Ocirc", 212},
    {"Otilde", 213},
    {"Ouml", 214},
    {"times", 215},
    {"Oslash", 216},
    {"Ugrave", 217},
    {"Uacute", 218},
    {"Ucirc", 219},
    {"Uuml", 220},
    {"Yacute", 221},
    {"THORN", 222},
    {"szlig", 223},
    {"agrave", 224},
    {"aacute", 225},
    {"acirc", 226},
    {"atilde", 227},
    {"auml", 228},
    {"aring", 229},
    {"aelig", 230},
    {"ccedil", 231},
    {"egrave", 232},
    {"eacute", 233},
    {"ecirc", 234},
    {"euml", 235},
    {"igrave", 236},
    {"iacute", 237},
    {"icirc", 238},
    {"iuml", 239},
    {"eth", 240},
    {"ntilde", 241},
    {"ograve", 242},
    {"oacute", 243},
    {"ocirc", 244},
    {"otilde", 245},
    {"ouml", 246},
    {"divide", 247},
    {"oslash", 248},
    {"ugrave", 249},
    {"uacute", 250},
    {"ucirc", 251},
    {"uuml", 252},
    {"yacute", 253},
    {"thorn", 254},
    {"yuml", 255},
    // Latin Extended and spacing modifiers
    {"OElig", 338},
    {"oelig", 339},
    {"Scaron", 352},
    {"scaron", 353},
    {"Yuml", 376},
    {"fnof", 402},
    {"circ", 710},
    {"tilde", 732},
    // Greek
    {"Alpha", 913},
    {"Beta", 914},
    {"Gamma", 915},
    {"Delta", 916},
    {"Omega", 937},
    {"alpha", 945},
    {"beta", 946},
    {"gamma", 947},
    {"delta", 948},
    {"pi", 960},
    {"mu", 956},
    {"omega", 969},
    // General punctuation
    {"ensp", 8194},
    {"emsp", 8195},
    {"thinsp", 8201},
    {"zwnj", 8204},
    {"zwj", 8205},
    {"lrm", 8206},
    {"rlm", 8207},
    {"ndash", 8211},
    {"mdash", 8212},
    {"lsquo", 8216},
    {"rsquo", 8217},
    {"sbquo", 8218},
    {"ldquo", 8220},
    {"rdquo", 8221},
    {"bdquo", 8222},
    {"dagger", 8224},
    {"Dagger", 8225},
    {"bull", 8226},
    {"hellip", 8230},
    {"permil", 8240},
    {"prime", 8242},
    {"Prime", 8243},
    {"lsaquo", 8249},
    {"rsaquo", 8250},
    {"oline", 8254},
    {"frasl", 8260},
    {"euro", 8364},
    {"trade", 8482},
    {"larr", 8592},
    {"uarr", 8593},
    {"rarr", 8594},
    {"darr", 8595},
    {"harr", 8596},
    {"minus", 8722},
    {"le", 8804},
    {"ge", 8805},
    {"ne", 8800},
    {"asymp", 8776},
    {"infin", 8734},
};

// Windows-1252's characters for the bytes 0x80..0x9F (0 where the code page has none).
constexpr std::array<char32_t, 32> kWindows1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

constexpr char32_t kReplacementCharacter = 0xFFFD;
constexpr char32_t kNoBreakSpace = 0xA0;

std::optional<char32_t> numeric_reference(std::string_view digits, bool hex) {
  const auto number = text::reference_number(digits, hex);
  if (!number) return std::nullopt;
  const char32_t value = *number;
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return kReplacementCharacter;
  if (value >= 0x80 && value <= 0x9F && kWindows1252[value - 0x80] != 0)
    return kWindows1252[value - 0x80];
  return value;
}

// The character referenced by `entity` (between '&' and ';'), or nullopt when it is not one.
std::optional<char32_t> reference(std::string_view entity) {
  if (entity.size() > 1 && entity[0] == '#') {
    const bool hex = entity[1] == 'x' || entity[1] == 'X';
    return numeric_reference(entity.substr(hex ? 2 : 1), hex);
  }
  for (const auto& named : kNamedEntities)
    if (named.name == entity) return named.code_point;
  return std::nullopt;
}

// Longest entity name we know ("thetasym" would be 8) plus room for "#x10FFFF".
constexpr std::size_t kMaxEntityLength = 10;

// Decodes the reference starting at text[i] == '&'; on success appends it to `out` and returns
// the offset just past ';'.
std::optional<std::size_t> decode_at(std::string_view text, std::size_t i, std::string& out,
                                     bool nbsp_as_space) {
  const std::size_t semicolon = text.find(';', i + 1);
  if (semicolon == std::string_view::npos || semicolon - i - 1 > kMaxEntityLength)
    return std::nullopt;
  const auto code_point = reference(text.substr(i + 1, semicolon - i - 1));
  if (!code_point) return std::nullopt;
  if (nbsp_as_space && *code_point == kNoBreakSpace)
    out += ' ';
  else
    text::append_utf8(out, *code_point);
  return semicolon + 1;
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Elements whose boundaries separate paragraphs.
bool is_block(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "address", "article",  "aside",      "blockquote", "caption", "dd",    "div",   "dl",
      "dt",      "fieldset", "figcaption", "figure",     "footer",  "form",  "h1",    "h2",
      "h3",      "h4",       "h5",         "h6",         "header",  "hr",    "li",    "main",
      "nav",     "ol",       "p",          "pre",        "section", "table", "tbody", "td",
      "tfoot",   "th",       "thead",      "tr",         "ul"};
  return std::find(std::begin(kBlocks), std::end(kBlocks), name) != std::end(kBlocks);
}

// Elements dropped with everything inside them.
bool is_dropped(std::string_view name) {
  return name == "script" || name == "style" || name == "template" || name == "noscript";
}

// Accumulates text as paragraphs of collapsed words.
class TextBuilder {
 public:
  void text(std::string_view chunk) {
    for (char c : chunk) {
      if (is_space(c)) {
        space_ = !line_.empty();
        continue;
      }
      if (space_) line_ += ' ';
      space_ = false;
      line_ += c;
    }
  }

  void line_break() {
    if (!line_.empty()) lines_.push_back(std::move(line_));
    line_.clear();
    space_ = false;
  }

  void paragraph_break() {
    line_break();
    if (!lines_.empty()) {
      std::string paragraph;
      for (const auto& line : lines_) {
        if (!paragraph.empty()) paragraph += '\n';
        paragraph += line;
      }
      paragraphs_.push_back(std::move(paragraph));
      lines_.clear();
    }
  }

  std::string finish() {
    paragraph_break();
    std::string out;
    for (const auto& paragraph : paragraphs_) {
      if (!out.empty()) out += "\n\n";
      out += paragraph;
    }
    return out;
  }

 private:
  std::vector<std::string> paragraphs_;
  std::vector<std::string> lines_;
  std::string line_;
  bool space_ = false;
};

struct Tag {
  std::string name;  ///< lower-case local name ("p" for <xhtml:P>)
  bool closing = false;
  std::size_t end = 0;  ///< offset just past '>'
};

// Parses the tag starting at html[i] == '<', when it is one (a letter or '/' + letter follows).
// Attribute values are skipped with their quotes, so a '>' inside one does not end the tag.
std::optional<Tag> parse_tag(std::string_view html, std::size_t i) {
  Tag tag;
  std::size_t at = i + 1;
  if (at < html.size() && html[at] == '/') {
    tag.closing = true;
    ++at;
  }
  if (at >= html.size() || !is_ascii_letter(html[at])) return std::nullopt;
  const std::size_t name_begin = at;
  while (at < html.size() && !is_space(html[at]) && html[at] != '>' && html[at] != '/') ++at;
  std::string_view name = html.substr(name_begin, at - name_begin);
  if (const auto colon = name.rfind(':'); colon != std::string_view::npos)
    name.remove_prefix(colon + 1);
  tag.name = text::ascii_lower(name);
  char quote = 0;
  for (; at < html.size(); ++at) {
    const char c = html[at];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      tag.end = at + 1;
      return tag;
    }
  }
  tag.end = html.size();  // an unterminated tag swallows the rest, as browsers do
  return tag;
}

// Offset just past the end tag of a dropped element opened before `from`, or the end.
std::size_t skip_element(std::string_view html, std::size_t from, std::string_view name) {
  std::size_t at = from;
  while ((at = html.find('<', at)) != std::string_view::npos) {
    if (auto tag = parse_tag(html, at); tag && tag->closing && tag->name == name) return tag->end;
    ++at;
  }
  return html.size();
}

}  // namespace

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '&')
      if (auto next = decode_at(text, i, out, false)) {
        i = *next - 1;
        continue;
      }
    out += text[i];
  }
  return out;
}

std::string to_text(std::string_view html) {
  TextBuilder builder;
  std::string run;  // decoded text since the last tag
  const auto flush = [&] {
    builder.text(run);
    run.clear();
  };
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      if (auto next = decode_at(html, i, run, true)) {
        i = *next;
        continue;
      }
      run += c;
      ++i;
      continue;
    }
    if (c != '<') {
      run += c;
      ++i;
      continue;
    }
    const std::string_view rest = html.substr(i);
    if (rest.starts_with("<!--")) {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {  // CDATA left inside escaped HTML: its text is literal
      const std::size_t end = html.find("]]>", i + 9);
      const std::size_t stop = end == std::string_view::npos ? html.size() : end;
      run.append(html.substr(i + 9, stop - i - 9));
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (rest.starts_with("<!") || rest.starts_with("<?")) {  // doctype, processing instruction
      const std::size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    auto tag = parse_tag(html, i);
    if (!tag) {
      run += c;
      ++i;
      continue;
    }
    flush();
    i = tag->end;
    if (!tag->closing && is_dropped(tag->name)) {
      const bool self_closed = tag->end >= 2 && html[tag->end - 2] == '/';
      if (!self_closed) i = skip_element(html, i, tag->name);
    } else if (tag->name == "br") {
      builder.line_break();
    } else if (is_block(tag->name)) {
      builder.paragraph_break();
    } else if (tag->name == "img" || tag->name == "td") {
      builder.text(" ");  // keeps "a<img>b" from gluing words
    }
  }
  flush();
  return builder.finish();
}

bool fix_windows_1252(std::string& text) {
  // U+0080..U+009F are C2 80..C2 9F in UTF-8.
  bool replaced = false;
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) {
        if (!replaced) out.assign(text, 0, i);
        replaced = true;
        const char32_t mapped = kWindows1252[next - 0x80];
        if (mapped != 0) text::append_utf8(out, mapped);
        ++i;
        continue;
      }
    }
    if (replaced) out += text[i];
  }
  if (replaced) text = std::move(out);
  return replaced;
}

}  // namespace newsq::indexer::html
