// JSON Lines: field mapping, and every kind of bad line reported at its line while the good
// lines around it are kept.
#include <catch2/catch.hpp>

#include "collecting_sink.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using test::read_text;

TEST_CASE("JSON Lines: fields, unknown fields kept, lines counted", "[jsonl]") {
  const std::string input =
      R"({"id":"a1","url":"https://x.example/a1","title":"Tartús talks","body":"Body text.",)"
      R"("summary":"Lead.","published":"2025-01-30T16:10:00+01:00","topics":["syria","russia"],)"
      R"("source":"Wire","authors":["Lucía F."],"kind":"article","lang":"en","section":"World"})"
      "\n"
      "\n"  // blank lines are skipped, but still counted
      R"({"title":"A brief","kind":"brief","published":"2025-01-30T15:10:00Z"})"
      "\n";
  auto sink = read_text(Format::jsonl, input, {}, "feed.jsonl");
  REQUIRE(sink.problems.empty());
  REQUIRE(sink.records.size() == 2);

  const auto& first = sink.records[0];
  CHECK(first.line == 1);
  CHECK(first.article.id == "a1");
  CHECK(first.article.url == "https://x.example/a1");
  CHECK(first.article.title == "Tartús talks");
  CHECK(first.article.body == "Body text.");
  CHECK(first.article.summary == "Lead.");
  REQUIRE(first.article.published);
  CHECK(first.article.published->utc_seconds == 1738249800);  // 15:10Z
  CHECK(first.article.published->offset_minutes == 60);
  CHECK(first.article.topics == std::vector<std::string>{"syria", "russia"});
  CHECK(first.article.authors == std::vector<std::string>{"Lucía F."});
  CHECK(first.article.source == "Wire");
  CHECK(first.article.extra.at("section") == "World");

  const auto& second = sink.records[1];
  CHECK(second.line == 3);
  CHECK(second.article.kind == "brief");
  CHECK(second.article.id.empty());  // derived later by the IndexWriter
}

TEST_CASE("JSON Lines: bad lines are reported at their line, good ones kept", "[jsonl]") {
  const std::string input = R"({"id":"good-1","title":"First good record"})"
                            "\n"
                            R"({"id":"bad-json","title": "missing brace")"
                            "\n"
                            R"({"id":"empty","title":"","body":"  "})"
                            "\n"
                            R"({"id":"bad-date","title":"Dated","published":"30/01/2025"})"
                            "\n"
                            R"({"id":"bad-kind","title":"Kind","kind":"opinion"})"
                            "\n"
                            R"(["an","array"])"
                            "\n"
                            R"({"id":"good-2","title":"Second good record"})"
                            "\n";
  auto sink = read_text(Format::jsonl, input, {}, "bad.jsonl");
  REQUIRE(sink.records.size() == 2);
  CHECK(sink.records[0].article.id == "good-1");
  CHECK(sink.records[1].article.id == "good-2");
  CHECK(sink.records[1].line == 7);

  REQUIRE(sink.problems.size() == 5);
  CHECK(sink.errors() == 5);
  const auto expect = [&](std::size_t index, std::size_t line, std::string fragment) {
    const auto& problem = sink.problems[index];
    CHECK(problem.file == "bad.jsonl");
    CHECK(problem.line == line);
    INFO(problem.message);
    CHECK(problem.message.find(fragment) != std::string::npos);
  };
  expect(0, 2, "invalid JSON: ");
  expect(1, 3, "neither title nor text");
  expect(2, 4, "30/01/2025");
  expect(3, 5, "opinion");
  expect(4, 6, "object");
  // nlohmann's internal exception id is not shown to users.
  CHECK(sink.problems[0].message.find("[json.exception") == std::string::npos);
}

TEST_CASE("JSON Lines: invalid UTF-8 is replaced with a warning, record kept", "[jsonl]") {
  const std::string input =
      "{\"id\":\"ok\",\"title\":\"fine\"}\n"
      "{\"id\":\"latin1\",\"title\":\"Caf\xE9 society\"}\n";
  auto sink = read_text(Format::jsonl, input, {}, "enc.jsonl");
  REQUIRE(sink.records.size() == 2);
  CHECK(sink.records[1].article.title == "Caf\xEF\xBF\xBD society");
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].severity == Severity::warning);
  CHECK(sink.problems[0].line == 2);
  CHECK(sink.problems[0].message == "invalid UTF-8 replaced");
}

TEST_CASE("JSON Lines: CRLF, BOM and a default source", "[jsonl]") {
  const std::string input =
      "\xEF\xBB\xBF{\"title\":\"One\"}\r\n{\"title\":\"Two\",\"source\":\"Own\"}\r\n";
  ReadOptions options;
  options.source = "Default";
  auto sink = read_text(Format::jsonl, input, options);
  REQUIRE(sink.problems.empty());
  REQUIRE(sink.records.size() == 2);
  CHECK(sink.records[0].article.source == "Default");  // none given: the option
  CHECK(sink.records[1].article.source == "Own");      // given: kept
}

TEST_CASE("data/sample.jsonl is clean and varied", "[jsonl][data]") {
  auto sink =
      read_text(Format::jsonl, test::read_file(test::source_dir() / "data" / "sample.jsonl"), {},
                "sample.jsonl");
  CHECK(sink.problems.empty());
  REQUIRE(sink.records.size() >= 10);
  REQUIRE(sink.records.size() <= 20);
  bool brief = false, accented = false, offset = false, spanish = false;
  for (const auto& [article, line] : sink.records) {
    CHECK_FALSE(article.id.empty());
    CHECK(article.published);
    brief = brief || article.kind == "brief";
    accented = accented || article.title.find("Tartús") != std::string::npos;
    offset = offset || (article.published && article.published->offset_minutes != 0);
    spanish = spanish || article.lang == "es";
  }
  CHECK(brief);
  CHECK(accented);
  CHECK(offset);
  CHECK(spanish);
}
