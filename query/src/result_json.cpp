// The JSON shape of search results, shared by `newsq --json` and GET /search.
#include "newsq/errors.hpp"
#include "newsq/searcher.hpp"

#include <string_view>
#include <type_traits>
#include <utility>

namespace newsq {

namespace {

// One hit as a JSON object. The object is filled member by member rather than from an
// initializer list, which builds a two-element array per member first (three allocations per
// member, ten members a hit, ten hits an answer); the output is the same, keys sorted by
// nlohmann's std::map. Strings are moved in when the caller gives the hit away.
template <typename HitRef>
nlohmann::json hit_json(HitRef&& hit) {
  constexpr bool kMove = !std::is_lvalue_reference_v<HitRef>;
  const auto take = [](auto& value) -> decltype(auto) {
    if constexpr (kMove)
      return std::move(value);
    else
      return static_cast<const std::remove_reference_t<decltype(value)>&>(value);
  };
  nlohmann::json json(nlohmann::json::value_t::object);
  auto& members = *json.get_ptr<nlohmann::json::object_t*>();
  // In key order, so each insertion lands at the end (a constant-time hint).
  const auto add = [&](std::string_view key, nlohmann::json value) {
    members.emplace_hint(members.end(), key, std::move(value));
  };
  add("collapsed", hit.collapsed);
  add("id", take(hit.id));
  add("kind", take(hit.kind));
  add("published", hit.published ? nlohmann::json(format_iso8601(*hit.published)) : nullptr);
  add("score", hit.score);
  add("snippet", take(hit.snippet));
  add("source", take(hit.source));
  add("title", take(hit.title));
  nlohmann::json topics(nlohmann::json::value_t::array);
  auto& items = *topics.get_ptr<nlohmann::json::array_t*>();
  items.reserve(hit.topics.size());
  for (auto& topic : hit.topics) items.emplace_back(take(topic));
  add("topics", std::move(topics));
  add("url", take(hit.url));
  return json;
}

template <typename ResultRef>
nlohmann::json result_json(ResultRef&& result) {
  nlohmann::json hits(nlohmann::json::value_t::array);
  auto& items = *hits.get_ptr<nlohmann::json::array_t*>();
  items.reserve(result.hits.size());
  for (auto& hit : result.hits) {
    if constexpr (std::is_lvalue_reference_v<ResultRef>)
      items.push_back(hit_json(static_cast<const Hit&>(hit)));
    else
      items.push_back(hit_json(std::move(hit)));
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

}  // namespace

nlohmann::json to_json(const SearchResult& result) { return result_json(result); }

nlohmann::json to_json(SearchResult&& result) { return result_json(std::move(result)); }

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
