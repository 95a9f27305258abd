// The asynchronous server in-process, with a small handler: keep-alive, limits, malformed input,
// the connection cap, timeouts and graceful shutdown, over real sockets on 127.0.0.1.
#include "newsq/server/server.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>

#include "newsq/http_client.hpp"
#include "newsq/server/errors.hpp"
#include "server/support/server_process.hpp"

using namespace newsq::server;
using boost::beast::http::field;
using boost::beast::http::status;
using newsq::test::get_request;
using newsq::test::RawConnection;
using namespace std::chrono_literals;

namespace {

/// A log stream that several threads may write through AccessLog.
struct SharedLog {
  std::ostringstream stream;
  AccessLog log{stream};
};

/// Answers "/slow" after 300 ms, everything else at once with the target as the body.
http::response<http::string_body> echo(const http::request<http::string_body>& request) {
  if (request.target() == "/slow") std::this_thread::sleep_for(300ms);
  http::response<http::string_body> response{http::status::ok, request.version()};
  response.set(field::content_type, "text/plain");
  response.body() = std::string(request.target());
  response.prepare_payload();
  return response;
}

/// Server::run() on a background thread for the test's lifetime.
class RunningServer {
 public:
  explicit RunningServer(ServerConfig config, Handler handler = echo)
      : server_(adjust(config), std::move(handler), log_.log) {
    start();
  }
  RunningServer(ServerConfig config, AsyncHandler handler)
      : server_(adjust(config), std::move(handler), log_.log) {
    start();
  }
  ~RunningServer() { stop(); }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool stopped() const { return stopped_; }
  std::string log() const { return log_.stream.str(); }

  void start() {
    port_ = server_.listen();
    thread_ = std::jthread([this] {
      server_.run();
      stopped_ = true;
    });
  }

  /// Starts the graceful shutdown and waits for run() to return.
  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }

 private:
  static ServerConfig adjust(ServerConfig config) {
    config.host = "127.0.0.1";
    config.port = 0;
    if (config.threads == 0) config.threads = 2;
    return config;
  }

  SharedLog log_;
  Server server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::jthread thread_;
};

}  // namespace

TEST_CASE("several requests on one kept-alive connection", "[server]") {
  RunningServer server({});
  RawConnection connection(server.port());
  for (int i = 0; i < 3; ++i) {
    REQUIRE(connection.send(get_request("/n" + std::to_string(i))));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->result() == status::ok);
    CHECK(response->body() == "/n" + std::to_string(i));
    CHECK(response->keep_alive());
  }
  // Pipelined: two requests in one write, two answers in order.
  REQUIRE(connection.send(get_request("/a") + get_request("/b")));
  CHECK(connection.read_response()->body() == "/a");
  CHECK(connection.read_response()->body() == "/b");
}

TEST_CASE("Connection: close and HTTP/1.0 close after the answer", "[server]") {
  RunningServer server({});
  RawConnection closing(server.port());
  REQUIRE(closing.send(get_request("/x", "Connection: close\r\n")));
  auto response = closing.read_response();
  REQUIRE(response);
  CHECK_FALSE(response->keep_alive());
  CHECK(closing.closed_by_peer());

  RawConnection old(server.port());
  REQUIRE(old.send("GET /old HTTP/1.0\r\n\r\n"));
  response = old.read_response();
  REQUIRE(response);
  CHECK(response->body() == "/old");
  CHECK(old.closed_by_peer());
}

TEST_CASE("a malformed request line gets 400 and the connection closes", "[server]") {
  RunningServer server({});
  for (const char* garbage :
       {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /\x01 HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    INFO(garbage);
    RawConnection connection(server.port());
    REQUIRE(connection.send(garbage));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->result() == status::bad_request);
    CHECK(nlohmann::json::parse(response->body())["error"]["code"] == "bad_request");
    CHECK(connection.closed_by_peer());
  }
}

