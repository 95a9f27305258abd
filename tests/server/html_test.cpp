#include "newsq/server/html.hpp"

#include <catch2/catch.hpp>

using namespace newsq::server;

TEST_CASE("html_escape escapes the five special characters", "[html]") {
  CHECK(html_escape("") == "");
  CHECK(html_escape("plain text") == "plain text");
  CHECK(html_escape("<script>alert('x')</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  CHECK(html_escape("a & b \"quoted\"") == "a &amp; b &quot;quoted&quot;");
  CHECK(html_escape("&amp;") == "&amp;amp;");  // escaping is not idempotent, by design
}

TEST_CASE("html_escape keeps UTF-8 and other bytes as they are", "[html]") {
  CHECK(html_escape("Tartús – Peskóv") == "Tartús – Peskóv");
  CHECK(html_escape(std::string("a\0b", 3)) == std::string("a\0b", 3));
  CHECK(html_escape("\xff\xfe") == "\xff\xfe");
}

TEST_CASE("safe_link accepts http(s) URLs only", "[html]") {
  CHECK(safe_link("https://example.org/a?b=c") == "https://example.org/a?b=c");
  CHECK(safe_link("HTTP://EXAMPLE.ORG/") == "HTTP://EXAMPLE.ORG/");
  CHECK(safe_link("javascript:alert(1)") == "");
  CHECK(safe_link("JaVaScRiPt:alert(1)") == "");
  CHECK(safe_link("data:text/html,<b>") == "");
  CHECK(safe_link("//evil.example/") == "");
  CHECK(safe_link("/relative") == "");
  CHECK(safe_link(" https://example.org/") == "");
  CHECK(safe_link("https://exa\nmple.org/") == "");
  CHECK(safe_link("https://") == "");
  CHECK(safe_link("") == "");
}
