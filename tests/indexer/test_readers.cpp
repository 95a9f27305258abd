// Format detection and problem formatting shared by all readers.
#include <catch2/catch.hpp>

#include "newsq/errors.hpp"
#include "newsq/indexer/problem.hpp"
#include "newsq/indexer/readers.hpp"

using namespace newsq;
using namespace newsq::indexer;

TEST_CASE("the format follows the file name, .xz stripped", "[readers]") {
  CHECK(format_for_path("data/sample.jsonl") == Format::jsonl);
  CHECK(format_for_path("feed.NDJSON") == Format::jsonl);
  CHECK(format_for_path("dump.json.xz") == Format::jsonl);
  CHECK(format_for_path("reut2-000.sgm") == Format::sgml);
  CHECK(format_for_path("/x/reut2-017.sgm.xz") == Format::sgml);
  CHECK(format_for_path("seed/000_fa681b729c5b0812.txt") == Format::page);
  CHECK(format_for_path("front.page") == Format::page);
  CHECK_FALSE(format_for_path("archive.tar"));
  CHECK_FALSE(format_for_path("no_extension"));
  CHECK_FALSE(format_for_path("dir.jsonl/file"));  // the dot is in a directory name
  CHECK_FALSE(format_for_path("plain.xz"));
  CHECK(format_for_path("world.rss") == Format::feed);
  CHECK(format_for_path("science.ATOM") == Format::feed);
  CHECK(format_for_path("export.xml.xz") == Format::feed);
}

TEST_CASE("parse_format accepts the four names and rejects others", "[readers]") {
  for (auto format : {Format::jsonl, Format::page, Format::sgml, Format::feed})
    CHECK(parse_format(to_string(format)) == format);
  try {
    parse_format("xml");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_parameter);
    CHECK(std::string(e.what()).find("'xml'") != std::string::npos);
  }
}

TEST_CASE("problems print as file:line: severity: message", "[readers]") {
  CHECK(format_problem({"a.jsonl", 12, "invalid JSON: x", Severity::error}) ==
        "a.jsonl:12: error: invalid JSON: x");
  CHECK(format_problem({"b.sgm", 3, "invalid UTF-8 replaced", Severity::warning}) ==
        "b.sgm:3: warning: invalid UTF-8 replaced");
  CHECK(format_problem({"c.txt", 0, "no date", Severity::warning}) == "c.txt: warning: no date");
}
