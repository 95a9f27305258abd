#include "newsq/http_client.hpp"

#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "newsq/errors.hpp"

namespace newsq {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct Endpoint {
  std::string host;
  std::string port;
  std::string path_prefix;  ///< "" or "/prefix" (no trailing slash)
};

Endpoint parse_base_url(const std::string& base_url) {
  auto parsed = boost::urls::parse_absolute_uri(base_url);
  if (!parsed || parsed->scheme() != "http" || parsed->encoded_host().empty() ||
      parsed->has_query())
    throw Error(ErrorCode::bad_parameter, "not an http://HOST[:PORT] URL: '" + base_url + "'");
  Endpoint endpoint;
  // encoded_host_name() keeps IPv6 brackets off; the resolver wants the bare address.
  endpoint.host = parsed->host_type() == boost::urls::host_type::ipv6
                      ? parsed->host_ipv6_address().to_string()
                      : std::string(parsed->encoded_host());
  endpoint.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string path(parsed->encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  endpoint.path_prefix = path;
  return endpoint;
}

}  // namespace

HttpResponse http_get(const std::string& base_url, const std::string& target,
                      std::chrono::milliseconds timeout) {
  auto endpoint = parse_base_url(base_url);
  std::string full_target = endpoint.path_prefix + (target.empty() ? "/" : target);
  if (full_target.front() != '/') full_target.insert(0, "/");

  net::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::empty_body> request{http::verb::get, full_target, 11};
  request.set(http::field::host, endpoint.host + ":" + endpoint.port);
  request.set(http::field::user_agent, "newsq");
  request.set(http::field::accept, "application/json");
  request.keep_alive(false);
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);

  // Asynchronous steps driven by run_for(): the only way to bound the whole exchange (resolve
  // included) with one deadline in Asio.
  std::optional<beast::error_code> outcome;
  std::string step;
  auto finish = [&](beast::error_code error, std::string_view where) {
    step = where;
    outcome = error;
  };
  stream.expires_after(timeout);
  resolver.async_resolve(
      endpoint.host, endpoint.port,
      [&](beast::error_code error, tcp::resolver::results_type results) {
        if (error) return finish(error, "resolve");
        stream.async_connect(results, [&](beast::error_code error, const tcp::endpoint&) {
          if (error) return finish(error, "connect to");
          http::async_write(stream, request, [&](beast::error_code error, std::size_t) {
            if (error) return finish(error, "send to");
            http::async_read(stream, buffer, parser, [&](beast::error_code error, std::size_t) {
              finish(error, "read from");
            });
          });
        });
      });
  io.run_for(timeout);
  if (!outcome)
    throw Error(ErrorCode::io_error, "no answer from " + base_url + " within " +
                                         std::to_string(timeout.count()) + " ms");
  if (*outcome)
    throw Error(ErrorCode::io_error, "cannot " + step + " " + base_url + ": " + outcome->message());

  auto response = parser.release();
  HttpResponse result;
  result.status = static_cast<int>(response.result_int());
  result.content_type = std::string(response[http::field::content_type]);
  result.body = std::move(response.body());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

}  // namespace newsq
