// The JSON shape of search results, shared by `newsq --json` and GET /search.
#include "newsq/errors.hpp"
#include "newsq/searcher.hpp"

namespace newsq {

nlohmann::json to_json(const SearchResult& result) {
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& hit : result.hits) {
    hits.push_back({
        {"id", hit.id},
        {"title", hit.title},
        {"url", hit.url},
        {"published", hit.published ? nlohmann::json(format_iso8601(*hit.published)) : nullptr},
        {"topics", hit.topics},
        {"source", hit.source},
        {"kind", hit.kind},
        {"snippet", hit.snippet},
        {"score", hit.score},
        {"collapsed", hit.collapsed},
    });
  }
  nlohmann::json facets = nlohmann::json::object();
  if (result.facet_topics) {
    facets["topic"] = nlohmann::json::array();
    for (const auto& f : result.topic_facets)
      facets["topic"].push_back({{"value", f.value}, {"count", f.count}});
  }
  if (result.facet_date) {
    facets["date"] = nlohmann::json::array();
    for (const auto& f : result.date_facets)
      facets["date"].push_back({{"bucket", f.value}, {"count", f.count}});
  }
  nlohmann::json json = {
      {"query", result.query},
      {"total", {{"value", result.total}, {"exact", result.total_exact}}},
      {"hits", std::move(hits)},
      {"facets", std::move(facets)},
      {"suggestion", result.suggestion ? nlohmann::json(*result.suggestion) : nullptr},
      {"corrected", result.corrected},
  };
  if (result.shards_missing > 0) {
    json["partial"] = true;
    json["shards_missing"] = result.shards_missing;
  }
  return json;
}

nlohmann::json to_json(std::string_view query, const std::vector<Suggestion>& suggestions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& suggestion : suggestions)
    list.push_back(
        {{"text", suggestion.text}, {"kind", suggestion.kind}, {"count", suggestion.count}});
  return {{"query", query}, {"suggestions", std::move(list)}};
}

SearchResult search_result_from_json(const nlohmann::json& json) {
  try {
    SearchResult result;
    result.query = json.at("query").get<std::string>();
    result.total = json.at("total").at("value").get<std::uint64_t>();
    result.total_exact = json.at("total").at("exact").get<bool>();
    for (const auto& h : json.at("hits")) {
      Hit hit;
      hit.id = h.at("id").get<std::string>();
      hit.title = h.at("title").get<std::string>();
      hit.url = h.value("url", "");
      if (h.contains("published") && h["published"].is_string())
        hit.published = parse_iso8601(h["published"].get<std::string>());
      hit.topics = h.value("topics", std::vector<std::string>{});
      hit.source = h.value("source", "");
      hit.kind = h.value("kind", "");
      hit.snippet = h.value("snippet", "");
      hit.score = h.value("score", 0.0);
      hit.collapsed = h.value("collapsed", std::uint64_t{0});
      result.hits.push_back(std::move(hit));
    }
    const auto& facets = json.at("facets");
    if (facets.contains("topic")) {
      result.facet_topics = true;
      for (const auto& f : facets["topic"])
        result.topic_facets.push_back({f.at("value").get<std::string>(), f.at("count").get<std::uint64_t>()});
    }
    if (facets.contains("date")) {
      result.facet_date = true;
      for (const auto& f : facets["date"])
        result.date_facets.push_back({f.at("bucket").get<std::string>(), f.at("count").get<std::uint64_t>()});
    }
    if (json.contains("suggestion") && json["suggestion"].is_string())
      result.suggestion = json["suggestion"].get<std::string>();
    result.corrected = json.value("corrected", false);
    result.shards_missing = json.value("shards_missing", std::size_t{0});
    return result;
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCode::bad_parameter,
                std::string("the server's answer is not a search result: ") + error.what());
  }
}

}  // namespace newsq
