// Analysis throughput: Analyzer::fold on ASCII news (its fast path) and on accented text (ICU).
#include <benchmark/benchmark.h>

#include "micro.hpp"
#include "newsq/analysis.hpp"

namespace newsq::bench {

namespace {

void fold_texts(benchmark::State& state, const std::vector<std::string>& texts) {
  const Analyzer analyzer;
  std::int64_t bytes = 0;
  std::size_t next = 0;
  for (auto _ : state) {
    const std::string& text = texts[next];
    next = (next + 1) % texts.size();
    benchmark::DoNotOptimize(analyzer.fold(text));
    bytes += static_cast<std::int64_t>(text.size());
  }
  state.SetBytesProcessed(bytes);
}

}  // namespace

void register_analysis_benchmarks(const MicroContext& context) {
  std::vector<std::string> ascii;
  for (const auto& article : context.reuters) ascii.push_back(article.title + "\n" + article.body);
  if (ascii.empty())
    ascii.emplace_back(
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating "
        "the drought since early January and improving prospects.");
  benchmark::RegisterBenchmark("Analysis/fold_ascii",
                               [ascii](benchmark::State& state) { fold_texts(state, ascii); });
  benchmark::RegisterBenchmark(
      "Analysis/fold_accented",
      [texts = context.accented](benchmark::State& state) { fold_texts(state, texts); });
  benchmark::RegisterBenchmark("Analysis/fold_value_topic", [](benchmark::State& state) {
    const Analyzer analyzer;
    for (auto _ : state) benchmark::DoNotOptimize(analyzer.fold_value("Économie"));
  });
}

}  // namespace newsq::bench
