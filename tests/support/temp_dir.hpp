// Test helpers shared by every test executable.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace newsq::test {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// ../shared (the NEWSQ_SHARED_DIR CMake cache variable) when it exists, else nullopt: tests
/// that need it SKIP-style return early with a WARN.
std::optional<std::filesystem::path> shared_dir();

/// The source tree (for data/ and fixtures).
std::filesystem::path source_dir();

/// The build tree (for the built binaries: newsq, newsq-index, newsq-server).
std::filesystem::path binary_dir();

/// The fixture index of the seed page (2025-01-30, Europe/Madrid) and data/sample.jsonl, built
/// by the CTest fixture build_test_indexes (tests must be registered with INDEXES).
std::filesystem::path seed_index_path();

/// The fixture index of the seed page plus all of Reuters-21578, or nullopt when ../shared is
/// absent (the tests that need it then return early with a WARN).
std::optional<std::filesystem::path> reuters_index_path();

/// Writes `text` to `path` (creating parent directories).
void write_file(const std::filesystem::path& path, const std::string& text);

/// Reads the whole file.
std::string read_file(const std::filesystem::path& path);

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< standard output
  std::string err;  ///< standard error
};

/// Runs `command` through /bin/sh with stdin from /dev/null, capturing stdout and stderr.
CommandResult run_command(const std::string& command);

/// Quotes a string for /bin/sh.
std::string shell_quote(const std::string& text);

}  // namespace newsq::test
