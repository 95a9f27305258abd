#include "newsq/indexer/problem.hpp"

namespace newsq::indexer {

std::string format_problem(const Problem& problem) {
  std::string text = problem.file;
  if (problem.line > 0) text += ":" + std::to_string(problem.line);
  text += problem.severity == Severity::error ? ": error: " : ": warning: ";
  text += problem.message;
  return text;
}

}  // namespace newsq::indexer
