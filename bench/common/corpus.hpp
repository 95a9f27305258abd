// The corpora the benchmarks run on, read in place from the shared dir (NEWSQ_SHARED_DIR).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "newsq/article.hpp"

namespace newsq::bench {

/// NEWSQ_SHARED_DIR/corpus/reuters21578/raw when it holds the SGML files, else nullopt (the
/// caller skips with a message: the corpus is never shipped with the repository).
std::optional<std::filesystem::path> reuters_dir();

/// The reut2-*.sgm.xz files in order.
std::vector<std::filesystem::path> reuters_files(const std::filesystem::path& dir);

/// Every Reuters record newsq's own SGML reader accepts, in corpus order; at most `limit`
/// when given. Problems are counted, not printed: the benchmarks only need the records.
std::vector<Article> read_reuters(const std::filesystem::path& dir,
                                  std::optional<std::size_t> limit = std::nullopt);

/// Every Article of a JSON Lines file in newsq's input format (bench/compare's corpus).
std::vector<Article> read_jsonl_file(const std::filesystem::path& path);

/// A small deterministic generator (SplitMix64). The standard distributions are not specified
/// bit-for-bit across standard libraries, so the generator and the query sets use this to stay
/// reproducible for a seed on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  /// Uniform in [0, bound) (bound > 0); the modulo bias is negligible for our bounds.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

 private:
  std::uint64_t state_;
};

}  // namespace newsq::bench
