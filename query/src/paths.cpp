#include "newsq/paths.hpp"

#include <cstdlib>

namespace newsq {

namespace {
std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}
}  // namespace

std::string default_index_path() {
  if (auto index = env("NEWSQ_INDEX"); !index.empty()) return index;
  if (auto data = env("XDG_DATA_HOME"); !data.empty()) return data + "/newsq/index";
  if (auto home = env("HOME"); !home.empty()) return home + "/.local/share/newsq/index";
  return "./newsq-index";
}

}  // namespace newsq
