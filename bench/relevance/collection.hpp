// A test collection as newsq-eval reads it: a folder with docs.jsonl (newsq's Article JSON, one
// per line), queries.jsonl ({"id", "text"}) and qrels.tsv (query id, doc id, grade > 0 relevant).
// bench/relevance/run writes these from the Glasgow collections; export_reuters() writes the
// Reuters known-item task, so every engine reads one simple format.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "newsq/article.hpp"

namespace newsq::relevance {

struct EvalQuery {
  std::string id;
  std::string text;  ///< as the collection gives it (case and punctuation kept)
};

struct Collection {
  std::vector<Article> docs;  ///< in file order (Sphinx uses the 1-based position as its id)
  std::vector<EvalQuery> queries;
  std::map<std::string, std::set<std::string>> relevant;  ///< query id -> relevant doc ids
};

/// Reads the three files. Throws std::runtime_error naming the file on a bad line.
Collection read_collection(const std::filesystem::path& dir);

/// Writes the Reuters known-item task into `out_dir`: every record newsq's SGML reader accepts
/// (docs.jsonl), and `count` stories drawn with the seed among those whose title is unique in the
/// corpus (compared case-insensitively), each title the query of its story. Returns the number
/// of queries written.
std::size_t export_reuters(const std::filesystem::path& reuters_dir,
                           const std::filesystem::path& out_dir, std::size_t count,
                           std::uint64_t seed);

/// A title as a user would paste it into the search box (bench/compare's typed_title): case
/// kept, <TICKER> marks and the characters of query syntax dropped, and the words AND/OR/NOT/
/// XOR/NEAR/ADJ lower-cased so that they stay words. Applied to every query sent to newsq.
std::string typed_query(const std::string& text);

}  // namespace newsq::relevance
