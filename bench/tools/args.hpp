// Tiny argument helpers shared by the bench/compare drivers (internal tools, fixed syntax).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "latency.hpp"

namespace newsq::bench {

/// Removes "--repeats N" and "--warmup N" from `args` into `options`.
inline void take_measure_options(std::vector<std::string>& args, MeasureOptions& options) {
  for (std::size_t i = 0; i + 1 < args.size();) {
    if (args[i] == "--repeats" || args[i] == "--warmup") {
      (args[i] == "--repeats" ? options.repeats : options.warmup_passes) = std::stoi(args[i + 1]);
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                 args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    } else {
      ++i;
    }
  }
}

/// Removes a bare flag from `args`; true when it was there.
inline bool take_flag(std::vector<std::string>& args, std::string_view flag) {
  for (auto it = args.begin(); it != args.end(); ++it) {
    if (*it == flag) {
      args.erase(it);
      return true;
    }
  }
  return false;
}

}  // namespace newsq::bench
