#include "metrics.hpp"

#include <algorithm>
#include <cmath>

namespace newsq::relevance {

Metrics evaluate(const std::vector<std::string>& query_ids, const Runs& runs,
                 const std::map<std::string, std::set<std::string>>& relevant) {
  Metrics metrics;
  static const std::vector<std::string> kNone;
  for (const auto& query : query_ids) {
    const auto judged = relevant.find(query);
    if (judged == relevant.end() || judged->second.empty()) {
      ++metrics.skipped;
      continue;
    }
    ++metrics.judged;
    const auto run = runs.find(query);
    const std::vector<std::string>& ranked = run == runs.end() ? kNone : run->second;
    if (ranked.empty()) ++metrics.empty;

    const std::set<std::string>& wanted = judged->second;
    double precision_sum = 0, dcg = 0;
    std::size_t found = 0, in_top10 = 0, first = 0;
    std::set<std::string> seen;  // an engine listing a doc twice must not score it twice
    for (std::size_t rank = 1; rank <= std::min<std::size_t>(ranked.size(), 100); ++rank) {
      const std::string& doc = ranked[rank - 1];
      if (!wanted.count(doc) || !seen.insert(doc).second) continue;
      ++found;
      precision_sum += static_cast<double>(found) / static_cast<double>(rank);
      if (rank <= 10) {
        ++in_top10;
        dcg += 1.0 / std::log2(static_cast<double>(rank) + 1);
      }
      if (first == 0) first = rank;
    }
    double ideal = 0;
    for (std::size_t rank = 1; rank <= std::min<std::size_t>(wanted.size(), 10); ++rank)
      ideal += 1.0 / std::log2(static_cast<double>(rank) + 1);

    metrics.map += precision_sum / static_cast<double>(wanted.size());
    metrics.ndcg10 += dcg / ideal;
    metrics.p10 += static_cast<double>(in_top10) / 10.0;
    if (first != 0) {
      metrics.mrr += 1.0 / static_cast<double>(first);
      if (first <= 10) metrics.mrr10 += 1.0 / static_cast<double>(first);
      if (first == 1) metrics.success1 += 1;
    }
  }
  if (metrics.judged > 0) {
    const double n = static_cast<double>(metrics.judged);
    for (double* value : {&metrics.map, &metrics.ndcg10, &metrics.p10, &metrics.mrr, &metrics.mrr10,
                          &metrics.success1})
      *value /= n;
  }
  return metrics;
}

nlohmann::json to_json(const Metrics& metrics) {
  return {{"judged", metrics.judged}, {"skipped", metrics.skipped}, {"empty", metrics.empty},
          {"map", metrics.map},       {"ndcg10", metrics.ndcg10},   {"p10", metrics.p10},
          {"mrr", metrics.mrr},       {"mrr10", metrics.mrr10},     {"success1", metrics.success1}};
}

}  // namespace newsq::relevance
