#include "newsq/article.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

#include <unicode/utf8.h>

#include "newsq/errors.hpp"

namespace newsq {

namespace {

std::uint64_t fnv1a64(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

// Cuts at a UTF-8 boundary, at the last space before `max_bytes` when there is one.
std::string first_words(std::string_view text, std::size_t max_bytes) {
  std::string flat;
  flat.reserve(std::min(text.size(), max_bytes + 8));
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !flat.empty();
      continue;
    }
    if (space) flat += ' ';
    space = false;
    flat += c;
    if (flat.size() > max_bytes + 4) break;
  }
  if (flat.size() <= max_bytes) return flat;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(flat[end]) & 0xC0) == 0x80) --end;
  const auto space_at = flat.rfind(' ', end);
  if (space_at != std::string::npos && space_at > max_bytes / 2) end = space_at;
  return flat.substr(0, end) + "…";
}

const std::set<std::string, std::less<>> kKnownFields = {
    "id", "url", "title", "body", "summary", "published", "topics", "authors", "source",
    "kind", "lang"};

std::string string_field(const nlohmann::json& json, const char* name) {
  auto it = json.find(name);
  if (it == json.end() || it->is_null()) return {};
  if (it->is_number_integer() && std::string_view(name) == "id") return it->dump();
  if (!it->is_string())
    throw Error(ErrorCode::bad_record, std::string("field '") + name + "' must be a string");
  return it->get<std::string>();
}

