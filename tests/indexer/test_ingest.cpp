// Ingest jobs: inputs of every format with bad records among good ones, counts, summaries, and
// the whole Reuters corpus indexed through IndexWriter.
#include <catch2/catch.hpp>

#include <sstream>

#include "newsq/errors.hpp"
#include "newsq/indexer/ingest.hpp"
#include "newsq/schema.hpp"
#include "newsq/searcher.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;

namespace {

struct Job {
  test::TempDir dir;
  std::string index = (dir / "index").string();
  std::vector<Problem> problems;

  // Ingests `files` (paths inside the temp dir) in one job; returns the counts.
  IngestCounts run(const std::vector<std::string>& files, ReadOptions options = {},
                   std::size_t batch = kDefaultBatchSize) {
    IndexWriter writer(index, batch);
    Ingestor ingestor(writer, std::move(options),
                      [&](const Problem& problem) { problems.push_back(problem); });
    for (const auto& file : files) {
      InputFile input(file);
      ingestor.ingest(input, format_for_input(file, std::nullopt));
    }
    ingestor.finish();
    return ingestor.counts();
  }

  std::string problem_text() const {
    std::string text;
    for (const auto& problem : problems) text += format_problem(problem) + "\n";
    return text;
  }
};

const char* kBadJsonl = R"({"id":"j1","title":"Good before","body":"alpha"})"
                        "\n"
                        R"({"id":"j2","title":"Broken" )"
                        "\n"
                        R"({"id":"j3","title":"","body":""})"
                        "\n"
                        R"({"id":"j4","title":"Bad date","published":"yesterday"})"
                        "\n"
                        "{\"id\":\"j5\",\"title\":\"Caf\xE9 latin-1\",\"body\":\"kept\"}\n"
                        R"({"id":"j6","title":"Good after","body":"omega"})"
                        "\n";

}  // namespace

TEST_CASE("format_for_input: forced, by name, stdin, or a clear error", "[ingest]") {
  CHECK(format_for_input("x.txt", Format::sgml) == Format::sgml);
  CHECK(format_for_input("x.sgm.xz", std::nullopt) == Format::sgml);
  CHECK(format_for_input("-", std::nullopt) == Format::jsonl);
  CHECK(format_for_input("-", Format::page) == Format::page);
  try {
    format_for_input("table.csv", std::nullopt);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_parameter);
    CHECK(std::string(e.what()).find("--format") != std::string::npos);
  }
}

TEST_CASE("bad records are reported with file and line, good ones indexed", "[ingest]") {
  Job job;
  const auto jsonl = (job.dir / "bad.jsonl").string();
  test::write_file(jsonl, kBadJsonl);
  const auto counts = job.run({jsonl});
  INFO(job.problem_text());
  CHECK(counts.indexed == 3);
  CHECK(counts.rejected == 3);
  CHECK(counts.warnings == 1);
  CHECK(counts.records() == 6);
  const std::string text = job.problem_text();
  CHECK(text.find(jsonl + ":2: error: invalid JSON") != std::string::npos);
  CHECK(text.find(jsonl + ":3: error: the record has neither title nor text") != std::string::npos);
  CHECK(text.find(jsonl + ":4: error: field 'published'") != std::string::npos);
  CHECK(text.find(jsonl + ":5: warning: invalid UTF-8 replaced") != std::string::npos);
  // In input order, although records are built and written on two threads.
  std::vector<std::size_t> lines;
  for (const auto& problem : job.problems) lines.push_back(problem.line);
  CHECK(lines == std::vector<std::size_t>{2, 3, 4, 5});

  Searcher searcher(job.index);
  CHECK(searcher.stats().documents == 3);
  CHECK(searcher.get("j1"));
  CHECK(searcher.get("j5"));
  CHECK(searcher.get("j6"));
  CHECK_FALSE(searcher.get("j2"));
}

