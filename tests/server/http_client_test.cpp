#include "newsq/http_client.hpp"

#include <sstream>
#include <thread>

#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>

#include "newsq/errors.hpp"
#include "newsq/server/server.hpp"
#include "support/error_code.hpp"

using namespace newsq;
using namespace newsq::server;
using namespace std::chrono_literals;
using newsq::test::error_code_of;

namespace {

class EchoServer {
 public:
  EchoServer() : server_(config(), handle, log_) {
    port_ = server_.listen();
    thread_ = std::jthread([this] { server_.run(); });
  }
  ~EchoServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  static ServerConfig config() {
    ServerConfig config;
    config.port = 0;
    config.threads = 1;
    return config;
  }
  static http::response<http::string_body> handle(const http::request<http::string_body>& req) {
    if (req.target() == "/sleep") std::this_thread::sleep_for(1500ms);
    http::response<http::string_body> response{
        req.target() == "/missing" ? http::status::not_found : http::status::ok, req.version()};
    response.set(boost::beast::http::field::content_type, "application/json");
    response.body() = std::string(req.target());
    response.prepare_payload();
    return response;
  }
  std::ostringstream stream_;
  AccessLog log_{stream_};
  Server server_;
  std::uint16_t port_ = 0;
  std::jthread thread_;
};

}  // namespace

TEST_CASE("http_get returns status, content type and body", "[http_client]") {
  EchoServer server;
  auto response = http_get(server.url(), "/search?q=a%20b");
  CHECK(response.status == 200);
  CHECK(response.content_type == "application/json");
  CHECK(response.body == "/search?q=a%20b");
  CHECK(http_get(server.url(), "/missing").status == 404);
  // A base URL with a path prefix and a trailing slash.
  CHECK(http_get(server.url() + "/prefix/", "/x").body == "/prefix/x");
}

TEST_CASE("http_get rejects base URLs that are not http://HOST[:PORT]", "[http_client]") {
  for (const char* url :
       {"", "127.0.0.1:8080", "https://example.org", "ftp://x", "http://", "http://host/?q=1"}) {
    INFO(url);
    CHECK(error_code_of([&] { http_get(url, "/"); }) == ErrorCode::bad_parameter);
  }
}

TEST_CASE("http_get reports an unreachable server and a timeout as io_error", "[http_client]") {
  std::string closed_url;
  {
    EchoServer server;
    closed_url = server.url();
  }
  CHECK(error_code_of([&] { http_get(closed_url, "/"); }) == ErrorCode::io_error);
  EchoServer server;
  auto start = std::chrono::steady_clock::now();
  CHECK(error_code_of([&] { http_get(server.url(), "/sleep", 200ms); }) == ErrorCode::io_error);
  CHECK(std::chrono::steady_clock::now() - start < 1s);
}
