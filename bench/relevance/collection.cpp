#include "collection.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "corpus.hpp"

namespace newsq::relevance {

namespace fs = std::filesystem;

namespace {

std::ifstream open_input(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return in;
}

std::string lower_ascii(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

}  // namespace

Collection read_collection(const fs::path& dir) {
  Collection collection;
  auto docs = open_input(dir / "docs.jsonl");
  std::string line;
  while (std::getline(docs, line)) {
    // require_text = false: Reuters has records with neither title nor body that newsq's reader
    // accepts and newsq-index indexes; every engine gets them too, so the collections match.
    if (!line.empty())
      collection.docs.push_back(article_from_json(nlohmann::json::parse(line), false));
  }

  auto queries = open_input(dir / "queries.jsonl");
  while (std::getline(queries, line)) {
    if (line.empty()) continue;
    const auto json = nlohmann::json::parse(line);
    collection.queries.push_back(
        {json.at("id").get<std::string>(), json.at("text").get<std::string>()});
  }

  auto qrels = open_input(dir / "qrels.tsv");
  std::size_t number = 0;
  while (std::getline(qrels, line)) {
    ++number;
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string query, doc;
    int grade = 0;
    if (!(fields >> query >> doc >> grade))
      throw std::runtime_error((dir / "qrels.tsv").string() + ":" + std::to_string(number) +
                               ": expected QUERY DOC GRADE");
    if (grade > 0) collection.relevant[query].insert(doc);
  }
  return collection;
}

std::string typed_query(const std::string& text) {
  // Same rules as bench/compare's typed_title, so both harnesses send newsq the same text.
  static const std::regex ticker("<[^>]*>");
  static const std::regex syntax(R"re(["()+*:\[\]{}<>^~?]|(^|\s)-+|-+(\s|$))re");
  std::string cleaned = std::regex_replace(text, ticker, " ");
  cleaned = std::regex_replace(cleaned, syntax, " ");
  std::istringstream words(cleaned);
  std::string word, out;
  while (words >> word) {
    if (word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
        word == "ADJ")
      word = lower_ascii(word);
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

std::size_t export_reuters(const fs::path& reuters_dir, const fs::path& out_dir, std::size_t count,
                           std::uint64_t seed) {
  const std::vector<Article> articles = bench::read_reuters(reuters_dir);
  fs::create_directories(out_dir);

  std::unordered_map<std::string, std::size_t> title_count;
  for (const auto& article : articles)
    if (!article.title.empty()) ++title_count[lower_ascii(article.title)];
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < articles.size(); ++i)
    if (!articles[i].title.empty() && title_count[lower_ascii(articles[i].title)] == 1 &&
        !typed_query(articles[i].title).empty())
      candidates.push_back(i);

  // A partial Fisher-Yates shuffle with the bench's own SplitMix64, reproducible everywhere.
  bench::Rng rng(seed);
  const std::size_t take = std::min(count, candidates.size());
  for (std::size_t i = 0; i < take; ++i)
    std::swap(candidates[i], candidates[i + rng.below(candidates.size() - i)]);
  candidates.resize(take);

  std::ofstream docs(out_dir / "docs.jsonl"), queries(out_dir / "queries.jsonl"),
      qrels(out_dir / "qrels.tsv");
  for (const auto& article : articles)
    docs << to_json(article).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  for (std::size_t n = 0; n < candidates.size(); ++n) {
    const Article& story = articles[candidates[n]];
    const std::string id = "k" + std::to_string(n + 1);
    queries << nlohmann::json{{"id", id}, {"text", typed_query(story.title)}}.dump(
                   -1, ' ', false, nlohmann::json::error_handler_t::replace)
            << '\n';
    qrels << id << '\t' << story.id << "\t1\n";
  }
  if (!docs || !queries || !qrels) throw std::runtime_error("cannot write " + out_dir.string());
  return candidates.size();
}

}  // namespace newsq::relevance
