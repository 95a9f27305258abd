// DocumentBuilder::build per Reuters document: the analysis and term generation newsq-index
// does for every record, without the database write.
#include <benchmark/benchmark.h>

#include "micro.hpp"
#include "newsq/document.hpp"

namespace newsq::bench {

void register_document_benchmarks(const MicroContext& context) {
  if (context.reuters.empty()) return;
  // The context outlives the benchmarks (they run inside main's scope), so a pointer is safe.
  const auto* articles = &context.reuters;
  benchmark::RegisterBenchmark("Document/build_reuters", [articles](benchmark::State& state) {
    const Analyzer analyzer;
    DocumentBuilder builder(analyzer);
    std::size_t next = 0;
    std::int64_t bytes = 0;
    for (auto _ : state) {
      const Article& article = (*articles)[next];
      next = (next + 1) % articles->size();
      benchmark::DoNotOptimize(builder.build(article));
      bytes += static_cast<std::int64_t>(article.title.size() + article.body.size());
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(bytes);
  });
}

}  // namespace newsq::bench
