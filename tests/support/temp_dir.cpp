#include "support/temp_dir.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace newsq::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = fs::temp_directory_path() /
                     ("newsq-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    if (fs::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::optional<fs::path> shared_dir() {
  fs::path dir = NEWSQ_SHARED_DIR;
  if (fs::is_directory(dir)) return fs::canonical(dir);
  return std::nullopt;
}

fs::path source_dir() { return NEWSQ_SOURCE_DIR; }
fs::path binary_dir() { return NEWSQ_BINARY_DIR; }

fs::path seed_index_path() { return fs::path(NEWSQ_FIXTURE_DIR) / "seed"; }

std::optional<fs::path> reuters_index_path() {
  fs::path path = fs::path(NEWSQ_FIXTURE_DIR) / "reuters";
  if (fs::is_directory(path)) return path;
  return std::nullopt;
}

void write_file(const fs::path& path, const std::string& text) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

CommandResult run_command(const std::string& command) {
  TempDir dir;
  auto out_path = dir / "out";
  auto err_path = dir / "err";
  std::string full = "(" + command + ") </dev/null >" + shell_quote(out_path.string()) + " 2>" +
                     shell_quote(err_path.string());
  int status = std::system(full.c_str());
  CommandResult result;
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

}  // namespace newsq::test
