#include "newsq/server/assets.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

#include "assets_data.hpp"

namespace newsq::server {

namespace {

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string hex(std::uint64_t value) {
  std::array<char, 17> text{};
  std::snprintf(text.data(), text.size(), "%016llx", static_cast<unsigned long long>(value));
  return text.data();
}

}  // namespace

std::string content_type_for(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  auto ext = dot == std::string_view::npos ? std::string_view() : file_name.substr(dot + 1);
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "ico") return "image/x-icon";
  return "application/octet-stream";
}

AssetTable::AssetTable() {
  std::uint64_t all = 1469598103934665603ULL;
  for (const auto& raw : detail::embedded_assets()) {
    std::string_view bytes(reinterpret_cast<const char*>(raw.data), raw.size);
    auto hash = hex(fnv1a(bytes));
    assets_.push_back({std::string(raw.name), content_type_for(raw.name), bytes, '"' + hash + '"'});
    all = fnv1a(hash, all);
  }
  version_ = hex(all).substr(0, 10);
}

const Asset* AssetTable::find(std::string_view name) const {
  auto it = std::find_if(assets_.begin(), assets_.end(),
                         [&](const Asset& asset) { return asset.name == name; });
  return it == assets_.end() ? nullptr : &*it;
}

}  // namespace newsq::server
