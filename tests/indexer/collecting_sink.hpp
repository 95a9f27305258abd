// A RecordSink that keeps everything a reader reports, for the reader tests.
#pragma once

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "newsq/indexer/readers.hpp"

namespace newsq::test {

struct CollectedRecord {
  Article article;
  std::size_t line = 0;
};

class CollectingSink : public indexer::RecordSink {
 public:
  void on_article(Article&& article, std::size_t line) override {
    records.push_back({std::move(article), line});
  }
  void on_problem(indexer::Problem&& problem) override { problems.push_back(std::move(problem)); }

  std::size_t count(indexer::Severity severity) const {
    return static_cast<std::size_t>(std::count_if(
        problems.begin(), problems.end(), [&](const auto& p) { return p.severity == severity; }));
  }
  std::size_t errors() const { return count(indexer::Severity::error); }
  std::size_t warnings() const { return count(indexer::Severity::warning); }

  std::vector<CollectedRecord> records;
  std::vector<indexer::Problem> problems;
};

/// Reads `text` in `format` as the input named `name`.
inline CollectingSink read_text(indexer::Format format, const std::string& text,
                                const indexer::ReadOptions& options = {},
                                const std::string& name = "input") {
  std::istringstream in(text);
  CollectingSink sink;
  indexer::read_records(format, in, name, options, sink);
  return sink;
}

}  // namespace newsq::test
