#include "newsq/errors.hpp"

namespace newsq {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_query: return "bad_query";
    case ErrorCode::bad_parameter: return "bad_parameter";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::index_missing: return "index_missing";
    case ErrorCode::schema_mismatch: return "schema_mismatch";
    case ErrorCode::index_unavailable: return "index_unavailable";
    case ErrorCode::bad_record: return "bad_record";
    case ErrorCode::io_error: return "io_error";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

int exit_code(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_query:
    case ErrorCode::bad_parameter:
    case ErrorCode::bad_record:
    case ErrorCode::not_found:
      return 2;
    case ErrorCode::index_missing:
    case ErrorCode::schema_mismatch:
    case ErrorCode::index_unavailable:
    case ErrorCode::io_error:
      return 3;
    case ErrorCode::internal:
      return 4;
  }
  return 4;
}

}  // namespace newsq
