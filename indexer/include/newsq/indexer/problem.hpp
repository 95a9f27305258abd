// What a reader reports: accepted records (an Article and the line it starts on) and problems
// with the input. Readers push both into a RecordSink, so reading is decoupled from what is done
// with the records (indexing, collecting in a test, or later a queue to an indexing thread).
#pragma once

#include <cstddef>
#include <string>

#include "newsq/article.hpp"

namespace newsq::indexer {

enum class Severity {
  error,    ///< the record was rejected (nothing of it is indexed)
  warning,  ///< the record was kept, possibly altered (e.g. invalid UTF-8 replaced)
};

/// A problem found in one input, located by display name and line.
struct Problem {
  std::string file;      ///< display name of the input ("data/x.jsonl", "<stdin>")
  std::size_t line = 0;  ///< 1-based line; 0 when the problem concerns the whole input
  std::string message;   ///< what is wrong, without the location
  Severity severity = Severity::error;
};

/// "file:line: error: message" (or "warning"); "file: error: message" when line is 0.
std::string format_problem(const Problem& problem);

/// Receives what a reader finds, in input order.
class RecordSink {
 public:
  virtual ~RecordSink() = default;

  /// A record that passed the reader's checks. `line` is the 1-based line the record starts on.
  /// Implementations may throw; the reader lets the exception propagate (reading stops).
  virtual void on_article(Article&& article, std::size_t line) = 0;

  /// A problem with the input; reading continues after it.
  virtual void on_problem(Problem&& problem) = 0;
};

}  // namespace newsq::indexer
