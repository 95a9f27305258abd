// The parameters of GET /search and of the search page, read from a URL query string. The page
// keeps them as given (dates as typed) to build refinement links; to_search_request() validates
// them into a newsq::SearchRequest.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsq/searcher.hpp"

namespace newsq::server {

struct SearchParams {
  std::string q;
  bool has_query = false;  ///< some search parameter (q, topic, source, kind, from, to) was given
  std::vector<std::string> topics;   ///< `topic`, repeatable and/or comma-separated
  std::vector<std::string> sources;  ///< `source`, likewise
  std::vector<std::string> kinds;    ///< `kind`, likewise
  std::string from;                  ///< as given: "2025-01-30" or ISO-8601
  std::string to;
  std::string sort;    ///< "" (relevance), "relevance", "date" or "text"
  std::string now;     ///< reference time of the recency blend, as given; "" for the default
  std::string match;   ///< "" (all), "all" or "any"
  std::string facets;  ///< e.g. "topic,date:month"; "" for none
  std::string lang;    ///< "" for the default ("en")
  std::size_t offset = 0;
  std::size_t limit = 10;
  bool exact = false;
  bool collapse = true;
  /// `facet_size`: topic buckets wanted (the router bounds it); none: the library's default.
  std::optional<std::size_t> facet_size;
};

/// Reads the parameters from a percent-encoded query string (without '?'). Unknown parameters
/// are ignored (so caches and trackers can add their own). A repeated single-valued parameter
/// keeps its first value. Throws Error(bad_parameter) for a malformed query string, an offset or
/// limit that is not a number in range (offset <= kMaxOffset, 1 <= limit <= kMaxLimit), or an
/// `exact` that is not 1/0/true/false.
SearchParams parse_search_params(std::string_view encoded_query);

/// Validates into a SearchRequest (dates through parse_date_bound, sort, match and facets through
/// the library's parsers). Throws Error(bad_parameter) naming the bad value.
/// `recency` is the server's blend (weight and half-life); the `now` parameter, when given,
/// sets its reference time.
SearchRequest to_search_request(const SearchParams& params, const Recency& recency = {});

/// GET /suggest's parameters: `q` (the text typed so far) and `limit` (1 to
/// newsq::kMaxSuggestions, default 8). Throws Error(bad_parameter) like parse_search_params.
struct SuggestParams {
  std::string q;
  std::size_t limit = 8;
};
SuggestParams parse_suggest_params(std::string_view encoded_query);

/// The percent-encoded query string (without '?') that parse_search_params() reads back into
/// `params`; default values are left out so links stay short. `facets` and `exact` are omitted
/// (the page chooses its own facets).
std::string to_query_string(const SearchParams& params);

}  // namespace newsq::server
