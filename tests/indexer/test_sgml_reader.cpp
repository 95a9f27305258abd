// Reuters-21578 SGML: a small hand-made file in the corpus's exact shape, the corpus's broken
// records, and the whole shared corpus checked against counts taken from the raw text.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "collecting_sink.hpp"
#include "newsq/indexer/input_file.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;
using test::read_text;

namespace {

// Four records as they appear in reut2-000.sgm: a normal story with entities and a sign-off, a
// BRIEF (no BODY, placeholder text), an UNPROC table (no TITLE, no BODY), a story with AUTHOR.
const std::string kSample = R"(<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D><D>coffee</D></TOPICS>
<PLACES><D>el-salvador</D><D>usa</D></PLACES>
<PEOPLE></PEOPLE>
<ORGS><D>ico-coffee</D></ORGS>
<EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<UNKNOWN> 
&#5;&#5;&#5;C T
&#22;&#22;&#1;f0704&#31;reute
u f BC-BAHIA-COCOA-REVIEW   02-26 0105</UNKNOWN>
<TEXT>&#2;
<TITLE>BAHIA COCOA &lt;BHC> REVIEW &amp; OUTLOOK</TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout the week in
the Bahia cocoa zone, said Plc &lt;BP>.
    Arrivals rose.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5573" NEWID="30">
<DATE>26-FEB-1987 15:43:10.51</DATE>
<TOPICS></TOPICS>
<PLACES><D>usa</D></PLACES>
<PEOPLE></PEOPLE>
<ORGS></ORGS>
<EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<UNKNOWN> 
&#5;&#5;&#5;F
&#22;&#22;&#1;f0777&#31;reute
b f BC-MONEY-MARKET-FUNDS   02-26 0015</UNKNOWN>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK
</TITLE>Blah blah blah.
&#3;

</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5626" NEWID="83">
<DATE>26-FEB-1987 16:52:52.65</DATE>
<TOPICS></TOPICS>
<PLACES></PLACES>
<PEOPLE></PEOPLE>
<ORGS></ORGS>
<EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<UNKNOWN> 
&#5;&#5;&#5;RM
&#22;&#22;&#1;f0863&#31;reute
u f BC-FED-WEEKLY-REPORT   02-26 0110</UNKNOWN>
<TEXT TYPE="UNPROC">&#2;
FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26
 Net free reserves.............644 vs.....1,337
 Reuter
&#3;

</TEXT>
</REUTERS>
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5600" NEWID="57">
<DATE> 2-MAR-1987 06:41:42.20</DATE>
<MKNOTE>Moved TOPICS closure - SPF</MKNOTE>
<TOPICS><D>crude</D></TOPICS>
<PLACES><D>brazil</D></PLACES>
<PEOPLE></PEOPLE>
<ORGS></ORGS>
<EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<UNKNOWN>&#5;&#5;&#5;Y
f0022 reute</UNKNOWN>
<TEXT>&#2;
<TITLE>BRAZIL OIL OUTPUT FALLS</TITLE>
<AUTHOR>    By Cal Mankowski, Reuters</AUTHOR>
<DATELINE>    RIO DE JANEIRO, March 2 - </DATELINE><BODY>Output fell 5 pct.
 REUTER
&#3;</BODY></TEXT>
</REUTERS>
)";