TEST_CASE("a truncated SGML file: records before the cut are indexed", "[ingest]") {
  const std::string records =
      "<REUTERS NEWID=\"1\">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n<TEXT>\n"
      "<TITLE>FIRST</TITLE><BODY>One.</BODY></TEXT>\n</REUTERS>\n"
      "<REUTERS NEWID=\"2\">\n<DATE>26-FEB-1987 15:02:01.79</DATE>\n<TEXT>\n"
      "<TITLE>SECOND</TITLE><BODY>Two.</BODY></TEXT>\n</REUTERS>\n"
      "<REUTERS NEWID=\"3\">\n<DATE>26-FEB-1987 15:03:01.79</DATE>\n<TEXT>\n"
      "<TITLE>THIRD</TITLE><BODY>Thr";
  Job job;
  const auto sgml = (job.dir / "cut.sgm").string();
  test::write_file(sgml, records);
  const auto counts = job.run({sgml});
  CHECK(counts.indexed == 2);
  CHECK(counts.rejected == 1);
  REQUIRE(job.problems.size() == 1);
  CHECK(format_problem(job.problems[0]).starts_with(sgml + ":11: error: truncated record"));
  CHECK(Searcher(job.index).stats().documents == 2);
}

TEST_CASE("a truncated .xz input: its decoded records are kept, the cut is an error", "[ingest]") {
  Job job;
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += R"({"id":"r)" + std::to_string(i) + R"(","title":"Record number )" + std::to_string(i) +
            R"(","body":"Some text to make the file bigger than a block."})" + "\n";
  const auto plain = job.dir / "feed.jsonl";
  test::write_file(plain, text);
  REQUIRE(test::run_command("xz " + test::shell_quote(plain.string())).exit_code == 0);
  const std::string compressed = test::read_file(plain.string() + ".xz");
  const auto cut = (job.dir / "cut.jsonl.xz").string();
  test::write_file(cut, compressed.substr(0, compressed.size() / 2));

  const auto counts = job.run({cut});
  CHECK(counts.indexed > 0);
  CHECK(counts.indexed < 3000);
  INFO(job.problem_text());
  CHECK(job.problem_text().find(cut + ": error: xz: compressed data is truncated") !=
        std::string::npos);
  CHECK(Searcher(job.index).stats().documents == counts.indexed);
}

TEST_CASE("re-indexing the same input keeps the document count", "[ingest]") {
  Job job;
  const auto sample = (test::source_dir() / "data" / "sample.jsonl").string();
  const auto seed = (test::source_dir() / "data" / "seed" / "000_fa681b729c5b0812.txt").string();
  ReadOptions options;
  options.date = "2025-01-30";
  options.zone = "Europe/Madrid";
  const auto first = job.run({sample, seed}, options);
  CHECK(first.rejected == 0);
  const auto documents = Searcher(job.index).stats().documents;
  CHECK(documents == first.indexed);
  const auto second = job.run({sample, seed}, options, 4);  // other batch size, same result
  CHECK(second.indexed == first.indexed);
  CHECK(Searcher(job.index).stats().documents == documents);
}

TEST_CASE("a failure on the writing thread ends the job from ingest(), later records unwritten",
          "[ingest]") {
  test::TempDir dir;
  const auto path = (dir / "feed.jsonl").string();
  std::string records;
  for (int i = 0; i < 1200; ++i)
    records += R"({"id":"r)" + std::to_string(i) + R"(","title":"Story","body":"text"})" + "\n";
  test::write_file(path, records);
  const auto index = (dir / "index").string();
  {
    IndexWriter writer(index, 100);
    Ingestor ingestor(writer, {}, [](const Problem&) {});
    std::size_t written = 0;
    ingestor.set_on_indexed([&](const std::string&) {
      if (++written == 601) throw Error(ErrorCode::index_unavailable, "disk full");
    });
    InputFile input(path);
    try {
      ingestor.ingest(input, Format::jsonl);
      FAIL("expected the failure to reach the caller");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::index_unavailable);
      CHECK(std::string(e.what()) == "disk full");
    }
    CHECK(written == 601);
  }
  // The batches committed before the failure, nothing after it.
  CHECK(Searcher(index).stats().documents == 600);
}

