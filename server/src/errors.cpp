#include "newsq/server/errors.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include "newsq/server/ingest.hpp"

namespace newsq::server {

http::status status_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_query:
    case ErrorCode::bad_parameter:
    case ErrorCode::bad_record:
      return http::status::bad_request;
    case ErrorCode::not_found:
      return http::status::not_found;
    case ErrorCode::index_missing:
    case ErrorCode::index_unavailable:
    case ErrorCode::schema_mismatch:
      return http::status::service_unavailable;
    case ErrorCode::io_error:
    case ErrorCode::internal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

HttpError http_error_from(const Error& error) {
  auto status = status_for(error.code());
  if (status == http::status::internal_server_error) return internal_error();
  HttpError http_error{status, std::string(to_string(error.code())), error.what()};
  if (status == http::status::service_unavailable) http_error.retry_after_s = 1;
  if (const auto* rejected = dynamic_cast<const IngestRejected*>(&error)) {
    http_error.problems = nlohmann::json::array();
    for (const auto& problem : rejected->problems()) {
      nlohmann::json entry = {{"message", problem.message}};
      if (problem.item) entry[rejected->lines() ? "line" : "item"] = *problem.item;
      http_error.problems.push_back(std::move(entry));
    }
  }
  return http_error;
}

HttpError route_not_found(std::string_view path) {
  return {http::status::not_found, "not_found", "no such page: " + std::string(path)};
}

HttpError method_not_allowed(std::string_view method, std::string_view allow) {
  HttpError error{http::status::method_not_allowed, "method_not_allowed",
                  "method " + std::string(method) + " is not allowed; use " + std::string(allow)};
  error.allow = std::string(allow);
  return error;
}

HttpError uri_too_long(std::size_t max_bytes) {
  return {http::status::uri_too_long, "uri_too_long",
          "the request target is longer than " + std::to_string(max_bytes) + " bytes"};
}

HttpError internal_error() {
  return {http::status::internal_server_error, "internal",
          "internal error; the server log has the details"};
}

HttpError server_busy() {
  HttpError error{http::status::service_unavailable, "busy",
                  "too many open connections; try again shortly"};
  error.retry_after_s = 1;
  return error;
}

HttpError unauthorized(bool admin_route) {
  return {http::status::unauthorized, "unauthorized",
          admin_route ? "this route needs an admin key: send 'Authorization: Bearer KEY'"
                      : "this route needs a search key: send 'Authorization: Bearer KEY' (an "
                        "origin-restricted key only from its origins)"};
}

HttpError search_key_forbidden() {
  return {http::status::forbidden, "forbidden",
          "this route needs an admin key; a search key is not enough"};
}

HttpError admin_disabled() {
  return {http::status::forbidden, "admin_disabled",
          "no admin key is configured: start newsq-server with --keys-file FILE or "
          "NEWSQ_ADMIN_KEY"};
}

HttpError rate_limited(unsigned retry_after_s) {
  HttpError error{
      http::status::too_many_requests, "rate_limited",
      "too many searches from this address; retry after " + std::to_string(retry_after_s) + " s"};
  error.retry_after_s = retry_after_s;
  return error;
}

HttpError not_ready(std::string_view why) {
  HttpError error{http::status::service_unavailable, "not_ready",
                  "the index is not being served: " + std::string(why)};
  error.retry_after_s = 1;
  return error;
}

HttpError ambiguous_framing(std::string_view why) {
  return {http::status::bad_request, "bad_request",
          "ambiguous request framing refused: " + std::string(why)};
}

HttpError ingest_disabled() {
  return {http::status::forbidden, "ingest_disabled",
          "ingest is disabled: configure an admin key (--keys-file FILE, NEWSQ_ADMIN_KEY, or "
          "the older --admin-token-file / NEWSQ_ADMIN_TOKEN) to enable POST/PUT/DELETE "
          "/articles"};
}

HttpError http_error_from_parse(boost::beast::error_code parse_error, bool request_line_too_long,
                                std::size_t header_limit, std::size_t body_limit) {
  if (parse_error == http::error::header_limit) {
    if (request_line_too_long)
      return {http::status::uri_too_long, "uri_too_long",
              "the request line is longer than the header limit of " +
                  std::to_string(header_limit) + " bytes"};
    return {http::status::request_header_fields_too_large, "header_too_large",
            "the request headers exceed " + std::to_string(header_limit) + " bytes"};
  }
  if (parse_error == http::error::body_limit) {
    return {http::status::payload_too_large, "payload_too_large",
            "the request body exceeds " + std::to_string(body_limit) + " bytes"};
  }
  return {http::status::bad_request, "bad_request",
          "malformed HTTP request: " + parse_error.message()};
}

nlohmann::json error_body(const HttpError& error) {
  nlohmann::json body = {{"error", {{"code", error.code}, {"message", error.message}}}};
  if (!error.problems.is_null()) body["error"]["problems"] = error.problems;
  return body;
}

void add_common_headers(http::response<http::string_body>& response) {
  response.set(http::field::server, "newsq");
  response.set("X-Content-Type-Options", "nosniff");
}

http::response<http::string_body> json_response(http::status status, const nlohmann::json& body,
                                                unsigned version) {
  http::response<http::string_body> response{status, version};
  add_common_headers(response);
  response.set(http::field::content_type, "application/json; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  // Invalid UTF-8 from an index must not turn an answer into a 500: replace it.
  response.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  response.prepare_payload();
  return response;
}

http::response<http::string_body> error_response(const HttpError& error, unsigned version) {
  auto response = json_response(error.status, error_body(error), version);
  if (error.status == http::status::method_not_allowed)
    response.set(http::field::allow, error.allow.empty() ? kAllowedMethods : error.allow);
  if (error.retry_after_s)
    response.set(http::field::retry_after, std::to_string(*error.retry_after_s));
  if (error.status == http::status::unauthorized)
    response.set(http::field::www_authenticate, "Bearer realm=\"newsq\"");
  return response;
}

}  // namespace newsq::server
