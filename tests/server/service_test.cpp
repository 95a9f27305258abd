#include "newsq/server/service.hpp"

#include <catch2/catch.hpp>

#include "newsq/errors.hpp"

using newsq::server::parse_listen_address;

TEST_CASE("the listen address takes HOST:PORT and [IPV6]:PORT", "[service]") {
  CHECK(parse_listen_address("127.0.0.1:8080") ==
        std::pair<std::string, std::uint16_t>{"127.0.0.1", 8080});
  CHECK(parse_listen_address("0.0.0.0:0") == std::pair<std::string, std::uint16_t>{"0.0.0.0", 0});
  CHECK(parse_listen_address("[::1]:65535") == std::pair<std::string, std::uint16_t>{"::1", 65535});
}

TEST_CASE("the listen address rejects anything else with bad_parameter", "[service]") {
  for (const char* text : {"", "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x",
                           "127.0.0.1:65536", "::1:80", "[::1:80", "[]:80", "127.0.0.1:80 "}) {
    INFO(text);
    CHECK_THROWS_AS(parse_listen_address(text), newsq::Error);
  }
}
