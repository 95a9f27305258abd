#include "newsq/indexer/ingest.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

#include "newsq/errors.hpp"

namespace newsq::indexer {

Format format_for_input(std::string_view path, std::optional<Format> forced) {
  if (forced) return *forced;
  if (auto format = format_for_path(path)) return *format;
  if (path == "-") return Format::jsonl;
  throw Error(ErrorCode::bad_parameter,
              "cannot tell the format of " + std::string(path) +
                  " from its name (.jsonl, .ndjson, .json, .sgm, .txt, .page, .rss, .atom, .xml, "
                  "optionally .xz): use --format jsonl|page|sgml|feed");
}

// Connects a reader to the writer for one input, counting and reporting as it goes.
class Ingestor::Sink : public RecordSink {
 public:
  Sink(Ingestor& ingestor, const InputFile& input) : ingestor_(ingestor), input_(input) {}

  void on_article(Article&& article, std::size_t line) override {
    try {
      const std::string id = ingestor_.writer_.add(article);
      ++ingestor_.counts_.indexed;
      if (ingestor_.on_indexed_) ingestor_.on_indexed_(id);
    } catch (const Error& e) {
      // The writer rejects a record it cannot build a document for; other failures (the index
      // itself) end the job.
      if (e.code() != ErrorCode::bad_record) throw;
      report({input_.name(), line, e.what(), Severity::error});
    }
    progress();
  }

  void on_problem(Problem&& problem) override {
    report(problem);
    if (problem.severity == Severity::error) progress();
  }

 private:
  void report(const Problem& problem) {
    if (problem.severity == Severity::error)
      ++ingestor_.counts_.rejected;
    else
      ++ingestor_.counts_.warnings;
    if (ingestor_.on_problem_) ingestor_.on_problem_(problem);
  }

  void progress() {
    if (!ingestor_.on_progress_) return;
    IngestProgress progress;
    progress.records = ingestor_.counts_.records();
    progress.bytes_done = ingestor_.bytes_finished_ + input_.bytes_read();
    progress.bytes_total = ingestor_.total_bytes_;
    progress.seconds = ingestor_.elapsed_seconds();
    ingestor_.on_progress_(progress);
  }

  Ingestor& ingestor_;
  const InputFile& input_;
};

Ingestor::Ingestor(IndexWriter& writer, ReadOptions options, ProblemHandler on_problem,
                   ProgressHandler on_progress)
    : writer_(writer),
      options_(std::move(options)),
      on_problem_(std::move(on_problem)),
      on_progress_(std::move(on_progress)),
      start_(std::chrono::steady_clock::now()) {}

Ingestor::~Ingestor() = default;

void Ingestor::set_on_indexed(IndexedHandler on_indexed) { on_indexed_ = std::move(on_indexed); }

void Ingestor::set_total_bytes(std::optional<std::uint64_t> total) { total_bytes_ = total; }

void Ingestor::ingest(InputFile& input, Format format) {
  Sink sink(*this, input);
  read_records(format, input.stream(), input.name(), options_, sink);
  if (auto error = input.error()) sink.on_problem({input.name(), 0, *error, Severity::error});
  bytes_finished_ += input.bytes_read();
}

void Ingestor::finish() { writer_.commit(); }

const IngestCounts& Ingestor::counts() const { return counts_; }

double Ingestor::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string format_summary(const IngestCounts& counts, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(counts.records()) / seconds : 0;
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.1f s (%.0f records/s)", seconds, rate);
  return "indexed " + std::to_string(counts.records()) + " records (" +
         std::to_string(counts.indexed) + " added/replaced, " + std::to_string(counts.rejected) +
         " rejected, " + std::to_string(counts.warnings) + " warnings)" + timing;
}

std::string format_progress(const IngestProgress& progress) {
  const double rate =
      progress.seconds > 0 ? static_cast<double>(progress.records) / progress.seconds : 0;
  char text[128];
  std::snprintf(text, sizeof text, "%llu records, %.0f records/s",
                static_cast<unsigned long long>(progress.records), rate);
  std::string line = text;
  if (progress.bytes_total && *progress.bytes_total > 0 && progress.bytes_done > 0) {
    const double fraction = std::min(
        1.0, static_cast<double>(progress.bytes_done) / static_cast<double>(*progress.bytes_total));
    const auto eta = static_cast<long long>(
        std::llround(progress.seconds * (1 - fraction) / std::max(fraction, 1e-9)));
    std::snprintf(text, sizeof text, ", %.0f%%, ETA %lld:%02lld", fraction * 100, eta / 60,
                  eta % 60);
    line += text;
  }
  return line;
}

ProgressLine::ProgressLine(std::ostream& out, std::chrono::milliseconds interval)
    : out_(out), interval_(interval) {}

void ProgressLine::update(const IngestProgress& progress) {
  const auto now = std::chrono::steady_clock::now();
  if (last_draw_ && now - *last_draw_ < interval_) return;
  last_draw_ = now;
  shown_ = true;
  // \r returns to the start of the line and ESC[K erases what a longer earlier line left.
  out_ << '\r' << format_progress(progress) << "\x1b[K" << std::flush;
}

void ProgressLine::clear() {
  if (!shown_) return;
  out_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

}  // namespace newsq::indexer
