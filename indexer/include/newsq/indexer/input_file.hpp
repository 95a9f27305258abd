// An input of newsq-index: a file or standard input, decompressed on the fly when it is xz.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace newsq::indexer {

class InputFile {
 public:
  /// Opens `path`, or standard input when it is "-". The input is xz-decompressed (streaming,
  /// through liblzma, concatenated streams allowed) when its first bytes are the xz magic, so
  /// both "x.sgm.xz" and "xz -c x | newsq-index add -" work. Throws Error(io_error) naming the
  /// path when the file cannot be opened or is a directory.
  explicit InputFile(const std::string& path);
  ~InputFile();
  InputFile(InputFile&&) noexcept;
  InputFile& operator=(InputFile&&) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// The decompressed bytes. Reaches end-of-file early on a read or decompression error; then
  /// error() says what happened.
  std::istream& stream();

  /// The first bytes of the decompressed input, without consuming them: what one read of the
  /// source delivered (up to 64 KiB; less for a short file or a pipe that delivered less at
  /// once). Empty for an empty input. Valid until the stream is read; for sniff_format().
  std::string_view head();

  /// The path as given, or "<stdin>" for "-": the name used in problem reports.
  const std::string& name() const;

  /// The size in bytes of the file on disk (compressed), when it is a regular file.
  std::optional<std::uint64_t> size() const;

  /// Bytes consumed so far from the file (compressed bytes for xz): progress against size().
  std::uint64_t bytes_read() const;

  /// Whether the input is xz-compressed (known after the first read).
  bool compressed() const;

  /// The read or decompression error that ended the stream early ("xz: compressed data is
  /// truncated"), or nullopt when the stream ended normally or has not ended yet.
  std::optional<std::string> error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsq::indexer
