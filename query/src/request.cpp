// Parsing of request parameters shared by `newsq` and `newsq-server`.
#include <charconv>

#include "newsq/errors.hpp"
#include "newsq/searcher.hpp"

namespace newsq {

namespace {
[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorCode::bad_parameter, message);
}
}  // namespace

SortOrder parse_sort(std::string_view text) {
  if (text == "relevance" || text.empty()) return SortOrder::relevance;
  if (text == "date") return SortOrder::date;
  if (text == "text") return SortOrder::text;
  bad("invalid sort '" + std::string(text) + "' (expected relevance, date or text)");
}

MatchMode parse_match(std::string_view text) {
  if (text == "all" || text.empty()) return MatchMode::all;
  if (text == "any") return MatchMode::any;
  bad("invalid match '" + std::string(text) + "' (expected all or any)");
}

DateBucket parse_date_bucket(std::string_view text) {
  if (text == "day") return DateBucket::day;
  if (text == "month") return DateBucket::month;
  if (text == "year") return DateBucket::year;
  bad("invalid date bucket '" + std::string(text) + "' (expected day, month or year)");
}

void parse_facets(std::string_view text, SearchRequest& request) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    if (item == "topic" || item == "topics") {
      request.facet_topics = true;
    } else if (item == "date") {
      request.facet_date = DateBucket::day;
    } else if (item.substr(0, 5) == "date:") {
      request.facet_date = parse_date_bucket(item.substr(5));
    } else if (!item.empty()) {
      bad("invalid facet '" + std::string(item) + "' (expected topic, date, date:day, date:month "
          "or date:year)");
    }
    start = end + 1;
  }
}

std::size_t parse_count(std::string_view text, std::string_view name, std::size_t max) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    bad("invalid " + std::string(name) + " '" + std::string(text) +
        "' (expected a whole number from 0 to " + std::to_string(max) + ")");
  if (value > max)
    bad(std::string(name) + " " + std::string(text) + " is too large (at most " +
        std::to_string(max) + ")");
  return value;
}

}  // namespace newsq
