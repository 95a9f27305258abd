// Snippets as a search makes them: one SnippetMatcher per search, ten Reuters bodies per search.
#include <benchmark/benchmark.h>

#include "micro.hpp"
#include "newsq/analysis.hpp"
#include "snippet.hpp"

namespace newsq::bench {

namespace {

void snippets_of_ten(benchmark::State& state, const std::vector<std::string>& bodies,
                     const QueryWords& words) {
  const Analyzer analyzer;
  const Xapian::Stem stemmer("english");
  std::size_t next = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    SnippetMatcher matcher(words, analyzer, stemmer);
    for (int hit = 0; hit < 10; ++hit) {
      const std::string& body = bodies[next];
      next = (next + 1) % bodies.size();
      benchmark::DoNotOptimize(make_snippet(body, matcher));
      bytes += static_cast<std::int64_t>(body.size());
    }
  }
  state.SetBytesProcessed(bytes);
}

}  // namespace

void register_snippet_benchmarks(const MicroContext& context) {
  std::vector<std::string> bodies;
  for (const auto& article : context.reuters)
    if (!article.body.empty()) bodies.push_back(article.body);
  if (bodies.empty())
    bodies.emplace_back(
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought "
        "since early January and improving prospects for the coming temporao.");
  QueryWords common;  // "oil prices"
  common.exact = {"oil", "prices"};
  common.stems = {"oil", "price"};
  QueryWords rare;  // "cocoa bahia drought"
  rare.exact = {"cocoa", "bahia", "drought"};
  rare.stems = {"cocoa", "bahia", "drought"};
  benchmark::RegisterBenchmark("Snippet/top10_oil_prices", [bodies, common](benchmark::State& state) {
    snippets_of_ten(state, bodies, common);
  });
  benchmark::RegisterBenchmark("Snippet/top10_cocoa_bahia_drought",
                               [bodies, rare](benchmark::State& state) {
                                 snippets_of_ten(state, bodies, rare);
                               });
}

}  // namespace newsq::bench