// The 1-based line of the first occurrence of `fragment` in `text`.
std::size_t line_of(const std::string& text, std::string_view fragment) {
  const auto at = text.find(fragment);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

const test::CollectedRecord& by_id(const test::CollectingSink& sink, const std::string& id) {
  for (const auto& record : sink.records)
    if (record.article.id == id) return record;
  FAIL("no record " << id);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("SGML: a normal story", "[sgml]") {
  auto sink = read_text(Format::sgml, kSample, {}, "reut.sgm");
  INFO((sink.problems.empty() ? "" : format_problem(sink.problems[0])));
  REQUIRE(sink.problems.empty());
  REQUIRE(sink.records.size() == 4);

  const auto& record = by_id(sink, "reuters-1");
  const Article& story = record.article;
  CHECK(record.line == 2);
  CHECK(story.title == "BAHIA COCOA <BHC> REVIEW & OUTLOOK");
  CHECK(story.body ==
        "Showers continued throughout the week in\nthe Bahia cocoa zone, said Plc <BP>.\n"
        "    Arrivals rose.");
  REQUIRE(story.published);
  CHECK(story.published->utc_seconds == 541350061);  // 1987-02-26T15:01:01Z
  CHECK(story.published->offset_minutes == 0);
  CHECK(story.topics == std::vector<std::string>{"cocoa", "coffee"});
  CHECK(story.extra.at("places") == nlohmann::json({"el-salvador", "usa"}));
  CHECK(story.extra.at("orgs") == nlohmann::json({"ico-coffee"}));
  CHECK_FALSE(story.extra.contains("people"));  // empty lists are not stored
  CHECK(story.extra.at("dateline") == "SALVADOR, Feb 26");
  CHECK(story.source == "reuters");
  CHECK(story.kind == "article");
  CHECK(story.lang == "en");
  CHECK(story.authors.empty());
}

TEST_CASE("SGML: BRIEF, UNPROC and AUTHOR records", "[sgml]") {
  auto sink = read_text(Format::sgml, kSample, {}, "reut.sgm");
  const auto& brief = by_id(sink, "reuters-30");
  CHECK(brief.line == line_of(kSample, "NEWID=\"30\""));
  CHECK(brief.article.kind == "brief");
  CHECK(brief.article.title ==
        "ASSETS OF MONEY MARKET MUTUAL FUNDS ROSE 720.4 MLN DLRS IN LATEST WEEK");
  CHECK(brief.article.body.empty());  // "Blah blah blah." is the corpus's placeholder
  CHECK(brief.article.topics.empty());

  const auto& table = by_id(sink, "reuters-83");
  CHECK(table.article.kind == "article");
  CHECK(table.article.title.empty());
  CHECK(
      table.article.body ==
      "FEDERAL RESERVE WEEKLY REPORT 1 - FEB 26\n Net free reserves.............644 vs.....1,337");
  CHECK(table.article.display_title().starts_with("FEDERAL RESERVE WEEKLY REPORT"));

  const auto& authored = by_id(sink, "reuters-57");
  CHECK(authored.article.authors == std::vector<std::string>{"Cal Mankowski"});
  CHECK(authored.article.body == "Output fell 5 pct.");
  CHECK(format_iso8601(*authored.article.published) == "1987-03-02T06:41:42Z");
}

TEST_CASE("SGML: --source replaces reuters", "[sgml]") {
  ReadOptions options;
  options.source = "reuters-archive";
  auto sink = read_text(Format::sgml, kSample, options);
  for (const auto& record : sink.records) CHECK(record.article.source == "reuters-archive");
}

TEST_CASE("SGML: dates with wire codes parse, an impossible one is a warning", "[sgml]") {
  std::string input = kSample;
  input.replace(input.find("26-FEB-1987 15:43:10.51"), 23, "27-MAR-1987 00:02:59.13&#5;&#5;RM");
  input.replace(input.find("26-FEB-1987 16:52:52.65"), 23, "31-MAR-1987 605:12:19.12");
  auto sink = read_text(Format::sgml, input, {}, "dates.sgm");
  REQUIRE(sink.records.size() == 4);
  CHECK(format_iso8601(*by_id(sink, "reuters-30").article.published) == "1987-03-27T00:02:59Z");
  CHECK_FALSE(by_id(sink, "reuters-83").article.published);
  REQUIRE(sink.problems.size() == 1);
  const auto& problem = sink.problems[0];
  CHECK(problem.severity == Severity::warning);
  CHECK(problem.file == "dates.sgm");
  CHECK(problem.line == line_of(input, "605:12"));
  CHECK(problem.message.find("31-MAR-1987 605:12:19.12") != std::string::npos);
}

TEST_CASE("SGML: a truncated file keeps the records before the cut", "[sgml]") {
  const std::string truncated = kSample.substr(0, kSample.find("Output fell"));
  auto sink = read_text(Format::sgml, truncated, {}, "cut.sgm");
  CHECK(sink.records.size() == 3);
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].severity == Severity::error);
  CHECK(sink.problems[0].line == line_of(kSample, "NEWID=\"57\""));
  CHECK(sink.problems[0].message.find("NEWID=\"57\"") != std::string::npos);
}

