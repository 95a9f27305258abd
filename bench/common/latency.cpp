#include "latency.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <stdexcept>

namespace newsq::bench {

std::vector<BenchQuery> read_queries(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<BenchQuery> queries;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto json = nlohmann::json::parse(line);
    BenchQuery query;
    query.set = json.at("set").get<std::string>();
    query.text = json.at("q").get<std::string>();
    query.words = json.at("words").get<std::vector<std::string>>();
    query.phrase = json.value("phrase", false);
    if (json.contains("topic") && !json["topic"].is_null()) query.topic = json["topic"];
    if (json.contains("from") && !json["from"].is_null()) query.from = json["from"];
    if (json.contains("to") && !json["to"].is_null()) query.to = json["to"];
    query.facets = json.value("facets", false);
    queries.push_back(std::move(query));
  }
  return queries;
}

double percentile(std::vector<double> samples, double fraction) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

namespace {

nlohmann::json summarise(const std::vector<double>& samples, std::size_t zero_hits) {
  const double sum = std::accumulate(samples.begin(), samples.end(), 0.0);
  return {{"n", samples.size()},
          {"p50_ms", percentile(samples, 0.50)},
          {"p95_ms", percentile(samples, 0.95)},
          {"p99_ms", percentile(samples, 0.99)},
          {"mean_ms", samples.empty() ? 0.0 : sum / static_cast<double>(samples.size())},
          {"zero_hit_queries", zero_hits}};
}

}  // namespace

nlohmann::json measure(const std::vector<BenchQuery>& queries,
                       const std::function<std::size_t(const BenchQuery&)>& run,
                       const MeasureOptions& options) {
  for (int pass = 0; pass < options.warmup_passes; ++pass)
    for (const auto& query : queries) run(query);

  std::map<std::string, std::vector<double>> by_set;
  std::map<std::string, std::size_t> zero_by_set;
  std::vector<double> all;
  std::size_t zero_all = 0;
  // Repeats go round the whole list rather than re-running one query back to back, so a query
  // never benefits from its own result still being hot in the CPU caches.
  for (int repeat = 0; repeat < options.repeats; ++repeat) {
    for (const auto& query : queries) {
      const auto start = std::chrono::steady_clock::now();
      const std::size_t hits = run(query);
      const std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - start;
      by_set[query.set].push_back(took.count());
      all.push_back(took.count());
      if (repeat == 0 && hits == 0) {
        ++zero_by_set[query.set];
        ++zero_all;
      }
    }
  }
  nlohmann::json sets = nlohmann::json::object();
  for (const auto& [name, samples] : by_set) sets[name] = summarise(samples, zero_by_set[name]);
  return {{"sets", sets}, {"all", summarise(all, zero_all)}};
}

}  // namespace newsq::bench
