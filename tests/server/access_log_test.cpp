#include "newsq/server/access_log.hpp"

#include <sstream>

#include <catch2/catch.hpp>

using namespace newsq::server;

TEST_CASE("an access line has method, path, status, bytes and microseconds", "[access_log]") {
  CHECK(format_access_line({"GET", "/search", 200, 1234, 567}) == "GET /search 200 1234 567us");
}

TEST_CASE("the query string is never logged", "[access_log]") {
  CHECK(format_access_line({"GET", "/search?q=secret&key=abc", 200, 1, 2}) ==
        "GET /search 200 1 2us");
}

TEST_CASE("control characters cannot forge log lines", "[access_log]") {
  CHECK(format_access_line({"GET", "/a\nGET /b\x1b[31m", 404, 0, 0}) ==
        "GET /a?GET /b?[31m 404 0 0us");
  CHECK(format_access_line({"", "", 400, 5, 6}) == "- - 400 5 6us");
}

TEST_CASE("AccessLog writes whole lines", "[access_log]") {
  std::ostringstream out;
  AccessLog log(out);
  log.write({"HEAD", "/", 200, 10, 20});
  log.note("shutting down");
  CHECK(out.str() == "HEAD / 200 10 20us\nnewsq-server: shutting down\n");
}
