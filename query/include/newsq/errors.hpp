// newsq's one error type. Every failure the libraries report is a newsq::Error carrying an
// ErrorCode; the HTTP server maps codes to statuses in exactly one place (server/src/errors.cpp)
// and the command-line tools map them to exit codes through exit_code() below (newsq-index keeps
// its documented 0/1/2 statuses in indexer/src/commands.cpp).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace newsq {

enum class ErrorCode {
  bad_query,          ///< the query string could not be parsed, or is too expensive
  bad_parameter,      ///< a request parameter (date, sort, limit, ...) is invalid
  not_found,          ///< the article (or route) does not exist
  index_missing,      ///< no index at the given path
  schema_mismatch,    ///< the index was written by another schema version
  index_unavailable,  ///< the index exists but cannot be read right now (locked, corrupt, I/O)
  bad_record,         ///< an input record is malformed (the message carries file:line)
  io_error,           ///< a file could not be read or written
  internal,           ///< a bug: something that should not happen
};

/// The stable snake_case name of a code, as used in JSON error bodies ("bad_query").
std::string_view to_string(ErrorCode code) noexcept;

/// The process exit status for an error, shared by every newsq command-line tool:
/// 2 for what the user typed (bad query, bad parameter, bad record given as the whole input),
/// 3 for the environment (index missing, locked, of another schema version, I/O failure),
/// 4 for internal errors. (0 and 1 are each tool's success statuses.)
int exit_code(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace newsq
