#include "newsq/server/errors.hpp"

#include <boost/beast/http/error.hpp>
#include <catch2/catch.hpp>

using namespace newsq;
using namespace newsq::server;
using boost::beast::http::status;

TEST_CASE("every library error code has its status", "[errors]") {
  CHECK(status_for(ErrorCode::bad_query) == status::bad_request);
  CHECK(status_for(ErrorCode::bad_parameter) == status::bad_request);
  CHECK(status_for(ErrorCode::bad_record) == status::bad_request);
  CHECK(status_for(ErrorCode::not_found) == status::not_found);
  CHECK(status_for(ErrorCode::index_missing) == status::service_unavailable);
  CHECK(status_for(ErrorCode::index_unavailable) == status::service_unavailable);
  CHECK(status_for(ErrorCode::schema_mismatch) == status::service_unavailable);
  CHECK(status_for(ErrorCode::io_error) == status::internal_server_error);
  CHECK(status_for(ErrorCode::internal) == status::internal_server_error);
}

TEST_CASE("a library error keeps its code and message, except for 500s", "[errors]") {
  auto bad = http_error_from(Error(ErrorCode::bad_query, "unbalanced quote"));
  CHECK(bad.status == status::bad_request);
  CHECK(bad.code == "bad_query");
  CHECK(bad.message == "unbalanced quote");

  auto internal = http_error_from(Error(ErrorCode::internal, "/secret/path: Xapian said no"));
  CHECK(internal.status == status::internal_server_error);
  CHECK(internal.code == "internal");
  CHECK(internal.message.find("/secret") == std::string::npos);
}

TEST_CASE("parser errors map to 431, 414, 413 and 400", "[errors]") {
  namespace e = boost::beast::http;
  CHECK(http_error_from_parse(e::error::header_limit, false, 100, 200).status ==
        status::request_header_fields_too_large);
  CHECK(http_error_from_parse(e::error::header_limit, true, 100, 200).status ==
        status::uri_too_long);
  CHECK(http_error_from_parse(e::error::body_limit, false, 100, 200).status ==
        status::payload_too_large);
  auto bad = http_error_from_parse(e::error::bad_method, false, 100, 200);
  CHECK(bad.status == status::bad_request);
  CHECK(bad.code == "bad_request");
}

TEST_CASE("error responses are JSON with one shape", "[errors]") {
  HttpError error{status::bad_request, "bad_query", "a \"quoted\" </script> message"};
  auto response = error_response(error, 11);
  CHECK(response.result() == status::bad_request);
  CHECK(response[boost::beast::http::field::content_type] == "application/json; charset=utf-8");
  CHECK(response["X-Content-Type-Options"] == "nosniff");
  auto body = nlohmann::json::parse(response.body());
  CHECK(body ==
        nlohmann::json{
            {"error", {{"code", "bad_query"}, {"message", "a \"quoted\" </script> message"}}}});
  CHECK(response[boost::beast::http::field::content_length] ==
        std::to_string(response.body().size()));

  auto not_allowed = error_response(method_not_allowed("POST"), 11);
  CHECK(not_allowed.result() == status::method_not_allowed);
  CHECK(not_allowed[boost::beast::http::field::allow] == "GET, HEAD, OPTIONS");
}

TEST_CASE("invalid UTF-8 in a body does not throw", "[errors]") {
  auto response = json_response(status::ok, nlohmann::json{{"title", "bad \xff byte"}}, 11);
  CHECK(response.body().find("bad") != std::string::npos);
}
