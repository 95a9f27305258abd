// Reuters-21578 SGML (lewis.dtd): <REUTERS ...> <DATE> <TOPICS><D>..</D></TOPICS> <PLACES> ...
// <TEXT TYPE=".."> <TITLE> <AUTHOR> <DATELINE> <BODY> </TEXT> </REUTERS>. The files are not
// well-formed XML (bare '<' in <UNKNOWN>, SGML entities, control characters), so this reader
// scans for the few tags it needs instead of using an XML parser.
#include <algorithm>
#include <array>
#include <istream>
#include <optional>

#include "newsq/indexer/readers.hpp"
#include "newsq/timeutil.hpp"
#include "text.hpp"

namespace newsq::indexer {

namespace {

constexpr std::string_view kOpenTag = "<REUTERS";
constexpr std::string_view kCloseTag = "</REUTERS>";

struct Element {
  std::string_view attributes;  ///< what follows the tag name inside the start tag
  std::string_view content;     ///< between the start and end tags
  std::size_t begin = 0;        ///< offset of '<' of the start tag
  std::size_t end = 0;          ///< offset just past the end tag
};

// The first <tag ...>...</tag> at or after `from`; nullopt when absent or not closed.
std::optional<Element> find_element(std::string_view text, std::string_view tag,
                                    std::size_t from = 0) {
  const std::string open = text::concat({"<", tag});
  const std::string close = text::concat({"</", tag, ">"});
  std::size_t at = from;
  while ((at = text.find(open, at)) != std::string_view::npos) {
    const std::size_t after_name = at + open.size();
    if (after_name < text.size() && (text[after_name] == '>' || text[after_name] == ' ')) break;
    at = after_name;  // a longer tag name sharing the prefix (<D> vs <DATE>)
  }
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t start_end = text.find('>', at);
  if (start_end == std::string_view::npos) return std::nullopt;
  const std::size_t close_at = text.find(close, start_end + 1);
  if (close_at == std::string_view::npos) return std::nullopt;
  const std::size_t name_end = at + open.size();
  return Element{text.substr(name_end, start_end - name_end),
                 text.substr(start_end + 1, close_at - start_end - 1), at, close_at + close.size()};
}

// NAME="value" inside a start tag.
std::optional<std::string_view> attribute(std::string_view attributes, std::string_view name) {
  const std::string key = text::concat({" ", name, "=\""});
  const std::size_t at = attributes.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t begin = at + key.size();
  const std::size_t end = attributes.find('"', begin);
  if (end == std::string_view::npos) return std::nullopt;
  return attributes.substr(begin, end - begin);
}

// Drops everything between '<' and '>'. Applied before decode() so that "&lt;SRD>" (a ticker
// in the text) is not taken for a tag.
std::string strip_tags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') {
      in_tag = true;
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

bool is_dropped_control(char32_t c) {
  return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || (c >= 0x80 && c < 0xA0);
}

// Decodes &lt; &gt; &amp; &quot; &apos; &#N; &#xN; and drops control characters (&#3;, &#5;,
// raw \x03 ...): the wire codes of the Reuters feed, not text. Unknown entities stay as written.
std::string decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '&') {
      // Raw bytes: only ASCII controls are dropped (bytes >= 0x80 are parts of UTF-8).
      const auto byte = static_cast<unsigned char>(c);
      if ((byte >= 0x20 && byte != 0x7F) || c == '\n' || c == '\t') out += c;
      continue;
    }
    const std::size_t semicolon = text.find(';', i + 1);
    if (semicolon == std::string_view::npos || semicolon - i > 10) {
      out += c;
      continue;
    }
    const std::string_view entity = text.substr(i + 1, semicolon - i - 1);
    std::optional<char32_t> code_point;
    if (entity == "lt")
      code_point = '<';
    else if (entity == "gt")
      code_point = '>';
    else if (entity == "amp")
      code_point = '&';
    else if (entity == "quot")
      code_point = '"';
    else if (entity == "apos")
      code_point = '\'';
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string_view digits = entity.substr(hex ? 2 : 1);
      const auto value = text::reference_number(digits, hex);
      if (value && *value <= 0x10FFFF && !(*value >= 0xD800 && *value <= 0xDFFF))
        code_point = *value;
    }
    if (!code_point) {
      out += c;
      continue;
    }
    if (!is_dropped_control(*code_point)) text::append_utf8(out, *code_point);
    i = semicolon;
  }
  return out;
}

std::vector<std::string> d_items(std::string_view content) {
  std::vector<std::string> items;
  std::size_t from = 0;
  while (auto item = find_element(content, "D", from)) {
    auto value = text::collapse_spaces(decode(item->content));
    if (!value.empty()) items.push_back(std::move(value));
    from = item->end;
  }
  return items;
}

