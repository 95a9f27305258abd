// Query parsing + search top-10 per query class over the Reuters index built once by main().
// Each class cycles through 64 seeded queries drawn from real titles, so no single query stays
// hot in the caches. Every class but *_snippets asks for snippets=false (ids plus the stored
// fields of the hits), so the snippet cost shows as the difference of two rows.
#include <benchmark/benchmark.h>

#include <cctype>

#include "corpus.hpp"
#include "micro.hpp"
#include "newsq/searcher.hpp"

namespace newsq::bench {

namespace {

/// The lower-case alphabetic words of a title (digits and tickers like <SRD> dropped), so that
/// upper-case titles never turn into AND/OR/NOT operators.
std::vector<std::string> title_words(const std::string& title) {
  std::vector<std::string> words;
  std::string word;
  bool in_angle = false;
  for (const char c : title + " ") {
    if (c == '<') in_angle = true;
    if (std::isalpha(static_cast<unsigned char>(c)) && !in_angle) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      if (word.size() >= 3) words.push_back(word);
      word.clear();
    }
    if (c == '>') in_angle = false;
  }
  return words;
}

enum class QueryClass { single, words, phrase, filtered, facets, words_text, words_any };

std::vector<SearchRequest> make_requests(const std::vector<Article>& articles, QueryClass kind,
                                         bool snippets) {
  Rng rng(20261127);
  std::vector<SearchRequest> requests;
  while (requests.size() < 64) {
    const Article& article = articles[rng.below(articles.size())];
    const auto words = title_words(article.title);
    if (words.size() < 3) continue;
    const std::size_t start = rng.below(words.size() - 2);
    SearchRequest request;
    request.snippets = snippets;
    switch (kind) {
      case QueryClass::single:
        request.query = words[start];
        break;
      case QueryClass::words:
      case QueryClass::words_text:
      case QueryClass::words_any:
        request.query = words[start] + " " + words[start + 1];
        if (rng.below(2) == 1) request.query += " " + words[start + 2];
        // The default (relevance) blends recency over a 50-hit window; text skips that.
        if (kind == QueryClass::words_text) request.sort = SortOrder::text;
        // Any word: the phrase boost must not cost the ranking its skipping (the split runs).
        if (kind == QueryClass::words_any) request.match = MatchMode::any;
        break;
      case QueryClass::phrase:
        request.query = "\"" + words[start] + " " + words[start + 1] + "\"";
        break;
      case QueryClass::filtered:
        if (article.topics.empty() || !article.published) continue;
        request.query = words[start];
        request.topics = {article.topics.front()};
        // The article's own month, so the filter keeps it and the query has hits.
        request.from = article.published->utc_seconds - 15 * 86400;
        request.to = article.published->utc_seconds + 15 * 86400;
        break;
      case QueryClass::facets:
        request.query = words[start] + " " + words[start + 1];
        request.match = MatchMode::any;  // broad result sets are where facets cost
        request.facet_topics = true;
        request.facet_date = DateBucket::month;
        break;
    }
    requests.push_back(std::move(request));
  }
  return requests;
}

void run_requests(benchmark::State& state, const std::filesystem::path& index,
                  const std::vector<SearchRequest>& requests) {
  Searcher searcher(index.string());
  for (const auto& request : requests) searcher.search(request);  // warm-up
  std::size_t next = 0;
  std::uint64_t hits = 0;
  for (auto _ : state) {
    const SearchResult result = searcher.search(requests[next]);
    hits += result.hits.size();
    next = (next + 1) % requests.size();
  }
  state.counters["hits/query"] =
      benchmark::Counter(static_cast<double>(hits) / static_cast<double>(state.iterations()));
}

/// What a reader types into the search box, a keystroke at a time: every prefix of two or more
/// letters of the last word, after the words before it.
std::vector<std::string> make_prefixes(const std::vector<Article>& articles) {
  Rng rng(20261128);
  std::vector<std::string> prefixes;
  while (prefixes.size() < 64) {
    const auto words = title_words(articles[rng.below(articles.size())].title);
    if (words.size() < 2) continue;
    const std::string head = words[0] + " ";
    for (std::size_t length = 2; length <= words[1].size() && prefixes.size() < 64; ++length)
      prefixes.push_back(head + words[1].substr(0, length));
  }
  return prefixes;
}

/// Ids of stories to find related stories for.
std::vector<std::string> make_ids(const std::vector<Article>& articles) {
  Rng rng(20261129);
  std::vector<std::string> ids;
  while (ids.size() < 64) ids.push_back(articles[rng.below(articles.size())].id);
  return ids;
}

}  // namespace

void register_search_benchmarks(const MicroContext& context) {
  if (!context.index) return;
  const struct {
    const char* name;
    QueryClass kind;
    bool snippets;
  } classes[] = {
      {"Search/single_term", QueryClass::single, false},
      {"Search/words", QueryClass::words, false},
      {"Search/words_sort_text", QueryClass::words_text, false},
      {"Search/words_any", QueryClass::words_any, false},
      {"Search/phrase", QueryClass::phrase, false},
      {"Search/filtered_topic_date", QueryClass::filtered, false},
      {"Search/facets_topic_month", QueryClass::facets, false},
      {"Search/single_term_snippets", QueryClass::single, true},
      {"Search/words_snippets", QueryClass::words, true},
  };
  for (const auto& query_class : classes) {
    benchmark::RegisterBenchmark(query_class.name, [index = *context.index,
                                                    requests = make_requests(context.reuters,
                                                                             query_class.kind,
                                                                             query_class.snippets)](
                                                       benchmark::State& state) {
      run_requests(state, index, requests);
    })->Unit(benchmark::kMicrosecond);
  }

  benchmark::RegisterBenchmark("Suggest/keystrokes", [index = *context.index,
                                                      prefixes = make_prefixes(context.reuters)](
                                                         benchmark::State& state) {
    Searcher searcher(index.string());
    std::size_t next = 0, offered = 0;
    for (auto _ : state) {
      offered += searcher.suggest(prefixes[next]).size();
      next = (next + 1) % prefixes.size();
    }
    state.counters["suggestions"] = benchmark::Counter(
        static_cast<double>(offered) / static_cast<double>(state.iterations()));
  })->Unit(benchmark::kMicrosecond);

  benchmark::RegisterBenchmark("Related/top10", [index = *context.index,
                                                 ids = make_ids(context.reuters)](
                                                    benchmark::State& state) {
    Searcher searcher(index.string());
    std::size_t next = 0;
    RelatedRequest request;
    request.snippets = false;
    for (auto _ : state) {
      request.id = ids[next];
      benchmark::DoNotOptimize(searcher.related(request));
      next = (next + 1) % ids.size();
    }
  })->Unit(benchmark::kMicrosecond);
}

}  // namespace newsq::bench
