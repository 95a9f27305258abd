// JSON encoding of a top-10 SearchResult with facets: what GET /search and `newsq --json` pay
// after the search itself.
#include <benchmark/benchmark.h>

#include "micro.hpp"
#include "newsq/searcher.hpp"

namespace newsq::bench {

void register_json_benchmarks(const MicroContext& context) {
  if (!context.index) return;
  benchmark::RegisterBenchmark("Json/encode_top10_facets",
                               [path = *context.index](benchmark::State& state) {
                                 Searcher searcher(path.string());
                                 SearchRequest request;
                                 request.query = "oil prices";
                                 request.facet_topics = true;
                                 request.facet_date = DateBucket::month;
                                 const SearchResult result = searcher.search(request);
                                 std::int64_t bytes = 0;
                                 for (auto _ : state) {
                                   const std::string text = to_json(result).dump();
                                   bytes += static_cast<std::int64_t>(text.size());
                                   benchmark::DoNotOptimize(text.data());
                                 }
                                 state.SetBytesProcessed(bytes);
                               });
}

}  // namespace newsq::bench
