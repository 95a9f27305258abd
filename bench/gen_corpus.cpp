// newsq-gen-corpus: a large realistic corpus without shipping data. Recombines real Reuters
// titles and paragraphs (read in place from the shared dir) into N JSON Lines articles with
// fresh ids, dates spread over 2019-2025 and topic sets taken from real Reuters stories, so the
// topic distribution stays realistic. The same N and SEED always give the same bytes.
//
//   newsq-gen-corpus N SEED > out.jsonl      generated articles
//   newsq-gen-corpus --reuters [LIMIT]       the real corpus as newsq JSON Lines (bench/compare)
#include <charconv>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "corpus.hpp"
#include "newsq/timeutil.hpp"

namespace {

using newsq::Article;

/// Reuters bodies mark paragraphs with a newline and an indent ("\n    The bank said");
/// blank lines work too. Paragraphs shorter than a few words (datelines, tables) are dropped.
std::vector<std::string> split_paragraphs(const std::string& body) {
  std::vector<std::string> paragraphs;
  std::string current;
  std::size_t pos = 0;
  auto flush = [&] {
    if (current.size() >= 40) paragraphs.push_back(current);
    current.clear();
  };
  while (pos <= body.size()) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    std::string_view line(body.data() + pos, end - pos);
    const bool starts_paragraph =
        line.starts_with("  ") || line.find_first_not_of(" \t") == std::string_view::npos;
    if (starts_paragraph) flush();
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      if (!current.empty()) current += ' ';
      current.append(line.substr(first));
    }
    pos = end + 1;
  }
  flush();
  return paragraphs;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int usage() {
  std::cerr << "usage: newsq-gen-corpus N SEED > out.jsonl\n"
               "       newsq-gen-corpus --reuters [LIMIT] > out.jsonl\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  const auto dir = newsq::bench::reuters_dir();
  if (!dir) {
    std::cerr << "newsq-gen-corpus: " << NEWSQ_SHARED_DIR
              << "/corpus/reuters21578/raw is absent: nothing to recombine\n";
    return 3;
  }
  std::ios::sync_with_stdio(false);

  if (!args.empty() && args[0] == "--reuters") {
    std::optional<std::size_t> limit;
    if (args.size() == 2) {
      limit = parse_number(args[1]);
      if (!limit) return usage();
    } else if (args.size() > 2) {
      return usage();
    }
    for (const auto& article : newsq::bench::read_reuters(*dir, limit))
      std::cout << newsq::to_json(article).dump() << '\n';
    return 0;
  }

  if (args.size() != 2) return usage();
  const auto count = parse_number(args[0]);
  const auto seed = parse_number(args[1]);
  if (!count || !seed) return usage();

  const std::vector<Article> reuters = newsq::bench::read_reuters(*dir);
  std::vector<std::string> titles;
  std::vector<std::string> paragraphs;
  std::vector<std::vector<std::string>> topic_sets;  // real sets, with their real frequencies
  for (const auto& article : reuters) {
    if (!article.title.empty()) titles.push_back(article.title);
    for (auto& paragraph : split_paragraphs(article.body))
      paragraphs.push_back(std::move(paragraph));
    topic_sets.push_back(article.topics);
  }
  if (titles.empty() || paragraphs.empty()) {
    std::cerr << "newsq-gen-corpus: the Reuters corpus yielded no titles or paragraphs\n";
    return 3;
  }

  newsq::bench::Rng rng(*seed);
  const std::int64_t first_day = newsq::days_from_civil(2019, 1, 1);
  const std::int64_t last_day = newsq::days_from_civil(2025, 12, 31);
  const auto span_seconds = static_cast<std::uint64_t>(last_day - first_day + 1) * 86400;
  for (std::uint64_t n = 0; n < *count; ++n) {
    Article article;
    article.id = "gen-" + std::to_string(*seed) + "-" + std::to_string(n);
    article.title = titles[rng.below(titles.size())];
    const std::uint64_t paragraph_count = 2 + rng.below(5);
    for (std::uint64_t p = 0; p < paragraph_count; ++p) {
      if (p > 0) article.body += "\n\n";
      article.body += paragraphs[rng.below(paragraphs.size())];
    }
    article.published =
        newsq::Timestamp{first_day * 86400 + static_cast<std::int64_t>(rng.below(span_seconds)), 0};
    article.topics = topic_sets[rng.below(topic_sets.size())];
    article.source = "reuters-gen";
    article.url = "https://example.invalid/gen/" + std::to_string(*seed) + "/" + std::to_string(n);
    std::cout << newsq::to_json(article).dump() << '\n';
  }
  return 0;
}