// "26-FEB-1987 15:01:01.79" (UTC). Some dates carry wire codes or a note after the time
// ("27-MAR-1987 00:02:59.13RM"); what follows the time is ignored.
std::optional<Timestamp> parse_reuters_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  std::size_t i = 0;
  const auto digit = [&](std::size_t k) {
    return k < text.size() && text[k] >= '0' && text[k] <= '9';
  };
  const auto number = [&](std::size_t digits) {
    int value = 0;
    for (std::size_t k = 0; k < digits; ++k) value = value * 10 + (text[i + k] - '0');
    i += digits;
    return value;
  };
  const auto expect = [&](char c) {
    if (i >= text.size() || text[i] != c) return false;
    ++i;
    return true;
  };
  if (!digit(0)) return std::nullopt;
  const int day = number(digit(1) ? 2 : 1);
  if (!expect('-') || i + 3 > text.size()) return std::nullopt;
  const std::string month_name = text::ascii_lower(text.substr(i, 3));
  unsigned month = 0;
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    if (text::ascii_lower(kMonths[m]) == month_name) month = static_cast<unsigned>(m + 1);
  i += 3;
  if (month == 0 || !expect('-')) return std::nullopt;
  if (!digit(i) || !digit(i + 1) || !digit(i + 2) || !digit(i + 3)) return std::nullopt;
  const int year = number(4);
  if (!expect(' ')) return std::nullopt;
  while (i < text.size() && text[i] == ' ') ++i;
  std::array<int, 3> hms{};
  for (std::size_t part = 0; part < 3; ++part) {
    if (part > 0 && !expect(':')) return std::nullopt;
    if (!digit(i) || !digit(i + 1)) return std::nullopt;
    hms[part] = number(2);
  }
  if (digit(i)) return std::nullopt;  // "605:12:19" has a three-digit hour
  if (hms[0] > 23 || hms[1] > 59 || hms[2] > 60) return std::nullopt;
  if (!valid_date(year, month, static_cast<unsigned>(day))) return std::nullopt;
  Timestamp ts;
  ts.utc_seconds = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400 +
                   hms[0] * 3600 + hms[1] * 60 + std::min(hms[2], 59);
  return ts;
}

// The wire sign-off closing most stories ("Reuter", "REUTER"): not part of the text.
void drop_sign_off(std::string& body) {
  std::string_view trimmed = text::trim(body);
  std::string_view rest = trimmed;
  while (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
  if (rest.size() >= 6 && text::ascii_lower(rest.substr(rest.size() - 6)) == "reuter") {
    rest.remove_suffix(6);
    if (rest.empty() || rest.back() == ' ' || rest.back() == '\n' || rest.back() == '\t') {
      body = std::string(text::trim(rest));
      return;
    }
  }
  body = std::string(trimmed);
}

// "    By Cal Mankowski, Reuters" -> "Cal Mankowski".
std::optional<std::string> author_name(std::string_view raw) {
  std::string name = text::collapse_spaces(decode(strip_tags(raw)));
  if (text::ascii_lower(name).starts_with("by ")) name.erase(0, 3);
  const auto comma = text::ascii_lower(name).find(", reuter");
  if (comma != std::string::npos) name.resize(comma);
  name = std::string(text::trim(name));
  if (name.empty()) return std::nullopt;
  return name;
}

class RecordParser {
 public:
  RecordParser(const std::string& name, const ReadOptions& options, RecordSink& sink)
      : name_(name), options_(options), sink_(sink) {}

  // `record` runs from "<REUTERS" to just before "</REUTERS>".
  void parse(std::string_view record, std::size_t line) {
    const std::size_t start_end = record.find('>');
    const std::string_view attributes = record.substr(
        kOpenTag.size(),
        start_end == std::string_view::npos ? std::string_view::npos : start_end - kOpenTag.size());
    Article article;
    article.source = options_.source.empty() ? "reuters" : options_.source;
    article.lang = "en";
    if (auto new_id = attribute(attributes, "NEWID"); new_id && !text::blank(*new_id)) {
      article.id = "reuters-" + std::string(text::trim(*new_id));
    } else {
      warn(line, "no NEWID attribute: the id is derived from title and date");
    }

    if (auto date = find_element(record, "DATE")) {
      const std::string raw = std::string(text::trim(decode(date->content)));
      article.published = parse_reuters_date(raw);
      if (!article.published)
        warn(line_of(record, date->begin, line),
             "unparseable DATE '" + raw + "': record kept without a date");
    } else {
      warn(line, "no DATE: record kept without a date");
    }

    if (auto topics = find_element(record, "TOPICS")) article.topics = d_items(topics->content);
    for (auto [tag, key] : {std::pair{"PLACES", "places"}, std::pair{"PEOPLE", "people"},
                            std::pair{"ORGS", "orgs"}, std::pair{"EXCHANGES", "exchanges"}}) {
      if (auto element = find_element(record, tag)) {
        auto items = d_items(element->content);
        if (!items.empty()) article.extra[key] = std::move(items);
      }
    }

    const auto text_element = find_element(record, "TEXT");
    std::string_view text_content = text_element ? text_element->content : std::string_view{};
    const auto type = text_element ? attribute(text_element->attributes, "TYPE") : std::nullopt;
    article.kind = type == "BRIEF" ? "brief" : "article";

    std::string rest(text_content);  // TEXT without the elements taken out below
    const auto take = [&](std::string_view tag) -> std::optional<std::string> {
      auto element = find_element(rest, tag);
      if (!element) return std::nullopt;
      std::string content(element->content);
      rest.erase(element->begin, element->end - element->begin);
      return content;
    };
    if (auto title = take("TITLE"))
      article.title = text::collapse_spaces(decode(strip_tags(*title)));
    if (auto author = take("AUTHOR"))
      if (auto name = author_name(*author)) article.authors.push_back(std::move(*name));
    if (auto dateline = take("DATELINE")) {
      std::string value = text::collapse_spaces(decode(strip_tags(*dateline)));
      while (!value.empty() && (value.back() == '-' || value.back() == ' ')) value.pop_back();
      if (!value.empty()) article.extra["dateline"] = value;
    }
    if (auto body = take("BODY")) {
      article.body = decode(strip_tags(*body));
    } else {
      // BRIEF and UNPROC records: the raw text is the body. Briefs start with a row of '*'.
      article.body = decode(strip_tags(rest));
      std::string_view trimmed = text::trim(article.body);
      while (!trimmed.empty() && trimmed.front() == '*') trimmed.remove_prefix(1);
      article.body = std::string(trimmed);
      if (text::trim(article.body) == "Blah blah blah.") article.body.clear();
    }
    drop_sign_off(article.body);

    // A wire record with neither title nor text still exists in the archive (NEWID 12793 of
    // reut2-012 is one): it is kept, so its id resolves and the archive's count is whole, and
    // reported. JSON Lines records without text are rejected instead: there the producer is ours.
    if (article.title.empty() && article.body.empty())
      warn(line, "the record has neither title nor text: kept empty, as in the archive");
    sink_.on_article(std::move(article), line);
  }

 private:
  void warn(std::size_t line, std::string message) {
    sink_.on_problem({name_, line, std::move(message), Severity::warning});
  }

  // The line of `offset` in a record starting on line `first_line`.
  static std::size_t line_of(std::string_view record, std::size_t offset, std::size_t first_line) {
    return first_line +
           static_cast<std::size_t>(std::count(record.begin(), record.begin() + offset, '\n'));
  }

  const std::string& name_;
  const ReadOptions& options_;
  RecordSink& sink_;
};

// Finds "<REUTERS" followed by a space or '>' at or after `from`.
std::size_t find_open_tag(std::string_view line, std::size_t from) {
  while ((from = line.find(kOpenTag, from)) != std::string_view::npos) {
    const std::size_t after = from + kOpenTag.size();
    if (after >= line.size() || line[after] == ' ' || line[after] == '>') return from;
    from = after;
  }
  return std::string_view::npos;
}

std::string record_label(std::string_view record) {
  const std::size_t start_end = record.find('>');
  if (auto new_id = attribute(record.substr(0, start_end), "NEWID"))
    return "<REUTERS NEWID=\"" + std::string(*new_id) + "\">";
  return "<REUTERS>";
}

}  // namespace

