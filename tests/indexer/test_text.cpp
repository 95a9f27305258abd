// The private text helpers of the readers: UTF-8 repair above all, since every reader relies on
// it to keep records with stray bytes.
#include <catch2/catch.hpp>

#include "text.hpp"

using namespace newsq::indexer;

TEST_CASE("valid UTF-8 is left alone", "[text]") {
  std::string ascii = "plain ASCII";
  CHECK_FALSE(text::replace_invalid_utf8(ascii));
  CHECK(ascii == "plain ASCII");
  std::string accented = "Tartús, Peskóv, 東京, 🙂";
  CHECK_FALSE(text::replace_invalid_utf8(accented));
  CHECK(accented == "Tartús, Peskóv, 東京, 🙂");
}

TEST_CASE("each invalid byte becomes U+FFFD", "[text]") {
  const std::string fffd = "\xEF\xBF\xBD";
  struct Case {
    std::string input;
    std::string expected;
  };
  const Case cases[] = {
      {"caf\xE9 noir", "caf" + fffd + " noir"},  // Latin-1 byte
      {"\xC3", fffd},                            // truncated sequence at the end
      {"a\xC0\xAF"
       "b",
       "a" + fffd + fffd + "b"},                        // overlong '/'
      {"\xED\xA0\x80", fffd + fffd + fffd},             // UTF-16 surrogate
      {"\xF4\x90\x80\x80", fffd + fffd + fffd + fffd},  // above U+10FFFF
      {"\xE2\x82", fffd + fffd},                        // cut 3-byte sequence
      {"ok \xFF\xFE ok", "ok " + fffd + fffd + " ok"},
  };
  for (const auto& c : cases) {
    std::string text = c.input;
    CHECK(text::replace_invalid_utf8(text));
    CHECK(text == c.expected);
  }
}

TEST_CASE("append_utf8 encodes every length", "[text]") {
  std::string out;
  text::append_utf8(out, U'A');
  text::append_utf8(out, U'é');
  text::append_utf8(out, U'€');
  text::append_utf8(out, U'😀');
  CHECK(out == "Aé€😀");
}

TEST_CASE("whitespace helpers", "[text]") {
  CHECK(text::trim("  \t a b \r\n") == "a b");
  CHECK(text::trim("   ").empty());
  CHECK(text::collapse_spaces("  BAHIA\n  COCOA\tREVIEW \n") == "BAHIA COCOA REVIEW");
  CHECK(text::blank(" \n\t"));
  CHECK_FALSE(text::blank(" x "));
  CHECK(text::ascii_lower("REUTER Ü") == "reuter Ü");
}

TEST_CASE("normalise_line drops CR and a leading BOM", "[text]") {
  std::string first = "\xEF\xBB\xBF{\"a\":1}\r";
  text::normalise_line(first, true);
  CHECK(first == "{\"a\":1}");
  std::string later = "\xEF\xBB\xBFx\r";
  text::normalise_line(later, false);
  CHECK(later == "\xEF\xBB\xBFx");  // a BOM is only a BOM at the start of the input
}
