// One indexing job: inputs read by their format's reader, records written by a DocumentWriter,
// problems and progress handed to the caller (the CLI prints them; tests collect them).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "newsq/indexer/index_writer.hpp"
#include "newsq/indexer/input_file.hpp"
#include "newsq/indexer/problem.hpp"
#include "newsq/indexer/readers.hpp"

namespace newsq::indexer {

/// The format to read `path` with: `forced` when given, else the one its name implies
/// (format_for_path), else JSON Lines for standard input ("-"); run_add sniffs standard input
/// with sniff_format() instead.
/// Throws Error(bad_parameter) when the name implies none, saying to use --format.
Format format_for_input(std::string_view path, std::optional<Format> forced);

struct IngestCounts {
  std::uint64_t indexed = 0;   ///< records added or replaced
  std::uint64_t rejected = 0;  ///< error problems (records rejected, data lost)
  std::uint64_t warnings = 0;  ///< warning problems (records kept)
  std::uint64_t records() const { return indexed + rejected; }
};

struct IngestProgress {
  std::uint64_t records = 0;
  std::uint64_t bytes_done = 0;              ///< input bytes consumed (compressed for xz)
  std::optional<std::uint64_t> bytes_total;  ///< when every input's size is known
  double seconds = 0;                        ///< since the Ingestor was created
};

class Ingestor {
 public:
  using ProblemHandler = std::function<void(const Problem&)>;
  using ProgressHandler = std::function<void(const IngestProgress&)>;

  /// `writer` must outlive the Ingestor. `on_problem` is called for every problem, in input
  /// order; `on_progress` (optional) after every record: throttle in the handler. The handlers
  /// (and set_on_indexed's) run on the thread that writes during ingest(), one call at a time,
  /// and never after ingest() returned.
  Ingestor(DocumentWriter& writer, ReadOptions options, ProblemHandler on_problem,
           ProgressHandler on_progress = {});
  ~Ingestor();
  Ingestor(const Ingestor&) = delete;
  Ingestor& operator=(const Ingestor&) = delete;

  using IndexedHandler = std::function<void(const std::string& id)>;

  /// Called with the id of every record written.
  void set_on_indexed(IndexedHandler on_indexed);

  /// The total input size for ETAs (sum of InputFile::size()), nullopt when unknown.
  void set_total_bytes(std::optional<std::uint64_t> total);

  /// Reads every record of `input` with the reader of `format` and adds the good ones to the
  /// writer (which commits full batches), in input order: this thread reads while two others
  /// build the documents and another writes the ones before, and every record is written (or
  /// reported) when ingest() returns. A read or decompression error that cuts the input
  /// short is reported as an error problem for the input (line 0); what was read is kept.
  /// Throws Error(bad_parameter) for invalid page options and whatever the writer throws
  /// (index_unavailable): such failures end the job.
  void ingest(InputFile& input, Format format);

  /// Commits what is pending. Call once at the end of the job.
  void finish();

  const IngestCounts& counts() const;

  /// Seconds since the Ingestor was created.
  double elapsed_seconds() const;

 private:
  class Sink;
  class Pipeline;
  DocumentWriter& writer_;
  ReadOptions options_;
  ProblemHandler on_problem_;
  ProgressHandler on_progress_;
  IndexedHandler on_indexed_;
  IngestCounts counts_;
  std::optional<std::uint64_t> total_bytes_;
  std::uint64_t bytes_finished_ = 0;  ///< bytes of the inputs already read completely
  std::chrono::steady_clock::time_point start_;
};

/// "indexed N records (A added/replaced, R rejected, W warnings) in T s (X records/s)".
std::string format_summary(const IngestCounts& counts, double seconds);

/// "12345 records, 2345 records/s, 45%, ETA 0:12" (percentage and ETA only when the total
/// size is known).
std::string format_progress(const IngestProgress& progress);

/// A progress line on a terminal, rewritten in place at most every `interval`.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& out,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  /// Redraws the line when `interval` has passed since the last redraw.
  void update(const IngestProgress& progress);
  /// Erases the line (before printing something else, and at the end).
  void clear();

 private:
  std::ostream& out_;
  std::chrono::milliseconds interval_;
  std::optional<std::chrono::steady_clock::time_point> last_draw_;  ///< none: draw at once
  bool shown_ = false;
};

}  // namespace newsq::indexer