void read_sgml(std::istream& in, const std::string& name, const ReadOptions& options,
               RecordSink& sink) {
  RecordParser parser(name, options, sink);
  std::string record;
  bool inside = false;
  std::size_t record_line = 0;
  std::size_t bad_utf8_line = 0;  // first line of the record where bytes were replaced

  const auto start = [&](std::size_t line_number) {
    inside = true;
    record.clear();
    record_line = line_number;
    bad_utf8_line = 0;
  };
  const auto report_utf8 = [&] {
    if (bad_utf8_line)
      sink.on_problem({name, bad_utf8_line, "invalid UTF-8 replaced", Severity::warning});
  };

  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    text::normalise_line(line, line_number == 1);
    const bool replaced = text::replace_invalid_utf8(line);
    std::size_t pos = 0;
    while (pos <= line.size()) {
      if (!inside) {
        const std::size_t open = find_open_tag(line, pos);
        if (open == std::string::npos) break;
        start(line_number);
        record.append(line, open, kOpenTag.size());
        pos = open + kOpenTag.size();
        continue;
      }
      if (replaced && !bad_utf8_line) bad_utf8_line = line_number;
      const std::size_t close = line.find(kCloseTag, pos);
      const std::size_t next_open = find_open_tag(line, pos);
      if (next_open != std::string::npos && (close == std::string::npos || next_open < close)) {
        record.append(line, pos, next_open - pos);
        report_utf8();
        sink.on_problem(
            {name, record_line,
             "truncated record: " + record_label(record) + " is cut off by the next <REUTERS>",
             Severity::error});
        inside = false;
        pos = next_open;
        continue;
      }
      if (close == std::string::npos) {
        record.append(line, pos);
        record += '\n';
        break;
      }
      record.append(line, pos, close - pos);
      report_utf8();
      parser.parse(record, record_line);
      inside = false;
      pos = close + kCloseTag.size();
    }
  }
  if (inside) {
    report_utf8();
    sink.on_problem({name, record_line,
                     "truncated record: the input ends inside " + record_label(record),
                     Severity::error});
  }
}

}  // namespace newsq::indexer
