// newsq_micro's main: loads the corpus, builds the Reuters index once, registers every group and
// hands over to Google Benchmark (all of its flags work: --benchmark_filter=Search, ...).
#include <benchmark/benchmark.h>

#include <chrono>
#include <iostream>
#include <sstream>

#include "corpus.hpp"
#include "micro.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/indexer/input_file.hpp"
#include "temp_dir.hpp"

namespace {

using newsq::bench::MicroContext;

/// Real accented text: the German 10kGNAD test split (one "label;'text'" line per article).
std::vector<std::string> read_accented() {
  std::vector<std::string> texts;
  const auto path = std::filesystem::path(NEWSQ_SHARED_DIR) / "corpus/de_10kgnad/test.csv.xz";
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    newsq::indexer::InputFile input(path.string());
    std::string line;
    while (std::getline(input.stream(), line) && texts.size() < 500) {
      if (const auto cut = line.find(';'); cut != std::string::npos)
        texts.push_back(line.substr(cut + 1));
    }
  }
  if (texts.empty()) {
    // No shared dir: a deterministic stand-in with one accented letter in about every word.
    for (int i = 0; i < 200; ++i)
      texts.emplace_back(
          "Peskóv dijo en Tartús que la Comisión Europea revisará el "
          "acuerdo económico según fuentes del Ministerio de Economía.");
  }
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  MicroContext context;
  context.accented = read_accented();
  std::optional<newsq::bench::TempDir> index_dir;
  if (const auto dir = newsq::bench::reuters_dir()) {
    context.reuters = newsq::bench::read_reuters(*dir);
    index_dir.emplace();
    const auto start = std::chrono::steady_clock::now();
    {
      newsq::indexer::IndexWriter writer((index_dir->path() / "index").string());
      for (const auto& article : context.reuters) writer.add(article);
      writer.commit();
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    std::cerr << "newsq_micro: indexed " << context.reuters.size() << " Reuters records in "
              << took.count() << " s (temp index, removed at exit)\n";
    context.index = index_dir->path() / "index";
  } else {
    std::cerr << "newsq_micro: " << NEWSQ_SHARED_DIR
              << "/corpus/reuters21578 is absent: corpus benchmarks skipped\n";
  }

  newsq::bench::register_analysis_benchmarks(context);
  newsq::bench::register_document_benchmarks(context);
  newsq::bench::register_search_benchmarks(context);
  newsq::bench::register_json_benchmarks(context);
  newsq::bench::register_snippet_benchmarks(context);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
