#include "newsq/article.hpp"

#include <cstdio>
#include <set>

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

}  // namespace

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