TEST_CASE("oversized headers get 431, an oversized request line 414", "[server]") {
  ServerConfig config;
  config.header_limit = 4096;
  config.max_target_bytes = 1024;
  RunningServer server(config);

  RawConnection headers(server.port());
  REQUIRE(headers.send(get_request("/", "X-Big: " + std::string(8000, 'a') + "\r\n")));
  auto response = headers.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::request_header_fields_too_large);
  CHECK(nlohmann::json::parse(response->body())["error"]["code"] == "header_too_large");
  CHECK(headers.closed_by_peer());

  RawConnection url(server.port());
  REQUIRE(url.send(get_request("/search?q=" + std::string(8000, 'a'))));
  response = url.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::uri_too_long);
  CHECK(url.closed_by_peer());
}

TEST_CASE("an oversized body gets 413 and the client can read it", "[server]") {
  ServerConfig config;
  config.body_limit = 1000;
  RunningServer server(config);

  RawConnection declared(server.port());
  REQUIRE(declared.send("POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                        std::string(100000, 'x')));
  auto response = declared.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::payload_too_large);
  CHECK(nlohmann::json::parse(response->body())["error"]["code"] == "payload_too_large");

  RawConnection chunked(server.port());
  std::string chunk(800, 'y');
  REQUIRE(chunked.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" +
                       chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  response = chunked.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::payload_too_large);

  RawConnection small(server.port());
  REQUIRE(small.send("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  response = small.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::ok);
}

TEST_CASE("connections above the cap get 503", "[server]") {
  ServerConfig config;
  config.max_connections = 2;
  RunningServer server(config);
  RawConnection first(server.port()), second(server.port());
  for (auto* connection : {&first, &second}) {
    REQUIRE(connection->send(get_request("/")));
    REQUIRE(connection->read_response());
  }
  RawConnection third(server.port());
  auto response = third.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::service_unavailable);
  CHECK(nlohmann::json::parse(response->body())["error"]["code"] == "busy");
  CHECK(third.closed_by_peer());
  // The kept-alive ones still work.
  REQUIRE(first.send(get_request("/again")));
  CHECK(first.read_response()->body() == "/again");
}

TEST_CASE("idle and slow clients are cut off by the read timeout", "[server]") {
  ServerConfig config;
  config.read_timeout = 300ms;
  RunningServer server(config);
  RawConnection idle(server.port());
  auto start = std::chrono::steady_clock::now();
  CHECK(idle.closed_by_peer(3s));
  CHECK(std::chrono::steady_clock::now() - start < 2s);

  RawConnection slowloris(server.port());
  REQUIRE(slowloris.send("GET / HTTP/1.1\r\nHost: x\r\n"));
  CHECK(slowloris.closed_by_peer(3s));
}

TEST_CASE("a request that takes longer to answer than the read deadline is still answered",
          "[server]") {
  // The read deadline times receiving the request; the handler's own time is not cut short,
  // even when the answer comes from another thread (as ingest's does, after the commit).
  struct Late {
    std::mutex mutex;
    std::vector<std::jthread> threads;
  };
  auto late = std::make_shared<Late>();
  AsyncHandler answer_late = [late](http::request<http::string_body>&& request, const Peer&,
                                    Responder respond) {
    std::lock_guard lock(late->mutex);
    late->threads.emplace_back(
        [request = std::move(request), respond = std::move(respond)]() mutable {
          std::this_thread::sleep_for(300ms);
          respond(echo(request));
        });
  };
  ServerConfig config;
  config.read_timeout = 100ms;
  RunningServer server(config, answer_late);
  RawConnection client(server.port());
  REQUIRE(client.send(get_request("/first")));  // answered after 300 ms
  auto response = client.read_response();
  REQUIRE(response);
  CHECK(response->body() == "/first");
  // And the connection is kept alive for the next request.
  REQUIRE(client.send(get_request("/next")));
  auto next = client.read_response();
  REQUIRE(next);
  CHECK(next->body() == "/next");
}

TEST_CASE("stop() closes idle connections, finishes in-flight requests and returns", "[server]") {
  RunningServer server({});
  RawConnection idle(server.port());
  REQUIRE(idle.send(get_request("/")));
  REQUIRE(idle.read_response());

  RawConnection busy(server.port());
  REQUIRE(busy.send(get_request("/slow")));
  std::this_thread::sleep_for(100ms);  // the handler is now running
  auto start = std::chrono::steady_clock::now();
  server.stop();
  CHECK(server.stopped());
  CHECK(std::chrono::steady_clock::now() - start < 3s);
  auto response = busy.read_response();
  REQUIRE(response);
  CHECK(response->body() == "/slow");
  CHECK_FALSE(response->keep_alive());
  CHECK(idle.closed_by_peer());
  CHECK(server.log().find("GET /slow 200") != std::string::npos);
}

TEST_CASE("one access-log line per request, without the query string", "[server]") {
  RunningServer server({});
  RawConnection connection(server.port());
  REQUIRE(connection.send(get_request("/search?q=private")));
  REQUIRE(connection.read_response());
  REQUIRE(connection.send("BROKEN\r\n\r\n"));
  REQUIRE(connection.read_response());
  server.stop();
  auto log = server.log();
  CHECK(log.find("GET /search 200 ") != std::string::npos);
  CHECK(log.find("private") == std::string::npos);
  CHECK(log.find("- - 400 ") != std::string::npos);
}

TEST_CASE("many clients on many threads", "[server]") {
  ServerConfig config;
  config.threads = 4;
  RunningServer server(config);
  std::atomic<int> ok{0};
  {
    std::vector<std::jthread> clients;
    for (int t = 0; t < 8; ++t)
      clients.emplace_back([&, t] {
        for (int i = 0; i < 25; ++i) {
          auto target = "/c" + std::to_string(t) + "-" + std::to_string(i);
          auto response = newsq::http_get(server.url(), target);
          if (response.status == 200 && response.body == target) ++ok;
        }
      });
  }
  CHECK(ok == 200);
}

TEST_CASE("listen() reports a bad host and a port in use", "[server]") {
  SharedLog log;
  ServerConfig bad;
  bad.host = "not-an-address";
  Server unresolvable(bad, echo, log.log);
  CHECK_THROWS_AS(unresolvable.listen(), newsq::Error);

  RunningServer running({});
  ServerConfig taken;
  taken.port = running.port();
  Server clash(taken, echo, log.log);
  try {
    clash.listen();
    FAIL("bound twice");
  } catch (const newsq::Error& error) {
    CHECK(error.code() == newsq::ErrorCode::io_error);
  }
}

TEST_CASE("request smuggling vectors get 400 and the connection closes", "[server]") {
  ServerConfig config;
  config.max_chunk_extension = 64;
  RunningServer server(config);
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\n";
  for (const std::string& attempt : std::vector<std::string>{
           head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
           head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
           head + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
           head + "Transfer-Encoding: gzip\r\n\r\nabc",
           "POST /x HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
           head + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
           head + "Transfer-Encoding: chunked\r\n\r\n1;" + std::string(65, 'e') +
               "\r\na\r\n0\r\n\r\n",
       }) {
    INFO(attempt);
    RawConnection connection(server.port());
    REQUIRE(connection.send(attempt));
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->result() == status::bad_request);
    CHECK(connection.closed_by_peer());
  }
  // A chunk extension at the limit and a plain chunked body pass.
  RawConnection fine(server.port());
  REQUIRE(fine.send(head + "Transfer-Encoding: chunked\r\n\r\n1;" + std::string(63, 'e') +
                    "\r\na\r\n0\r\n\r\n"));
  auto response = fine.read_response();
  REQUIRE(response);
  CHECK(response->result() == status::ok);
}

TEST_CASE("a slow client sending steadily is cut off by the request deadline", "[server]") {
  ServerConfig config;
  config.read_timeout = 600ms;
  config.idle_timeout = 5s;
  RunningServer server(config);
  RawConnection slow(server.port());
  auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (int i = 0; i < 40 && !cut; ++i) {
    cut = !slow.send(std::string(1, 'a')) || slow.closed_by_peer(100ms);
  }
  CHECK(cut);
  CHECK(std::chrono::steady_clock::now() - start < 3s);
}
