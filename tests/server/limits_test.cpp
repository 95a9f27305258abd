// The transport limits of the real newsq-server at their boundaries, over sockets on 127.0.0.1:
// request target (--max-url, 414), request line plus headers (--header-limit, 431, or 414 when
// the request line alone is too long), body (--body-limit, 413, declared or chunked) and open
// connections (--max-connections, 503). Exactly at a limit is accepted and the connection kept
// alive; one byte over is refused with the documented status and the connection closed.
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "newsq/http_client.hpp"
#include "server/support/server_process.hpp"

using namespace newsq::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kAdminKey = "limits-admin-key-0123456789abcdef";

/// "GET target HTTP/1.1" with Host and an X-Pad header sized so that the request line plus the
/// header fields plus the final CRLF are exactly `header_bytes` long.
std::string request_of_size(const std::string& target, std::size_t header_bytes) {
  const std::string head = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ";
  const std::string tail = "\r\n\r\n";
  REQUIRE(header_bytes >= head.size() + tail.size() + 1);
  auto request = head + std::string(header_bytes - head.size() - tail.size(), 'p') + tail;
  REQUIRE(request.size() == header_bytes);
  return request;
}

/// "/healthz?pad=ppp…" exactly `bytes` long (the query string is ignored by /healthz).
std::string target_of_size(std::size_t bytes) {
  const std::string base = "/healthz?pad=";
  REQUIRE(bytes > base.size());
  return base + std::string(bytes - base.size(), 'p');
}

std::string error_code_of(const boost::beast::http::response<boost::beast::http::string_body>& r) {
  return json::parse(r.body())["error"]["code"].get<std::string>();
}

/// Sends `request` on a fresh connection; expects `status` with error code `code`, and the
/// server to close the connection.
void expect_refused_and_closed(std::uint16_t port, const std::string& request, unsigned status,
                               const std::string& code) {
  RawConnection connection(port);
  REQUIRE(connection.send(request));
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->result_int() == status);
  CHECK(error_code_of(*response) == code);
  CHECK_FALSE(response->keep_alive());
  CHECK(connection.closed_by_peer());
}

/// Sends `request` on a fresh connection; expects `status`, then a second request on the same
/// connection answered too (the connection was kept alive).
void expect_accepted_and_kept_alive(std::uint16_t port, const std::string& request,
                                    unsigned status) {
  RawConnection connection(port);
  REQUIRE(connection.send(request));
  auto response = connection.read_response();
  REQUIRE(response);
  INFO(response->body());
  CHECK(response->result_int() == status);
  CHECK(response->keep_alive());
  REQUIRE(connection.send(get_request("/healthz")));
  auto again = connection.read_response();
  REQUIRE(again);
  CHECK(again->result_int() == 200);
}

/// An article as JSON padded with trailing spaces to exactly `bytes`.
std::string article_of_size(const std::string& id, std::size_t bytes) {
  auto text = json{{"id", id}, {"title", "Boundary " + id}, {"body", "At the body limit."}}.dump();
  REQUIRE(text.size() <= bytes);
  return text + std::string(bytes - text.size(), ' ');
}

std::string post_articles_head(const std::string& framing) {
  return std::string("POST /articles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ") +
         kAdminKey + "\r\nContent-Type: application/json\r\n" + framing + "\r\n";
}

/// `body` sent chunked in two chunks.
std::string chunked(const std::string& body) {
  auto half = body.size() / 2;
  auto chunk = [](const std::string& part) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", part.size());
    return std::string(size) + "\r\n" + part + "\r\n";
  };
  return chunk(body.substr(0, half)) + chunk(body.substr(half)) + "0\r\n\r\n";
}

}  // namespace

TEST_CASE("the request target at --max-url passes and one byte more gets 414", "[limits]") {
  TempDir dir;
  ServerProcess server({"--index", (dir / "index").string(), "--threads", "2", "--max-url", "512",
                        "--header-limit", "4096"});
  expect_accepted_and_kept_alive(server.port(), get_request(target_of_size(512)), 200);
  expect_refused_and_closed(server.port(), get_request(target_of_size(513)), 414, "uri_too_long");
  // A too long URL is refused before its body is read: the answer comes while the client has
  // not sent the body it announced.
  expect_refused_and_closed(
      server.port(),
      "POST " + target_of_size(513) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n",
      414, "uri_too_long");
}

