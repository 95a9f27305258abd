// The ErrorCode of the newsq::Error an action throws; a test fails when it throws none.
#pragma once

#include <catch2/catch.hpp>

#include <functional>

#include "newsq/errors.hpp"

namespace newsq::test {

inline ErrorCode error_code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.code();
  }
  FAIL("expected a newsq::Error");
  return ErrorCode::internal;
}

}  // namespace newsq::test
