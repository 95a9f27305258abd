#include <iostream>

#include "engines.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/searcher.hpp"
#include "temp_dir.hpp"

namespace newsq::relevance {

Runs run_newsq(const Collection& collection) {
  bench::TempDir dir;
  const std::string path = (dir.path() / "index").string();
  {
    indexer::IndexWriter writer(path);
    for (const auto& article : collection.docs) writer.add(article);
    writer.commit();
  }
  Searcher searcher(path);
  Runs runs;
  for (const auto& query : collection.queries) {
    SearchRequest request;
    request.query = typed_query(query.text);
    request.match = MatchMode::any;
    request.sort = SortOrder::text;  // the issue compares text ranking (no recency blend)
    request.limit = kDepth;
    request.snippets = false;
    std::vector<std::string>& ranked = runs[query.id];
    try {
      for (const auto& hit : searcher.search(request).hits) ranked.push_back(hit.id);
    } catch (const std::exception& error) {
      // A query newsq refuses is a miss for the metrics, and worth seeing in the log.
      std::cerr << "newsq-eval: newsq: query " << query.id << ": " << error.what() << '\n';
    }
  }
  return runs;
}

}  // namespace newsq::relevance
