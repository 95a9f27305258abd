#include "newsq/server/search_params.hpp"

#include <utility>

#include <boost/url/encode.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url_view.hpp>

#include "newsq/errors.hpp"
#include "newsq/timeutil.hpp"

namespace newsq::server {

namespace urls = boost::urls;

namespace {

/// Appends the comma-separated, trimmed, non-empty parts of `value` to `out`.
void append_list(std::string_view value, std::vector<std::string>& out) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto part = value.substr(0, comma);
    auto first = part.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      auto last = part.find_last_not_of(" \t");
      out.emplace_back(part.substr(first, last - first + 1));
    }
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

bool parse_flag(std::string_view value, std::string_view name) {
  if (value.empty() || value == "1" || value == "true") return true;
  if (value == "0" || value == "false") return false;
  throw Error(ErrorCode::bad_parameter,
              std::string(name) + " must be 1, 0, true or false, not '" + std::string(value) + "'");
}

/// application/x-www-form-urlencoded, as a browser's GET form writes it.
std::string form_encode(std::string_view text) {
  urls::encoding_opts options;
  options.space_as_plus = true;
  return urls::encode(urls::string_view(text.data(), text.size()), urls::unreserved_chars, options);
}

/// Calls `visit(key, value)` for each decoded parameter of a percent-encoded query string.
template <typename Visit>
void for_each_param(std::string_view encoded_query, Visit visit) {
  // Parsed as part of an origin-form target: Boost.URL 1.81's parse_query() and
  // params_view(string_view) read past the end of a view that is not the end of its buffer.
  std::string target = "/?" + std::string(encoded_query);
  auto parsed = urls::parse_origin_form(target);
  if (!parsed)
    throw Error(ErrorCode::bad_parameter, "malformed query string: " + parsed.error().message());
  // HTML forms encode spaces as '+'; so does every link this server writes.
  for (const auto& param : parsed->params(urls::encoding_opts(true)))
    visit(param.key, param.value);
}

}  // namespace

SuggestParams parse_suggest_params(std::string_view encoded_query) {
  SuggestParams result;
  bool seen_q = false, seen_limit = false;
  for_each_param(encoded_query, [&](const std::string& key, const std::string& value) {
    if (key == "q" && !std::exchange(seen_q, true)) {
      result.q = value;
    } else if (key == "limit" && !std::exchange(seen_limit, true)) {
      result.limit = parse_count(value, "limit", kMaxSuggestions);
      if (result.limit == 0)
        throw Error(ErrorCode::bad_parameter,
                    "limit must be between 1 and " + std::to_string(kMaxSuggestions));
    }
  });
  return result;
}

SearchParams parse_search_params(std::string_view encoded_query) {
  SearchParams result;
  bool seen_q = false, seen_from = false, seen_to = false, seen_sort = false, seen_match = false,
       seen_facets = false, seen_lang = false, seen_offset = false, seen_limit = false,
       seen_now = false;
  auto first = [](bool& seen) { return !std::exchange(seen, true); };
  for_each_param(encoded_query, [&](const std::string& key, const std::string& value) {
    if (key == "q") {
      if (first(seen_q)) result.q = value;
      result.has_query = true;
    } else if (key == "topic") {
      append_list(value, result.topics);
      result.has_query = true;
    } else if (key == "source") {
      append_list(value, result.sources);
      result.has_query = true;
    } else if (key == "kind") {
      append_list(value, result.kinds);
      result.has_query = true;
    } else if (key == "from") {
      if (first(seen_from)) result.from = value;
      result.has_query = true;
    } else if (key == "to") {
      if (first(seen_to)) result.to = value;
      result.has_query = true;
    } else if (key == "sort") {
      if (first(seen_sort)) result.sort = value;
    } else if (key == "now") {
      if (first(seen_now)) result.now = value;
    } else if (key == "match") {
      if (first(seen_match)) result.match = value;
    } else if (key == "facets") {
      if (first(seen_facets)) result.facets = value;
    } else if (key == "lang") {
      if (first(seen_lang)) result.lang = value;
    } else if (key == "offset") {
      if (first(seen_offset)) result.offset = parse_count(value, "offset", kMaxOffset);
    } else if (key == "limit") {
      if (first(seen_limit)) {
        result.limit = parse_count(value, "limit", kMaxLimit);
        if (result.limit == 0)
          throw Error(ErrorCode::bad_parameter,
                      "limit must be between 1 and " + std::to_string(kMaxLimit));
      }
    } else if (key == "facet_size") {
      // Bounded here only against overflow; the router applies its configured maximum.
      if (!result.facet_size) result.facet_size = parse_count(value, "facet_size", 1'000'000);
    } else if (key == "exact") {
      result.exact = parse_flag(value, "exact");
    } else if (key == "collapse") {
      result.collapse = parse_flag(value, "collapse");
    }
  });
  return result;
}

SearchRequest to_search_request(const SearchParams& params, const Recency& recency) {
  SearchRequest request;
  request.recency = recency;
  if (!params.now.empty()) request.recency.now = parse_date_bound(params.now, false);
  request.query = params.q;
  request.topics = params.topics;
  request.sources = params.sources;
  request.kinds = params.kinds;
  for (const auto& kind : request.kinds) {
    if (kind != "article" && kind != "brief")
      throw Error(ErrorCode::bad_parameter, "kind must be article or brief, not '" + kind + "'");
  }
  if (!params.from.empty()) request.from = parse_date_bound(params.from, false);
  if (!params.to.empty()) request.to = parse_date_bound(params.to, true);
  if (request.from && request.to && *request.from > *request.to)
    throw Error(ErrorCode::bad_parameter,
                "from (" + params.from + ") is after to (" + params.to + ")");
  if (!params.sort.empty()) request.sort = parse_sort(params.sort);
  if (!params.match.empty()) request.match = parse_match(params.match);
  if (!params.facets.empty()) parse_facets(params.facets, request);
  if (!params.lang.empty()) request.lang = params.lang;
  request.offset = params.offset;
  request.limit = params.limit;
  request.exact = params.exact;
  request.collapse = params.collapse;
  if (params.facet_size) request.facet_size = *params.facet_size;
  return request;
}

std::string to_query_string(const SearchParams& params) {
  std::string query;
  auto add = [&query](std::string_view key, std::string_view value) {
    if (!query.empty()) query += '&';
    query += key;
    query += '=';
    query += form_encode(value);
  };
  if (params.has_query || !params.q.empty()) add("q", params.q);
  for (const auto& topic : params.topics) add("topic", topic);
  for (const auto& source : params.sources) add("source", source);
  for (const auto& kind : params.kinds) add("kind", kind);
  if (!params.from.empty()) add("from", params.from);
  if (!params.to.empty()) add("to", params.to);
  if (!params.sort.empty() && params.sort != "relevance") add("sort", params.sort);
  if (!params.now.empty()) add("now", params.now);
  if (!params.match.empty() && params.match != "all") add("match", params.match);
  if (!params.lang.empty()) add("lang", params.lang);
  if (params.offset != 0) add("offset", std::to_string(params.offset));
  if (params.limit != 10) add("limit", std::to_string(params.limit));
  if (!params.collapse) add("collapse", "false");
  return query;
}

}  // namespace newsq::server
