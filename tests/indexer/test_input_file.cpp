// Inputs: plain and xz files (made with xz(1), so the decoder is checked against the real tool),
// truncated and corrupt compressed data, unreadable paths.
#include <catch2/catch.hpp>

#include <sstream>

#include "newsq/errors.hpp"
#include "newsq/indexer/input_file.hpp"
#include "support/temp_dir.hpp"

using namespace newsq;
using namespace newsq::indexer;

namespace {

std::string slurp(InputFile& input) {
  std::ostringstream text;
  text << input.stream().rdbuf();
  return text.str();
}

// Text long enough to span several 64 KiB buffers once decompressed.
std::string big_text() {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + " of the input\n";
  return text;
}

std::filesystem::path compress(const test::TempDir& dir, const std::string& name,
                               const std::string& text) {
  const auto path = dir / name;
  test::write_file(path, text);
  const auto result = test::run_command("xz -k " + test::shell_quote(path.string()));
  REQUIRE(result.exit_code == 0);
  return path.string() + ".xz";
}

}  // namespace

TEST_CASE("a plain file is read as is, with its size", "[input]") {
  test::TempDir dir;
  const std::string text = big_text();
  test::write_file(dir / "plain.jsonl", text);
  InputFile input((dir / "plain.jsonl").string());
  CHECK(input.name() == (dir / "plain.jsonl").string());
  REQUIRE(input.size());
  CHECK(*input.size() == text.size());
  CHECK(slurp(input) == text);
  CHECK_FALSE(input.compressed());
  CHECK(input.bytes_read() == text.size());
  CHECK_FALSE(input.error());
}

TEST_CASE("an xz file is decompressed while reading", "[input]") {
  test::TempDir dir;
  const std::string text = big_text();
  const auto path = compress(dir, "data.sgm", text);
  InputFile input(path.string());
  CHECK(slurp(input) == text);
  CHECK(input.compressed());
  CHECK(input.bytes_read() == *input.size());  // progress counts compressed bytes
  CHECK(*input.size() < text.size());
  CHECK_FALSE(input.error());
}

TEST_CASE("concatenated xz streams are read as one", "[input]") {
  test::TempDir dir;
  const auto first = compress(dir, "a", "first\n");
  const auto second = compress(dir, "b", "second\n");
  test::write_file(dir / "both.xz", test::read_file(first) + test::read_file(second));
  InputFile input((dir / "both.xz").string());
  CHECK(slurp(input) == "first\nsecond\n");
  CHECK_FALSE(input.error());
}

TEST_CASE("a truncated xz file yields what it holds, then an error", "[input]") {
  test::TempDir dir;
  const std::string text = big_text();
  const std::string compressed = test::read_file(compress(dir, "data.jsonl", text));
  test::write_file(dir / "cut.jsonl.xz", compressed.substr(0, compressed.size() * 2 / 3));
  InputFile input((dir / "cut.jsonl.xz").string());
  const std::string got = slurp(input);
  CHECK(got.size() < text.size());
  CHECK(text.starts_with(got));
  REQUIRE(input.error());
  CHECK(*input.error() == "xz: compressed data is truncated");
}

TEST_CASE("corrupt xz data is an error, not garbage", "[input]") {
  test::TempDir dir;
  std::string compressed = test::read_file(compress(dir, "data.jsonl", big_text()));
  compressed[compressed.size() / 2] ^= 0x55;
  test::write_file(dir / "bad.xz", compressed);
  InputFile input((dir / "bad.xz").string());
  slurp(input);
  REQUIRE(input.error());
  CHECK(input.error()->starts_with("xz: "));
}

TEST_CASE("empty files and short files are not mistaken for xz", "[input]") {
  test::TempDir dir;
  test::write_file(dir / "empty.jsonl", "");
  InputFile empty((dir / "empty.jsonl").string());
  CHECK(slurp(empty).empty());
  CHECK_FALSE(empty.error());
  test::write_file(dir / "short.jsonl",
                   "\xFD"
                   "7z");  // a prefix of the magic
  InputFile short_file((dir / "short.jsonl").string());
  CHECK(slurp(short_file) ==
        "\xFD"
        "7z");
  CHECK_FALSE(short_file.compressed());
}

TEST_CASE("missing files and directories are io_error", "[input]") {
  test::TempDir dir;
  for (const auto& path : {(dir / "missing.jsonl").string(), dir.path().string()}) {
    try {
      InputFile input(path);
      FAIL("expected an error for " << path);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::io_error);
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
}

TEST_CASE("a dash is standard input, named <stdin>", "[input]") {
  InputFile input("-");
  CHECK(input.name() == "<stdin>");
}
