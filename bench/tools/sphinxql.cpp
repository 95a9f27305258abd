// newsq-bench-sphinxql PORT QUERIES.jsonl [--repeats N] [--warmup N] [--print-sql]
// Times Sphinx searchd over SphinxQL on 127.0.0.1:PORT (index "news", built by bench/compare
// with topics as an MVA of FNV-1a-32 hashes, `published` a timestamp and `month` YYYYMM), one
// client, through the shared SphinxQL client (bench/common/sphinxql_client.hpp).
#include <iostream>

#include "args.hpp"
#include "latency.hpp"
#include "sphinxql_client.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  newsq::bench::MeasureOptions options;
  newsq::bench::take_measure_options(args, options);
  const bool print_sql = newsq::bench::take_flag(args, "--print-sql");
  if (args.size() != 2) {
    std::cerr << "usage: newsq-bench-sphinxql PORT QUERIES.jsonl [--repeats N] [--warmup N]\n";
    return 2;
  }
  try {
    const auto queries = newsq::bench::read_queries(args[1]);
    if (print_sql) {
      for (const auto& query : queries)
        std::cout << newsq::bench::sphinxql_statement(query) << '\n';
      return 0;
    }
    newsq::bench::SphinxqlConnection connection(std::stoi(args[0]));
    auto run = [&](const newsq::bench::BenchQuery& query) {
      std::size_t facet_rows = 0;
      return connection.query(newsq::bench::sphinxql_statement(query), &facet_rows);
    };
    std::cout << newsq::bench::measure(queries, run, options).dump() << '\n';
  } catch (const std::exception& error) {
    std::cerr << "newsq-bench-sphinxql: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
