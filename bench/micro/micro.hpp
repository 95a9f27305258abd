// newsq_micro: Google Benchmark micro-benchmarks over the real Reuters corpus. The shared state
// (the corpus in memory and an index built once in a temp dir) lives in main() and is handed to
// each group's register function, so there is no global state and nothing is built twice.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "newsq/article.hpp"

namespace newsq::bench {

struct MicroContext {
  std::vector<Article> reuters;       ///< every Reuters record (empty when the corpus is absent)
  std::vector<std::string> accented;  ///< real German text (10kGNAD), else synthesised accents
  std::optional<std::filesystem::path> index;  ///< Reuters index, when the corpus is present
};

void register_analysis_benchmarks(const MicroContext& context);
void register_document_benchmarks(const MicroContext& context);
void register_search_benchmarks(const MicroContext& context);
void register_json_benchmarks(const MicroContext& context);
void register_snippet_benchmarks(const MicroContext& context);

}  // namespace newsq::bench
