// The one latency harness of bench/compare: every engine's query driver reads the same query
// file and reports through measure(), so differences come from the engines, not the timing code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace newsq::bench {

/// One query of a seeded query set, as bench/compare writes it (one JSON object a line):
/// {"set":"known|words|phrase|filtered", "q":"...", "words":["..."], "phrase":bool,
///  "topic":"crude"?, "from":secs?, "to":secs?, "facets":bool}.
/// `words` are the lower-case [a-z0-9] words of `q`, for engines that need their own syntax.
struct BenchQuery {
  std::string set;
  std::string text;
  std::vector<std::string> words;
  bool phrase = false;
  std::optional<std::string> topic;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;
  bool facets = false;
};

std::vector<BenchQuery> read_queries(const std::filesystem::path& path);

struct MeasureOptions {
  int warmup_passes = 1;  ///< untimed passes over every query first (caches, page cache)
  int repeats = 3;        ///< timed runs of each query (more samples for the tail)
};

/// Runs `run` (which returns the number of hits it got) over every query, warm-up first, and
/// returns {"sets":{name:{"n","p50_ms","p95_ms","p99_ms","mean_ms","zero_hit_queries"}},
/// "all":{...}}. Percentiles are nearest-rank over every timed run.
nlohmann::json measure(const std::vector<BenchQuery>& queries,
                       const std::function<std::size_t(const BenchQuery&)>& run,
                       const MeasureOptions& options);

/// Percentile (nearest rank) of unsorted samples; 0 for none.
double percentile(std::vector<double> samples, double fraction);

}  // namespace newsq::bench
