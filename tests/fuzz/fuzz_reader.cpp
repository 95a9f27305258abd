// One fuzzer per ingest format (NEWSQ_FUZZ_FORMAT = jsonl | page | sgml | feed): bytes -> the
// reader -> a collecting sink. Whatever the bytes, the reader must not crash, must not throw
// (readers report bad records as Problems), and must locate every problem and record on a line of
// the input (1-based). Line 0 means "the whole input" (problem.hpp) and readers use it in two
// documented cases only: a page without a date (the fuzzer always gives one) and a blank feed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "newsq/indexer/readers.hpp"

namespace {

#define NEWSQ_STRINGIFY_(x) #x
#define NEWSQ_STRINGIFY(x) NEWSQ_STRINGIFY_(x)
constexpr const char* kFormat = NEWSQ_STRINGIFY(NEWSQ_FUZZ_FORMAT);

class CheckingSink : public newsq::indexer::RecordSink {
 public:
  CheckingSink(std::size_t lines, bool blank) : lines_(lines), blank_(blank) {}

  void on_article(newsq::Article&& article, std::size_t line) override {
    check_line(line, "record");
    (void)newsq::to_json(article).dump();  // the stored form must serialise (valid UTF-8)
  }
  void on_problem(newsq::indexer::Problem&& problem) override {
    if (!(problem.line == 0 && blank_)) check_line(problem.line, problem.message.c_str());
    if (problem.message.empty()) fail("a problem without a message", problem.line);
    (void)newsq::indexer::format_problem(problem);
  }

 private:
  void check_line(std::size_t line, const char* what) const {
    if (line < 1 || line > lines_) fail(what, line);
  }
  [[noreturn]] void fail(const char* what, std::size_t line) const {
    std::fprintf(stderr, "%s: line %zu outside 1..%zu\n", what, line, lines_);
    std::abort();
  }
  std::size_t lines_;
  bool blank_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;

  newsq::indexer::ReadOptions options;
  options.date = "2025-01-30";
  options.zone = "Europe/Madrid";
  std::istringstream in(text);
  // Blank as the feed reader sees it: a byte-order mark then whitespace.
  const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const bool blank = text.find_first_not_of(" \t\r\n\v\f", start) == std::string::npos;
  CheckingSink sink(lines, blank);
  try {
    newsq::indexer::read_records(newsq::indexer::parse_format(kFormat), in, "fuzz", options, sink);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "reader threw: %s\n", e.what());
    std::abort();
  }
  return 0;
}