std::vector<std::string> list_field(const nlohmann::json& json, const char* name) {
  std::vector<std::string> values;
  auto it = json.find(name);
  if (it == json.end() || it->is_null()) return values;
  if (it->is_string()) {  // a single value is accepted as a one-element list
    if (!it->get_ref<const std::string&>().empty()) values.push_back(it->get<std::string>());
    return values;
  }
  if (!it->is_array())
    throw Error(ErrorCode::bad_record,
                std::string("field '") + name + "' must be an array of strings");
  for (const auto& value : *it) {
    if (!value.is_string())
      throw Error(ErrorCode::bad_record,
                  std::string("field '") + name + "' must be an array of strings");
    if (!value.get_ref<const std::string&>().empty()) values.push_back(value.get<std::string>());
  }
  return values;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// ---- The stored JSON, read without a tree (hit_fields_from_stored) ----------------------------

/// One value of the stored object as it stands in the text: a string's bytes between its quotes
/// (still escaped when `escaped`), a number's digits, or an array's string items.
struct RawValue {
  enum class Type { absent, null, string, number, list, other };
  Type type = Type::absent;
  std::string_view text;
  bool escaped = false;
  std::vector<std::pair<std::string_view, bool>> items;  ///< list: (raw string, escaped)
};

/// A forward-only reader of one JSON text. Every method returns false on anything it does not
/// accept, and the caller gives up: the full parser decides then.
class JsonCursor {
 public:
  explicit JsonCursor(std::string_view text) : text_(text) {}

  char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }

  // A string at the cursor. A quote ends it unless an odd run of backslashes precedes it, so
  // the text between is found with memchr rather than byte by byte.
  bool string(std::string_view& raw, bool& escaped) {
    if (!consume('"')) return false;
    const std::size_t start = pos_;
    std::size_t from = start;
    for (;;) {
      const void* quote = std::memchr(text_.data() + from, '"', text_.size() - from);
      if (!quote) return false;
      const auto at = static_cast<std::size_t>(static_cast<const char*>(quote) - text_.data());
      std::size_t backslashes = 0;
      while (at - backslashes > start && text_[at - backslashes - 1] == '\\') ++backslashes;
      if (backslashes % 2 == 0) {
        raw = text_.substr(start, at - start);
        escaped = raw.find('\\') != std::string_view::npos;
        pos_ = at + 1;
        return true;
      }
      from = at + 1;
    }
  }

  bool value(RawValue& out, int depth = 0) {
    switch (peek()) {
      case '"':
        out.type = RawValue::Type::string;
        return string(out.text, out.escaped);
      case 'n':
        out.type = RawValue::Type::null;
        return word("null");
      case 't':
        out.type = RawValue::Type::other;
        return word("true");
      case 'f':
        out.type = RawValue::Type::other;
        return word("false");
      case '[':
        return array(out, depth);
      case '{':
        out.type = RawValue::Type::other;
        return object(depth);
      default:
        out.type = RawValue::Type::number;
        return number(out.text);
    }
  }

 private:
  static constexpr int kMaxDepth = 64;

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\r' || text_[pos_] == '\t'))
      ++pos_;
  }
  bool word(std::string_view literal) {
    if (text_.compare(pos_, literal.size(), literal) != 0) return false;
    pos_ += literal.size();
    return true;
  }
  bool number(std::string_view& raw) {
    const std::size_t start = pos_;
    const auto digits = [&] {
      const std::size_t from = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ > from;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (!digits()) return false;
    if (pos_ < text_.size() && text_[pos_] == '.' && (++pos_, !digits())) return false;
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return false;
    }
    raw = text_.substr(start, pos_ - start);
    return true;
  }
  // An array: its string items are kept; any other item makes it "other".
  bool array(RawValue& out, int depth) {
    if (depth >= kMaxDepth || !consume('[')) return false;
    out.type = RawValue::Type::list;
    if (consume(']')) return true;
    do {
      RawValue item;
      if (!value(item, depth + 1)) return false;
      if (item.type == RawValue::Type::string)
        out.items.emplace_back(item.text, item.escaped);
      else
        out.type = RawValue::Type::other;
    } while (consume(','));
    return consume(']');
  }
  bool object(int depth) {
    if (depth >= kMaxDepth || !consume('{')) return false;
    if (consume('}')) return true;
    do {
      std::string_view key;
      bool escaped = false;
      RawValue item;
      if (!string(key, escaped) || !consume(':') || !value(item, depth + 1)) return false;
    } while (consume(','));
    return consume('}');
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

// The string a JSON string's raw bytes stand for, as nlohmann's parser decodes it.
std::optional<std::string> unescape(std::string_view raw, bool escaped) {
  if (!escaped) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  const auto hex4 = [&](std::size_t at, std::uint32_t& code) {
    if (at + 4 > raw.size()) return false;
    code = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      const char c = raw[i];
      code <<= 4;
      if (c >= '0' && c <= '9')
        code |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        code |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        code |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\') {  // the run up to the next escape, copied at once
      const std::size_t next = std::min(raw.find('\\', i), raw.size());
      out.append(raw, i, next - i);
      i = next - 1;
      continue;
    }
    if (++i == raw.size()) return std::nullopt;
    if (raw[i] != 'u') {  // \" \\ \/ \b \f \n \r \t
      constexpr std::string_view kEscapes = "\"\\/bfnrt";
      constexpr std::string_view kMeanings = "\"\\/\b\f\n\r\t";
      const std::size_t escape = kEscapes.find(raw[i]);
      if (escape == std::string_view::npos) return std::nullopt;
      out += kMeanings[escape];
      continue;
    }
    std::uint32_t code = 0;
    if (!hex4(i + 1, code)) return std::nullopt;
    i += 4;
    if (code >= 0xDC00 && code <= 0xDFFF) return std::nullopt;  // a lone low surrogate
    if (code >= 0xD800 && code <= 0xDBFF) {
      std::uint32_t low = 0;
      if (i + 2 >= raw.size() || raw[i + 1] != '\\' || raw[i + 2] != 'u' || !hex4(i + 3, low) ||
          low < 0xDC00 || low > 0xDFFF)
        return std::nullopt;
      i += 6;
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    std::uint8_t encoded[U8_MAX_LENGTH];
    std::int32_t length = 0;
    U8_APPEND_UNSAFE(encoded, length, static_cast<UChar32>(code));  // a scalar value here
    out.append(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(length));
  }
  return out;
}

// string_field()'s rules over a raw value: absent or null is empty, a string is itself.
bool raw_string(const RawValue& value, std::string& out) {
  if (value.type == RawValue::Type::absent || value.type == RawValue::Type::null) return true;
  if (value.type != RawValue::Type::string) return false;
  auto text = unescape(value.text, value.escaped);
  if (!text) return false;
  out = std::move(*text);
  return true;
}

// list_field()'s rules over a raw value; with `values` null the list is only checked.
bool raw_list(const RawValue& value, std::vector<std::string>* values) {
  switch (value.type) {
    case RawValue::Type::absent:
    case RawValue::Type::null:
      return true;
    case RawValue::Type::string: {
      std::string text;
      if (!raw_string(value, text)) return false;
      if (values && !text.empty()) values->push_back(std::move(text));
      return true;
    }
    case RawValue::Type::list:
      for (const auto& [raw, escaped] : value.items) {
        auto text = unescape(raw, escaped);
        if (!text) return false;
        if (values && !text->empty()) values->push_back(std::move(*text));
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<Article> hit_fields_from_stored(std::string_view stored, bool with_text) {
  RawValue id, url, title, body, summary, published, topics, authors, source, kind, lang;
  const std::pair<std::string_view, RawValue*> known[] = {
      {"id", &id},         {"url", &url},         {"title", &title},
      {"body", &body},     {"summary", &summary}, {"published", &published},
      {"topics", &topics}, {"authors", &authors}, {"source", &source},
      {"kind", &kind},     {"lang", &lang}};
  JsonCursor cursor(stored);
  if (!cursor.consume('{')) return std::nullopt;
  if (!cursor.consume('}')) {
    do {
      std::string_view key;
      bool escaped = false;
      if (!cursor.string(key, escaped) || escaped || !cursor.consume(':')) return std::nullopt;
      RawValue scratch;
      RawValue* target = &scratch;
      for (const auto& [name, slot] : known)
        if (name == key) target = slot;
      *target = RawValue{};  // a repeated key: the last one counts, as in nlohmann's parser
      if (!cursor.value(*target)) return std::nullopt;
    } while (cursor.consume(','));
    if (!cursor.consume('}')) return std::nullopt;
  }
  if (!cursor.at_end()) return std::nullopt;

  Article article;
  if (id.type == RawValue::Type::number) {
    // An integer id reads as its digits (what article_from_json's dump() gives), when they are
    // written the way nlohmann writes them back.
    const std::string_view digits = id.text.substr(id.text[0] == '-' ? 1 : 0);
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos ||
        (digits.size() > 1 && digits[0] == '0') || id.text == "-0")
      return std::nullopt;
    article.id = std::string(id.text);
  } else if (!raw_string(id, article.id)) {
    return std::nullopt;
  }
  std::string published_text, kind_text, lang_text;
  if (!raw_string(url, article.url) || !raw_string(title, article.title) ||
      !raw_string(source, article.source) || !raw_string(published, published_text) ||
      !raw_string(kind, kind_text) || !raw_string(lang, lang_text) ||
      !raw_list(topics, &article.topics) || !raw_list(authors, nullptr))
    return std::nullopt;
  // The text fields are checked either way and decoded only when wanted.
  const bool text_wanted = with_text || blank(article.title);
  if (text_wanted) {
    if (!raw_string(body, article.body) || !raw_string(summary, article.summary))
      return std::nullopt;
  } else {
    for (const RawValue* text : {&body, &summary})
      if (text->type != RawValue::Type::absent && text->type != RawValue::Type::null &&
          text->type != RawValue::Type::string)
        return std::nullopt;
  }
  if (!published_text.empty()) {
    article.published = parse_iso8601(published_text);
    if (!article.published) return std::nullopt;
  }
  if (!kind_text.empty()) {
    if (kind_text != "article" && kind_text != "brief") return std::nullopt;
    article.kind = std::move(kind_text);
  }
  if (!lang_text.empty()) article.lang = std::move(lang_text);
  return article;
}

std::string Article::display_title(std::size_t max_chars) const {
  if (!blank(title)) return first_words(title, 1000);
  return first_words(blank(summary) ? body : summary, max_chars);
}

std::string derive_id(const Article& article) {
  if (!article.url.empty()) return "u" + hex64(fnv1a64(article.url));
  std::uint64_t hash = fnv1a64(article.title);
  hash = fnv1a64("\x1f", hash);
  if (article.published) hash = fnv1a64(std::to_string(article.published->utc_seconds), hash);
  if (article.title.empty()) hash = fnv1a64(article.body, fnv1a64("\x1f", hash));
  return "t" + hex64(hash);
}

nlohmann::json to_json(const Article& article) {
  nlohmann::json json = article.extra.is_object() ? article.extra : nlohmann::json::object();
  json["id"] = article.id;
  if (!article.url.empty()) json["url"] = article.url;
  json["title"] = article.title;
  if (!article.body.empty()) json["body"] = article.body;
  if (!article.summary.empty()) json["summary"] = article.summary;
  if (article.published) json["published"] = format_iso8601(*article.published);
  json["topics"] = article.topics;
  if (!article.authors.empty()) json["authors"] = article.authors;
  if (!article.source.empty()) json["source"] = article.source;
  json["kind"] = article.kind;
  json["lang"] = article.lang;
  return json;
}

Article article_from_json(const nlohmann::json& json, bool require_text) {
  if (!json.is_object()) throw Error(ErrorCode::bad_record, "a record must be a JSON object");
  Article article;
  article.id = string_field(json, "id");
  article.url = string_field(json, "url");
  article.title = string_field(json, "title");
  article.body = string_field(json, "body");
  article.summary = string_field(json, "summary");
  if (auto published = string_field(json, "published"); !published.empty()) {
    article.published = parse_iso8601(published);
    if (!article.published)
      throw Error(ErrorCode::bad_record,
                  "field 'published': '" + published +
                      "' is not an ISO-8601 date-time (e.g. 2025-01-30T16:10:00+01:00)");
  }
  article.topics = list_field(json, "topics");
  article.authors = list_field(json, "authors");
  article.source = string_field(json, "source");
  if (auto kind = string_field(json, "kind"); !kind.empty()) {
    if (kind != "article" && kind != "brief")
      throw Error(ErrorCode::bad_record,
                  "field 'kind': '" + kind + "' is neither \"article\" nor \"brief\"");
    article.kind = kind;
  }
  if (auto lang = string_field(json, "lang"); !lang.empty()) article.lang = lang;
  if (require_text && blank(article.title) && blank(article.body) && blank(article.summary))
    throw Error(ErrorCode::bad_record, "the record has neither title nor text");
  for (const auto& [key, value] : json.items())
    if (!kKnownFields.count(key)) article.extra[key] = value;
  return article;
}

}  // namespace newsq
