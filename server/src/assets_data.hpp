// The raw embedded bytes, generated at build time by server/cmake/embed_assets.cmake.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace newsq::server::detail {

struct RawAsset {
  std::string_view name;
  const unsigned char* data;
  std::size_t size;
};

/// Every file of server/static/, in the order CMake lists them.
std::span<const RawAsset> embedded_assets();

}  // namespace newsq::server::detail
