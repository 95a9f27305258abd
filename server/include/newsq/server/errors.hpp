// The one place where failures become HTTP statuses: the library's typed errors
// (newsq::ErrorCode) and the HTTP parser's errors both map here, and every error response has the
// same JSON shape, {"error":{"code":"bad_query","message":"..."}}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include "newsq/errors.hpp"

namespace newsq::server {

namespace http = boost::beast::http;

/// The methods the read-only routes answer, for `Allow`.
inline constexpr std::string_view kAllowedMethods = "GET, HEAD, OPTIONS";

/// A failure as the client sees it: status, stable snake_case code and a human message.
struct HttpError {
  HttpError() = default;
  HttpError(http::status status_in, std::string code_in, std::string message_in)
      : status(status_in), code(std::move(code_in)), message(std::move(message_in)) {}

  http::status status = http::status::internal_server_error;
  std::string code;  ///< "bad_query", "not_found", "payload_too_large", ...
  std::string message;
  /// 503s: seconds after which a retry may succeed, sent as Retry-After.
  std::optional<unsigned> retry_after_s;
  /// Extra machine-readable detail (e.g. the problems of a rejected ingest body), sent as
  /// error.problems when not null.
  nlohmann::json problems;
  /// 405: the methods the route answers, sent as Allow.
  std::string allow;
};

/// The status of a library error: bad_query, bad_parameter and bad_record -> 400, not_found ->
/// 404, index_missing, index_unavailable and schema_mismatch -> 503, everything else -> 500.
http::status status_for(ErrorCode code) noexcept;

/// A library error as the client sees it. Messages of 500s are replaced by a generic text so that
/// internals (paths, Xapian messages) do not leak; the caller logs the original. 503s carry
/// Retry-After: 1 (the writer's lock wait or a missing index are short-lived); a rejected ingest
/// body (IngestRejected) lists its problems as [{"item"|"line", "message"}].
HttpError http_error_from(const Error& error);

/// Named HTTP-level errors that have no library ErrorCode.
HttpError route_not_found(std::string_view path);
/// 405 naming the method; `allow` is what the route answers (sent as Allow).
HttpError method_not_allowed(std::string_view method, std::string_view allow = kAllowedMethods);
HttpError uri_too_long(std::size_t max_bytes);
HttpError internal_error();
HttpError server_busy();
/// 401: no key or a wrong one in `Authorization: Bearer KEY` (sent with WWW-Authenticate:
/// Bearer), on an admin route (`admin_route`) or a search route while search keys are
/// configured. The message never echoes what was sent.
HttpError unauthorized(bool admin_route = true);
/// 403: a search key on an admin route.
HttpError search_key_forbidden();
/// 403: an admin route other than ingest (e.g. /metrics with --metrics-admin) while no admin
/// key is configured.
HttpError admin_disabled();
/// 429 "rate_limited" with Retry-After: the client's search rate is above --rate-limit.
HttpError rate_limited(unsigned retry_after_s);
/// 503 "not_ready" with Retry-After: 1 for /readyz; `why` is the index error.
HttpError not_ready(std::string_view why);
/// 400 "bad_request" for an HTTP framing that could smuggle a request past a proxy
/// (Content-Length with Transfer-Encoding, a Transfer-Encoding not ending in chunked, chunked
/// in HTTP/1.0, oversized chunk extensions); the connection is closed after it.
HttpError ambiguous_framing(std::string_view why);
/// 403 for the admin routes when the server has no admin token configured (ingest disabled).
HttpError ingest_disabled();

/// The error for a request the HTTP parser rejected: header_limit -> 431 (or 414 when
/// `request_line_too_long`), body_limit -> 413, anything else -> 400 "bad_request".
HttpError http_error_from_parse(boost::beast::error_code parse_error, bool request_line_too_long,
                                std::size_t header_limit, std::size_t body_limit);

/// {"error":{"code":..., "message":..., ["problems":[...]]}}.
nlohmann::json error_body(const HttpError& error);

/// The complete JSON error response, with the common headers (see add_common_headers), Allow for
/// 405, Retry-After when the error has one, WWW-Authenticate for 401. `version` is 10 or 11.
http::response<http::string_body> error_response(const HttpError& error, unsigned version);

/// Headers every response carries: Server and X-Content-Type-Options: nosniff.
void add_common_headers(http::response<http::string_body>& response);

/// A JSON response (application/json; charset=utf-8) with the common headers, Content-Length set
/// and `Cache-Control: no-store` (search results change as the index is updated).
http::response<http::string_body> json_response(http::status status, const nlohmann::json& body,
                                                unsigned version);

}  // namespace newsq::server
