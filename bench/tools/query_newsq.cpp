// newsq-bench-newsq INDEX QUERIES.jsonl [--ids-only] [--repeats N] [--warmup N]
// Times newsq's Searcher (the library, no HTTP) over a bench/compare query file. By default each
// query asks for what a results page shows: top 10 with titles, dates, topics and highlighted
// snippets. --ids-only sets snippets=false, the closest the API comes to "ids only" (the stored
// fields of the ten hits are still read), for the comparison with raw Xapian.
#include <iostream>

#include "args.hpp"
#include "latency.hpp"
#include "newsq/searcher.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  newsq::bench::MeasureOptions options;
  newsq::bench::take_measure_options(args, options);
  const bool ids_only = newsq::bench::take_flag(args, "--ids-only");
  if (args.size() != 2) {
    std::cerr << "usage: newsq-bench-newsq INDEX QUERIES.jsonl [--ids-only] [--repeats N]\n";
    return 2;
  }
  try {
    newsq::Searcher searcher(args[0]);
    const auto queries = newsq::bench::read_queries(args[1]);
    auto run = [&](const newsq::bench::BenchQuery& query) {
      newsq::SearchRequest request;
      request.query = query.text;
      // Text relevance, the ranking the peers do; the default blend adds a recency rescore
      // (bench/micro: Search/words against Search/words_sort_text).
      request.sort = newsq::SortOrder::text;
      if (query.topic) request.topics = {*query.topic};
      request.from = query.from;
      request.to = query.to;
      if (query.facets) {
        request.facet_topics = true;
        request.facet_date = newsq::DateBucket::month;
      }
      request.snippets = !ids_only;
      return searcher.search(request).hits.size();
    };
    std::cout << newsq::bench::measure(queries, run, options).dump() << '\n';
  } catch (const std::exception& error) {
    std::cerr << "newsq-bench-newsq: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
