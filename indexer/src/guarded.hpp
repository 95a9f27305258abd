// How every newsq-index command ends: the error that stops it becomes one message on `err` and
// the command's exit status (private to newsq_indexer).
#pragma once

#include <exception>
#include <ostream>
#include <string_view>

#include "newsq/errors.hpp"
#include "newsq/indexer/commands.hpp"

namespace newsq::indexer {

/// The prefix of every message newsq-index prints.
inline constexpr std::string_view kProgram = "newsq-index: ";

/// Runs a command body, turning the error that ends it into a message and an exit status.
template <typename Body>
int guarded(std::ostream& err, Body&& body) {
  try {
    return body();
  } catch (const Error& e) {
    err << kProgram << e.what() << '\n';
    return exit_status(e.code());
  } catch (const std::exception& e) {
    err << kProgram << "internal error: " << e.what() << '\n';
    return exit_status(ErrorCode::internal);
  }
}

}  // namespace newsq::indexer