TEST_CASE("progress is reported per record with the bytes read", "[ingest]") {
  test::TempDir dir;
  const auto path = (dir / "feed.jsonl").string();
  test::write_file(path, kBadJsonl);
  IndexWriter writer((dir / "index").string());
  std::vector<IngestProgress> reports;
  Ingestor ingestor(
      writer, {}, [](const Problem&) {}, [&](const IngestProgress& p) { reports.push_back(p); });
  ingestor.set_total_bytes(std::string(kBadJsonl).size());
  InputFile input(path);
  ingestor.ingest(input, Format::jsonl);
  ingestor.finish();
  REQUIRE(reports.size() == 6);  // 3 indexed + 3 rejected; warnings are not records
  CHECK(reports.back().records == 6);
  CHECK(reports.back().bytes_total == std::string(kBadJsonl).size());
  CHECK(reports.back().bytes_done == std::string(kBadJsonl).size());
}

TEST_CASE("summary and progress lines", "[ingest]") {
  IngestCounts counts;
  counts.indexed = 1200;
  counts.rejected = 3;
  counts.warnings = 2;
  CHECK(format_summary(counts, 2.0) ==
        "indexed 1203 records (1200 added/replaced, 3 rejected, 2 warnings) in 2.0 s (602 "
        "records/s)");

  IngestProgress progress;
  progress.records = 500;
  progress.seconds = 2;
  CHECK(format_progress(progress) == "500 records, 250 records/s");
  progress.bytes_done = 250;
  progress.bytes_total = 1000;
  CHECK(format_progress(progress) == "500 records, 250 records/s, 25%, ETA 0:06");

  std::ostringstream out;
  ProgressLine line(out, std::chrono::hours(1));
  line.update(progress);
  line.update(progress);  // within the interval: not redrawn
  line.clear();
  CHECK(out.str() ==
        "\r500 records, 250 records/s, 25%, ETA 0:06\x1b[K"
        "\r\x1b[K");
}

TEST_CASE("Reuters corpus: indexed through IndexWriter, one document per record",
          "[ingest][reuters]") {
  const auto shared = test::shared_dir();
  const auto raw = shared ? *shared / "corpus" / "reuters21578" / "raw" : std::filesystem::path();
  if (!shared || !std::filesystem::exists(raw / "reut2-000.sgm.xz")) {
    WARN("../shared/corpus/reuters21578 is absent: skipping");
    return;
  }
  std::vector<std::string> files;
  for (int i = 0; i < 22; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "reut2-%03d.sgm.xz", i);
    files.push_back((raw / name).string());
  }
  Job job;
  const auto counts = job.run(files);
  INFO(job.problem_text());
  CHECK(counts.records() == 21578);
  CHECK(counts.indexed == 21578);  // NEWID 12793, empty in the archive, is kept with a warning
  CHECK(counts.rejected == 0);
  CHECK(counts.warnings == 3);

  Searcher searcher(job.index);
  const auto stats = searcher.stats();
  CHECK(stats.documents == 21578);
  CHECK(stats.schema_version == schema::kSchemaVersion);
  CHECK(searcher.get("reuters-1")->title == "BAHIA COCOA REVIEW");
  CHECK(searcher.get("reuters-21578"));
  CHECK(searcher.get("reuters-12793"));

  // The topic facet agrees with the reader's topics (cocoa: 76 stories in the raw TOPICS).
  SearchRequest request;
  request.topics = {"cocoa"};
  request.exact = true;
  request.collapse = false;  // every stored story, republished wire copies included
  CHECK(searcher.search(request).total == 76);
}
