#include "corpus.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "newsq/indexer/input_file.hpp"
#include "newsq/indexer/readers.hpp"

namespace newsq::bench {

namespace fs = std::filesystem;

namespace {

/// Collects the records of a reader, stopping early once `limit` is reached.
class CollectingSink : public indexer::RecordSink {
 public:
  CollectingSink(std::vector<Article>& out, std::optional<std::size_t> limit)
      : out_(out), limit_(limit) {}
  void on_article(Article&& article, std::size_t) override {
    if (!limit_ || out_.size() < *limit_) out_.push_back(std::move(article));
  }
  void on_problem(indexer::Problem&&) override {}

 private:
  std::vector<Article>& out_;
  std::optional<std::size_t> limit_;
};

}  // namespace

std::optional<fs::path> reuters_dir() {
  const fs::path dir = fs::path(NEWSQ_SHARED_DIR) / "corpus" / "reuters21578" / "raw";
  std::error_code error;
  if (!fs::exists(dir / "reut2-000.sgm.xz", error)) return std::nullopt;
  return dir;
}

std::vector<fs::path> reuters_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("reut2-") && name.ends_with(".sgm.xz")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Article> read_reuters(const fs::path& dir, std::optional<std::size_t> limit) {
  std::vector<Article> articles;
  CollectingSink sink(articles, limit);
  for (const auto& file : reuters_files(dir)) {
    if (limit && articles.size() >= *limit) break;
    indexer::InputFile input(file.string());
    indexer::read_sgml(input.stream(), input.name(), {}, sink);
  }
  return articles;
}

std::vector<Article> read_jsonl_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<Article> articles;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    articles.push_back(article_from_json(nlohmann::json::parse(line)));
  }
  return articles;
}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace newsq::bench
