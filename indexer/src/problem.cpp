#include "newsq/indexer/problem.hpp"

#include "text.hpp"

namespace newsq::indexer {

std::string format_problem(const Problem& problem) {
  const std::string line = problem.line > 0 ? std::to_string(problem.line) : "";
  return text::concat(
      {problem.file, line.empty() ? "" : ":", line,
       problem.severity == Severity::error ? ": error: " : ": warning: ", problem.message});
}

}  // namespace newsq::indexer
