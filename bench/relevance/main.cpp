// newsq-eval: measures newsq's ranking against judged test collections, beside SQLite FTS5 and
// Sphinx. A thin main over collection/metrics/engines; bench/relevance/run drives it.
//   newsq-eval export-reuters --out DIR [--count 300] [--seed 20261127] [--shared DIR]
//   newsq-eval run --collection DIR --engine newsq|xapian|fts5|sphinx [engine options]
// `run` prints one JSON object per line: {"engine", "settings", "metrics", "seconds"}.
// Measurements never assert: the exit status is non-zero only when the run itself failed.
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "collection.hpp"
#include "engines.hpp"
#include "metrics.hpp"

namespace {

namespace fs = std::filesystem;
using newsq::relevance::Collection;
using newsq::relevance::Runs;

struct RunOptions {
  std::string collection;
  std::string engine = "newsq";
  newsq::relevance::XapianSettings xapian;
  double fts5_title_weight = 3.0;
  int sphinx_port = 0;
  std::string sphinx_index = "eval";
  std::string sphinx_ranker = "expr('bm25f(1.2,0.75,{title=3,body=1})*1000000')";
  std::string sphinx_idf = "plain";
  int sphinx_title_weight = 3;
};

void print(const std::string& engine, const nlohmann::json& settings, const Collection& collection,
           const Runs& runs, double seconds) {
  std::vector<std::string> ids;
  for (const auto& query : collection.queries) ids.push_back(query.id);
  const auto metrics = newsq::relevance::evaluate(ids, runs, collection.relevant);
  std::cout << nlohmann::json{{"engine", engine},
                              {"settings", settings},
                              {"metrics", newsq::relevance::to_json(metrics)},
                              {"seconds", seconds}}
                   .dump()
            << std::endl;
}

int run(const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Collection collection = newsq::relevance::read_collection(options.collection);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (options.engine == "newsq") {
    const Runs runs = newsq::relevance::run_newsq(collection);
    print("newsq", nlohmann::json::object(), collection, runs, elapsed());
  } else if (options.engine == "xapian") {
    for (const auto& run : newsq::relevance::run_xapian(collection, options.xapian))
      print("xapian", run.settings, collection, run.runs, elapsed());
  } else if (options.engine == "fts5") {
    const Runs runs = newsq::relevance::run_fts5(collection, options.fts5_title_weight);
    print("fts5", {{"title_weight", options.fts5_title_weight}}, collection, runs, elapsed());
  } else if (options.engine == "sphinx") {
    if (options.sphinx_port <= 0) throw std::runtime_error("--engine sphinx needs --port");
    const Runs runs = newsq::relevance::run_sphinx(collection, options.sphinx_port,
                                                   options.sphinx_index, options.sphinx_ranker,
                                                   options.sphinx_idf, options.sphinx_title_weight);
    print("sphinx",
          {{"ranker", options.sphinx_ranker},
           {"idf", options.sphinx_idf},
           {"title_weight", options.sphinx_title_weight}},
          collection, runs, elapsed());
  } else {
    throw std::runtime_error("unknown engine " + options.engine);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "newsq-eval: ranking quality of newsq, SQLite FTS5 and Sphinx on judged collections"};
  app.require_subcommand(1);

  std::string shared = NEWSQ_SHARED_DIR, out;
  std::size_t count = 300;
  std::uint64_t seed = 20261127;
  auto* reuters = app.add_subcommand("export-reuters", "write the Reuters known-item task");
  reuters->add_option("--out", out, "folder to write docs.jsonl, queries.jsonl, qrels.tsv")
      ->required();
  reuters->add_option("--count", count, "stories drawn (title unique in the corpus)")
      ->capture_default_str();
  reuters->add_option("--seed", seed, "seed of the draw")->capture_default_str();
  reuters->add_option("--shared", shared, "the shared folder with corpus/")->capture_default_str();

  RunOptions options;
  auto* run_cmd = app.add_subcommand("run", "run one engine over one collection, print metrics");
  run_cmd->add_option("--collection", options.collection, "folder with the three files")
      ->required();
  run_cmd->add_option("--engine", options.engine, "newsq | xapian | fts5 | sphinx")
      ->capture_default_str();
  run_cmd->add_option("--c", options.xapian.c, "xapian: DFR c values (a run each)");
  run_cmd->add_option("--k1", options.xapian.k1, "xapian: BM25 k1 values (a run each)");
  run_cmd->add_option("--b", options.xapian.b, "xapian: BM25 b values (a run each)");
  run_cmd->add_option("--title-weight", options.xapian.title_weight, "xapian: title wdf")
      ->capture_default_str();
  run_cmd->add_option("--stem", options.xapian.stem, "xapian: some | all | none")
      ->capture_default_str();
  run_cmd->add_option("--weight", options.xapian.weight,
                      "xapian: ineb2 | inl2 | ifb2 | bb2 | pl2 | dph | dlh | bm25 | bm25+ | tfidf")
      ->capture_default_str();
  run_cmd->add_flag("!--no-phrase", options.xapian.phrase_boost, "xapian: drop the phrase boost");
  run_cmd->add_option("--case", options.xapian.query_case, "xapian: newsq | typed | lower")
      ->capture_default_str();
  run_cmd->add_option("--fts5-title-weight", options.fts5_title_weight)->capture_default_str();
  run_cmd->add_option("--port", options.sphinx_port, "sphinx: searchd SphinxQL port");
  run_cmd->add_option("--sphinx-index", options.sphinx_index)->capture_default_str();
  run_cmd->add_option("--ranker", options.sphinx_ranker, "sphinx: OPTION ranker=...")
      ->capture_default_str();
  run_cmd->add_option("--idf", options.sphinx_idf, "sphinx: OPTION idf='...'")
      ->capture_default_str();
  run_cmd->add_option("--sphinx-title-weight", options.sphinx_title_weight)->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (reuters->parsed()) {
      const fs::path dir = fs::path(shared) / "corpus" / "reuters21578" / "raw";
      if (!fs::exists(dir / "reut2-000.sgm.xz")) {
        std::cerr << "newsq-eval: no Reuters corpus under " << dir.string() << ", skipped\n";
        return 3;  // the driver reports the task as skipped
      }
      const std::size_t written = newsq::relevance::export_reuters(dir, out, count, seed);
      std::cerr << "newsq-eval: " << written << " known-item queries written to " << out << '\n';
      return 0;
    }
    return run(options);
  } catch (const std::exception& error) {
    std::cerr << "newsq-eval: " << error.what() << '\n';
    return 1;
  }
}
