#include "newsq/server/search_params.hpp"

#include <catch2/catch.hpp>

#include "newsq/errors.hpp"

using namespace newsq;
using namespace newsq::server;

TEST_CASE("parameters are percent- and plus-decoded", "[search_params]") {
  auto params = parse_search_params("q=Tartous+naval%20base&sort=date&offset=20&limit=5");
  CHECK(params.q == "Tartous naval base");
  CHECK(params.has_query);
  CHECK(params.sort == "date");
  CHECK(params.offset == 20);
  CHECK(params.limit == 5);
  CHECK(parse_search_params("q=a%2Bb").q == "a+b");
  CHECK(parse_search_params("q=Tart%C3%BAs").q == "Tartús");
}

TEST_CASE("a query that is a view into a longer buffer ends where the view ends",
          "[search_params]") {
  // Regression: Boost.URL 1.81's parse_query() read past the end of the view.
  std::string buffer = "exact=1&q=xyz HTTP/1.1\r\nHost: x";
  auto params = parse_search_params(std::string_view(buffer).substr(0, 13));
  CHECK(params.exact);
  CHECK(params.q == "xyz");
}

TEST_CASE("list parameters are repeatable and comma-separated", "[search_params]") {
  auto params = parse_search_params("topic=crude,grain&topic=+ship+&source=reuters&kind=brief");
  CHECK(params.topics == std::vector<std::string>{"crude", "grain", "ship"});
  CHECK(params.sources == std::vector<std::string>{"reuters"});
  CHECK(params.kinds == std::vector<std::string>{"brief"});
  CHECK(parse_search_params("topic=,,").topics.empty());
}

TEST_CASE("defaults, unknown and repeated parameters", "[search_params]") {
  auto empty = parse_search_params("");
  CHECK_FALSE(empty.has_query);
  CHECK(empty.limit == 10);
  CHECK(empty.offset == 0);
  CHECK(parse_search_params("q=").has_query);
  CHECK_FALSE(parse_search_params("utm_source=x&_=123").has_query);
  CHECK(parse_search_params("q=first&q=second").q == "first");
}

TEST_CASE("bad numbers and flags are bad_parameter", "[search_params]") {
  for (const char* query : {"limit=0", "limit=101", "limit=abc", "offset=-1", "offset=100001",
                            "exact=maybe", "limit=1e3"}) {
    INFO(query);
    try {
      parse_search_params(query);
      FAIL("no error");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::bad_parameter);
    }
  }
  CHECK(parse_search_params("exact=1").exact);
  CHECK(parse_search_params("exact").exact);
  CHECK_FALSE(parse_search_params("exact=false").exact);
}

TEST_CASE("to_search_request validates and converts", "[search_params]") {
  auto request = to_search_request(parse_search_params(
      "q=oil&topic=crude&from=1987-03-01&to=1987-03-31&sort=date&match=any&facets=topic,"
      "date:month&exact=1&offset=10&limit=20"));
  CHECK(request.query == "oil");
  CHECK(request.topics == std::vector<std::string>{"crude"});
  REQUIRE(request.from);
  REQUIRE(request.to);
  CHECK(*request.from == parse_date_bound("1987-03-01", false));
  CHECK(*request.to == parse_date_bound("1987-03-31", true));
  CHECK(request.sort == SortOrder::date);
  CHECK(request.match == MatchMode::any);
  CHECK(request.facet_topics);
  CHECK(request.facet_date == DateBucket::month);
  CHECK(request.exact);
  CHECK(request.offset == 10);
  CHECK(request.limit == 20);

  for (const char* query : {"from=yesterday", "to=2025-02-30", "sort=best", "match=some",
                            "facets=colour", "kind=video", "from=2025-02-01&to=2025-01-01"}) {
    INFO(query);
    try {
      to_search_request(parse_search_params(query));
      FAIL("no error");
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::bad_parameter);
    }
  }
}

TEST_CASE("to_query_string round-trips through parse_search_params", "[search_params]") {
  SearchParams params;
  params.q = "a & b + c/d \"e\"";
  params.has_query = true;
  params.topics = {"crude oil", "grain"};
  params.from = "2025-01-01";
  params.sort = "date";
  params.offset = 30;
  auto text = to_query_string(params);
  CHECK(text.find(' ') == std::string::npos);
  CHECK(text.find("q=a+%26+b+%2B+c%2Fd+%22e%22") == 0);
  auto back = parse_search_params(text);
  CHECK(back.q == params.q);
  CHECK(back.topics == params.topics);
  CHECK(back.from == params.from);
  CHECK(back.sort == "date");
  CHECK(back.offset == 30);
  CHECK(back.limit == 10);
  CHECK(to_query_string(SearchParams{}) == "");
}
