// The relevance harness's metrics against values worked out by hand (trec_eval's definitions).
#include "metrics.hpp"

#include <cmath>

#include <catch2/catch.hpp>

using newsq::relevance::evaluate;
using newsq::relevance::Runs;

TEST_CASE("metrics average over judged queries, an unanswered one counting zero",
          "[relevance]") {
  const Runs runs = {{"q1", {"a", "b", "c"}}, {"q2", {"y", "z", "x"}}, {"q3", {"a"}}};
  const std::map<std::string, std::set<std::string>> relevant = {
      {"q1", {"a", "c"}}, {"q2", {"x"}}, {"q4", {"m"}}};
  const auto m = evaluate({"q1", "q2", "q3", "q4"}, runs, relevant);
  CHECK(m.judged == 3);   // q1, q2, q4
  CHECK(m.skipped == 1);  // q3 has no judgments
  CHECK(m.empty == 1);    // q4 was not answered
  // q1: relevant at ranks 1 and 3; q2: at rank 3; q4: nothing.
  const double ap1 = (1.0 + 2.0 / 3.0) / 2.0, ap2 = 1.0 / 3.0;
  CHECK(m.map == Approx((ap1 + ap2) / 3.0));
  const double ndcg1 = (1.0 + 1.0 / std::log2(4.0)) / (1.0 + 1.0 / std::log2(3.0));
  const double ndcg2 = (1.0 / std::log2(4.0)) / 1.0;
  CHECK(m.ndcg10 == Approx((ndcg1 + ndcg2) / 3.0));
  CHECK(m.p10 == Approx((0.2 + 0.1) / 3.0));
  CHECK(m.mrr == Approx((1.0 + 1.0 / 3.0) / 3.0));
  CHECK(m.mrr10 == Approx(m.mrr));
  CHECK(m.success1 == Approx(1.0 / 3.0));
}

TEST_CASE("a document listed twice scores once, and ranks past 10 count only for MRR",
          "[relevance]") {
  const std::map<std::string, std::set<std::string>> relevant = {{"q", {"d"}}};
  const auto twice = evaluate({"q"}, {{"q", {"d", "d"}}}, relevant);
  CHECK(twice.map == Approx(1.0));
  CHECK(twice.p10 == Approx(0.1));

  std::vector<std::string> late(10, "other");
  late.push_back("d");  // rank 11
  const auto eleventh = evaluate({"q"}, {{"q", late}}, relevant);
  CHECK(eleventh.mrr == Approx(1.0 / 11.0));
  CHECK(eleventh.mrr10 == 0.0);
  CHECK(eleventh.ndcg10 == 0.0);
  CHECK(eleventh.success1 == 0.0);
  CHECK(eleventh.map == Approx(1.0 / 11.0));
}
