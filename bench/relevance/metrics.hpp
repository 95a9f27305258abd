// Ranking metrics over binary judgments, as trec_eval defines them (relevance grades are not used:
// of the six Glasgow sets only Cranfield has grades, so one definition serves every collection).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace newsq::relevance {

/// Query id -> doc ids in ranked order (at most the cut-off the engine was asked for).
using Runs = std::map<std::string, std::vector<std::string>>;

struct Metrics {
  std::size_t judged = 0;   ///< queries with at least one relevant doc: the ones averaged
  std::size_t skipped = 0;  ///< queries without judgments (not averaged)
  std::size_t empty = 0;    ///< judged queries for which the engine returned nothing
  double map = 0;           ///< mean average precision over the top 100, divided by all relevant
  double ndcg10 = 0;        ///< binary gains, log2 discount, ideal from the judged count
  double p10 = 0;
  double mrr = 0;       ///< reciprocal rank of the first relevant doc in the top 100
  double mrr10 = 0;     ///< the same, counting only the top 10
  double success1 = 0;  ///< share of queries with a relevant doc first
};

/// Averages over the judged queries of `query_ids`; queries missing from `runs` count as empty.
Metrics evaluate(const std::vector<std::string>& query_ids, const Runs& runs,
                 const std::map<std::string, std::set<std::string>>& relevant);

nlohmann::json to_json(const Metrics& metrics);

}  // namespace newsq::relevance