TEST_CASE("SGML: a record cut off by the next one is an error at its start", "[sgml]") {
  std::string input = kSample;
  const auto end_of_brief = input.find("</REUTERS>", input.find("NEWID=\"30\""));
  input.erase(end_of_brief, std::string("</REUTERS>").size());
  auto sink = read_text(Format::sgml, input, {}, "cut.sgm");
  CHECK(sink.records.size() == 3);
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].line == line_of(input, "NEWID=\"30\""));
  CHECK(by_id(sink, "reuters-83").line == line_of(input, "NEWID=\"83\""));
}

TEST_CASE("SGML: a record with neither title nor text is kept, with a warning", "[sgml]") {
  // As NEWID 12793 in reut2-012.sgm: an UNPROC record whose TEXT holds only wire codes.
  const std::string input =
      "<REUTERS TOPICS=\"NO\" NEWID=\"7\">\n<DATE> 3-APR-1987 07:09:06.48</DATE>\n"
      "<TOPICS></TOPICS>\n<TEXT TYPE=\"UNPROC\">&#2;\n&#3;\n\n</TEXT>\n</REUTERS>\n" +
      kSample;
  auto sink = read_text(Format::sgml, input, {}, "empty.sgm");
  CHECK(sink.records.size() == 5);
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].severity == Severity::warning);
  CHECK(sink.problems[0].line == 1);
  CHECK(sink.problems[0].message ==
        "the record has neither title nor text: kept empty, as in the archive");
}

TEST_CASE("SGML: invalid UTF-8 is a warning at the line of the bad byte", "[sgml]") {
  std::string input = kSample;
  input.replace(input.find("Arrivals rose."), 14,
                "Arriv\xE9"
                "es rose.");
  auto sink = read_text(Format::sgml, input, {}, "bytes.sgm");
  REQUIRE(sink.records.size() == 4);
  CHECK(by_id(sink, "reuters-1")
            .article.body.find("Arriv\xEF\xBF\xBD"
                               "es") != std::string::npos);
  REQUIRE(sink.problems.size() == 1);
  CHECK(sink.problems[0].severity == Severity::warning);
  CHECK(sink.problems[0].line == line_of(input, "Arriv"));
  CHECK(sink.problems[0].message == "invalid UTF-8 replaced");
}

// ---- The shared corpus -----------------------------------------------------------------------