TEST_CASE("request line plus headers at --header-limit pass and one byte more gets 431",
          "[limits]") {
  TempDir dir;
  ServerProcess server({"--index", (dir / "index").string(), "--threads", "2", "--header-limit",
                        "1024", "--max-url", "4096"});
  expect_accepted_and_kept_alive(server.port(), request_of_size("/healthz", 1024), 200);
  expect_refused_and_closed(server.port(), request_of_size("/healthz", 1025), 431,
                            "header_too_large");
  // Sent in small pieces the limit is the same.
  {
    RawConnection trickled(server.port());
    auto request = request_of_size("/healthz", 1025);
    for (std::size_t at = 0; at < request.size(); at += 100) {
      REQUIRE(trickled.send(request.substr(at, 100)));
      std::this_thread::sleep_for(2ms);
    }
    auto response = trickled.read_response();
    REQUIRE(response);
    CHECK(response->result_int() == 431);
    CHECK(trickled.closed_by_peer());
  }
  // A request line alone longer than the header limit (its URL within --max-url) gets 414.
  expect_refused_and_closed(server.port(), get_request(target_of_size(2000)), 414, "uri_too_long");
  // The server is still fine.
  CHECK(newsq::http_get(server.url(), "/healthz").status == 200);
}

TEST_CASE("a body at --body-limit is indexed and one byte more gets 413", "[limits]") {
  TempDir dir;
  auto index = dir / "index";
  ServerProcess server({"--index", index.string(), "--threads", "2", "--body-limit", "512"},
                       {{"NEWSQ_ADMIN_KEY", kAdminKey}});
  const auto port = server.port();

  auto exact = article_of_size("at-limit", 512);
  expect_accepted_and_kept_alive(port, post_articles_head("Content-Length: 512\r\n") + exact, 200);
  auto over = article_of_size("over-limit", 513);
  expect_refused_and_closed(port, post_articles_head("Content-Length: 513\r\n") + over, 413,
                            "payload_too_large");
  // Refused on the declared length alone, before the body is sent.
  expect_refused_and_closed(port, post_articles_head("Content-Length: 513\r\n"), 413,
                            "payload_too_large");

  auto exact_chunked = article_of_size("chunked-at-limit", 512);
  expect_accepted_and_kept_alive(
      port, post_articles_head("Transfer-Encoding: chunked\r\n") + chunked(exact_chunked), 200);
  auto over_chunked = article_of_size("chunked-over", 513);
  expect_refused_and_closed(
      port, post_articles_head("Transfer-Encoding: chunked\r\n") + chunked(over_chunked), 413,
      "payload_too_large");

  // What was accepted is stored; what was refused is not.
  CHECK(newsq::http_get(server.url(), "/articles/at-limit").status == 200);
  CHECK(newsq::http_get(server.url(), "/articles/chunked-at-limit").status == 200);
  CHECK(newsq::http_get(server.url(), "/articles/over-limit").status == 404);
  CHECK(newsq::http_get(server.url(), "/articles/chunked-over").status == 404);
}

TEST_CASE("open connections up to --max-connections are served and one more gets 503", "[limits]") {
  TempDir dir;
  constexpr int kCap = 4;
  ServerProcess server({"--index", (dir / "index").string(), "--threads", "2", "--max-connections",
                        std::to_string(kCap)});
  std::vector<std::unique_ptr<RawConnection>> open;
  for (int i = 0; i < kCap; ++i) {
    open.push_back(std::make_unique<RawConnection>(server.port()));
    REQUIRE(open.back()->send(get_request("/healthz")));
    auto response = open.back()->read_response();
    REQUIRE(response);
    CHECK(response->result_int() == 200);
    CHECK(response->keep_alive());
  }
  {
    RawConnection extra(server.port());
    auto response = extra.read_response();  // answered without sending anything
    REQUIRE(response);
    CHECK(response->result_int() == 503);
    CHECK(error_code_of(*response) == "busy");
    CHECK(extra.closed_by_peer());
  }
  // The ones at the cap still work.
  for (auto& connection : open) {
    REQUIRE(connection->send(get_request("/healthz")));
    auto response = connection->read_response();
    REQUIRE(response);
    CHECK(response->result_int() == 200);
  }
  // Closing one frees its place (the server notices the close asynchronously: retry briefly).
  open.pop_back();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawConnection next(server.port());
    if (next.send(get_request("/healthz", "Connection: close\r\n"))) {
      auto response = next.read_response();
      served = response && response->result_int() == 200;
    }
    if (!served) std::this_thread::sleep_for(20ms);
  }
  CHECK(served);
}
