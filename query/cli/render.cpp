#include "render.hpp"

namespace newsq::cli {

namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kMark = "\033[1;33m";
constexpr const char* kDim = "\033[2m";
constexpr const char* kReset = "\033[0m";

std::string decode_entity(std::string_view entity) {
  if (entity == "amp") return "&";
  if (entity == "lt") return "<";
  if (entity == "gt") return ">";
  if (entity == "quot") return "\"";
  if (entity == "#39" || entity == "apos") return "'";
  return "&" + std::string(entity) + ";";
}

}  // namespace

std::string snippet_for_terminal(std::string_view html, bool color) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<mark>") == 0) {
      if (color) out += kMark;
      i += 6;
    } else if (html.compare(i, 7, "</mark>") == 0) {
      if (color) out += kReset;
      i += 7;
    } else if (html[i] == '&') {
      const auto semicolon = html.find(';', i);
      if (semicolon == std::string_view::npos || semicolon - i > 6) {
        out += html[i++];
      } else {
        out += decode_entity(html.substr(i + 1, semicolon - i - 1));
        i = semicolon + 1;
      }
    } else {
      out += html[i++];
    }
  }
  return out;
}

void render(std::ostream& out, const SearchResult& result, const RenderOptions& options) {
  const auto style = [&](const char* code) { return options.color ? code : ""; };
  out << (result.total_exact ? "" : "about ") << result.total
      << (result.total == 1 ? " result" : " results");
  if (!result.hits.empty())
    out << ", showing " << options.offset + 1 << "-" << options.offset + result.hits.size();
  if (result.shards_missing > 0)
    out << " (partial: " << result.shards_missing
        << (result.shards_missing == 1 ? " shard" : " shards") << " did not answer)";
  out << "\n";
  if (result.suggestion) out << "Did you mean: " << style(kBold) << *result.suggestion << style(kReset) << "\n";
  std::size_t rank = options.offset;
  for (const auto& hit : result.hits) {
    out << "\n" << ++rank << ". " << style(kBold) << hit.title << style(kReset) << "\n   ";
    out << style(kDim);
    out << (hit.published ? format_iso8601(*hit.published) : std::string("(no date)"));
    if (!hit.kind.empty()) out << "  " << hit.kind;
    if (!hit.source.empty()) out << "  " << hit.source;
    if (!hit.topics.empty()) {
      out << "  [";
      for (std::size_t i = 0; i < hit.topics.size(); ++i) out << (i ? ", " : "") << hit.topics[i];
      out << "]";
    }
    out << "  id:" << hit.id;
    if (hit.collapsed > 0)
      out << "  (+" << hit.collapsed << " similar " << (hit.collapsed == 1 ? "story" : "stories")
          << ")";
    out << style(kReset) << "\n";
    if (!hit.url.empty()) out << "   " << hit.url << "\n";
    if (!hit.snippet.empty()) out << "   " << snippet_for_terminal(hit.snippet, options.color) << "\n";
  }
  if (result.facet_topics) {
    out << "\nTopics:";
    if (result.topic_facets.empty()) out << " (none)";
    for (const auto& facet : result.topic_facets) out << "\n  " << facet.value << " (" << facet.count << ")";
    out << "\n";
  }
  if (result.facet_date) {
    out << "\nDates:";
    if (result.date_facets.empty()) out << " (none)";
    for (const auto& facet : result.date_facets) out << "\n  " << facet.value << " (" << facet.count << ")";
    out << "\n";
  }
}

}  // namespace newsq::cli