namespace {

std::vector<std::filesystem::path> reuters_files() {
  std::vector<std::filesystem::path> files;
  const auto shared = test::shared_dir();
  if (!shared) return files;
  const auto dir = *shared / "corpus" / "reuters21578" / "raw";
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.starts_with("reut2-") && name.ends_with(".sgm.xz")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct CorpusReading {
  test::CollectingSink sink;
  std::map<std::string, std::size_t> raw_topic_counts;  ///< counted from the raw lines
  std::size_t raw_records = 0;
  std::size_t raw_briefs = 0;
};

// Reads the corpus once for all the tests below: through read_sgml(), and independently by
// counting <D> items on the raw <TOPICS> lines (the corpus writes each TOPICS on one line).
const CorpusReading& corpus() {
  static const CorpusReading reading = [] {
    CorpusReading result;
    for (const auto& path : reuters_files()) {
      InputFile input(path.string());
      read_sgml(input.stream(), input.name(), {}, result.sink);
      REQUIRE_FALSE(input.error());

      InputFile raw(path.string());
      std::string line;
      while (std::getline(raw.stream(), line)) {
        if (line.starts_with("<REUTERS ")) ++result.raw_records;
        if (line.find("<TEXT TYPE=\"BRIEF\">") != std::string::npos) ++result.raw_briefs;
        if (!line.starts_with("<TOPICS>")) continue;
        for (auto at = line.find("<D>"); at != std::string::npos; at = line.find("<D>", at)) {
          const auto end = line.find("</D>", at);
          ++result.raw_topic_counts[line.substr(at + 3, end - at - 3)];
          at = end;
        }
      }
    }
    return result;
  }();
  return reading;
}

}  // namespace

// One test case, so that the corpus is read once (ctest runs each test case in its own process).
TEST_CASE("Reuters corpus read from the shared folder", "[sgml][reuters]") {
  if (reuters_files().size() != 22) {
    WARN("../shared/corpus/reuters21578 is absent: skipping");
    return;
  }
  SECTION("every record is read or reported") {
    const auto& reading = corpus();
    const auto& sink = reading.sink;
    CHECK(reading.raw_records == 21578);
    CHECK(sink.records.size() + sink.errors() == 21578);

    // Every record is kept; NEWID 12793 (reut2-012.sgm), whose TEXT is empty, with a warning.
    CHECK(sink.errors() == 0);
    const auto empty = std::find_if(sink.problems.begin(), sink.problems.end(), [](const auto& p) {
      return p.message.find("neither title nor text") != std::string::npos;
    });
    REQUIRE(empty != sink.problems.end());
    CHECK(empty->severity == Severity::warning);
    CHECK(empty->file.ends_with("reut2-012.sgm.xz"));
    CHECK(empty->line == 25983);
    CHECK(sink.records.size() == 21578);

    std::set<std::string> ids;
    for (const auto& record : sink.records) ids.insert(record.article.id);
    CHECK(ids.size() == sink.records.size());
    CHECK(ids.count("reuters-1"));
    CHECK(ids.count("reuters-21578"));
    CHECK(ids.count("reuters-12793"));
  }
  SECTION("the warnings: an empty record in reut2-012, two in reut2-017") {
    const auto& sink = corpus().sink;
    REQUIRE(sink.warnings() == 3);
    std::vector<std::string> warnings;
    for (const auto& problem : sink.problems)
      if (problem.severity == Severity::warning) warnings.push_back(format_problem(problem));
    CHECK(std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
            return w.find("reut2-017.sgm.xz:35578: warning: invalid UTF-8 replaced") !=
                   std::string::npos;
          }) == 1);
    CHECK(std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
            return w.find("reut2-017.sgm.xz:6654: warning: unparseable DATE") != std::string::npos;
          }) == 1);
    std::size_t undated = 0;
    for (const auto& record : sink.records) undated += record.article.published ? 0 : 1;
    CHECK(undated == 1);
  }
  SECTION("topic counts equal those of the raw text") {
    const auto& reading = corpus();
    std::map<std::string, std::size_t> counts;
    std::size_t briefs = 0;
    for (const auto& record : reading.sink.records) {
      for (const auto& topic : record.article.topics) ++counts[topic];
      briefs += record.article.kind == "brief" ? 1 : 0;
    }
    CHECK(counts == reading.raw_topic_counts);
    CHECK(counts.at("earn") == 3987);
    CHECK(counts.at("acq") == 2448);
    CHECK(counts.at("cocoa") == 76);
    CHECK(briefs == reading.raw_briefs);
    CHECK(briefs == 1798);
  }
  SECTION("the first story") {
    const auto& story = by_id(corpus().sink, "reuters-1").article;
    CHECK(story.title == "BAHIA COCOA REVIEW");
    CHECK(story.body.starts_with("Showers continued throughout the week in"));
    CHECK(story.body.ends_with("midday on February 27."));
    CHECK(format_iso8601(*story.published) == "1987-02-26T15:01:01Z");
    CHECK(story.topics == std::vector<std::string>{"cocoa"});
    CHECK(story.extra.at("places") == nlohmann::json({"el-salvador", "usa", "uruguay"}));
  }
}
