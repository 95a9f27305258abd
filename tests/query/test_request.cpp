#include <catch2/catch.hpp>

#include "newsq/errors.hpp"
#include "newsq/searcher.hpp"

using namespace newsq;

TEST_CASE("request parameters parse and reject bad values", "[request]") {
  CHECK(parse_sort("date") == SortOrder::date);
  CHECK(parse_sort("relevance") == SortOrder::relevance);
  CHECK_THROWS_AS(parse_sort("random"), Error);
  CHECK(parse_match("any") == MatchMode::any);
  CHECK_THROWS_AS(parse_match("some"), Error);

  SearchRequest request;
  parse_facets("topic,date:month", request);
  CHECK(request.facet_topics);
  REQUIRE(request.facet_date);
  CHECK(*request.facet_date == DateBucket::month);
  SearchRequest by_day;
  parse_facets("date", by_day);
  CHECK(*by_day.facet_date == DateBucket::day);
  CHECK_FALSE(by_day.facet_topics);
  CHECK_THROWS_AS(parse_facets("topic,colour", request), Error);
  CHECK_THROWS_AS(parse_facets("date:week", request), Error);

  CHECK(parse_count("25", "limit", 100) == 25);
  CHECK_THROWS_AS(parse_count("101", "limit", 100), Error);
  CHECK_THROWS_AS(parse_count("-1", "limit", 100), Error);
  CHECK_THROWS_AS(parse_count("10x", "limit", 100), Error);
  CHECK_THROWS_AS(parse_count("", "limit", 100), Error);
}
