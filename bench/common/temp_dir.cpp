#include "temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace newsq::bench {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "newsq-bench-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  // mkdtemp creates the directory atomically, so concurrent benchmark runs never collide.
  if (::mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

}  // namespace newsq::bench
