#include "newsq/indexer/input_file.hpp"

#include <fcntl.h>
#include <lzma.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>
#include <streambuf>
#include <vector>

#include "newsq/errors.hpp"

namespace newsq::indexer {

namespace {

constexpr std::size_t kBufferSize = 1 << 16;
constexpr unsigned char kXzMagic[] = {0xFD, '7', 'z', 'X', 'Z', 0x00};

// Owns a file descriptor (standard input is borrowed, never closed).
class FileDescriptor {
 public:
  FileDescriptor() = default;
  FileDescriptor(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FileDescriptor() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
};

// Raw bytes from the descriptor, counted for progress; remembers a read error.
class RawReader {
 public:
  explicit RawReader(int fd) : fd_(fd) {}

  // Reads up to `size` bytes; 0 at end of file or after an error (see error()).
  std::size_t read(char* buffer, std::size_t size) {
    if (error_) return 0;
    for (;;) {
      const ssize_t got = ::read(fd_, buffer, size);
      if (got >= 0) {
        consumed_ += static_cast<std::uint64_t>(got);
        return static_cast<std::size_t>(got);
      }
      if (errno == EINTR) continue;
      error_ = std::string("read error: ") + std::strerror(errno);
      return 0;
    }
  }

  std::uint64_t consumed() const { return consumed_; }
  const std::optional<std::string>& error() const { return error_; }

 private:
  int fd_;
  std::uint64_t consumed_ = 0;
  std::optional<std::string> error_;
};

// The stream buffer behind InputFile::stream(): passes raw bytes through, or decompresses them
// with liblzma when the first bytes are the xz magic.
class InputBuffer : public std::streambuf {
 public:
  explicit InputBuffer(int fd) : raw_(fd), raw_buffer_(kBufferSize), out_buffer_(kBufferSize) {}

  ~InputBuffer() override {
    if (xz_) lzma_end(&lzma_);
  }
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  std::uint64_t consumed() const { return raw_.consumed(); }
  // What is buffered and not yet consumed (after underflow(), the head of the input).
  std::string_view buffered() const { return {gptr(), static_cast<std::size_t>(egptr() - gptr())}; }
  bool compressed() const { return xz_; }
  std::optional<std::string> error() const { return raw_.error() ? raw_.error() : xz_error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!started_) start();
    const std::size_t produced = xz_ ? decompress() : pass_through();
    if (produced == 0) return traits_type::eof();
    setg(out_buffer_.data(), out_buffer_.data(), out_buffer_.data() + produced);
    return traits_type::to_int_type(*gptr());
  }

 private:
  // Reads the first bytes to tell xz from plain input.
  void start() {
    started_ = true;
    raw_size_ = 0;
    // The magic is 6 bytes; a short read (a pipe) may need several reads to see it.
    while (raw_size_ < sizeof kXzMagic) {
      const std::size_t got = raw_.read(raw_buffer_.data() + raw_size_, kBufferSize - raw_size_);
      if (got == 0) break;
      raw_size_ += got;
    }
    xz_ = raw_size_ >= sizeof kXzMagic &&
          std::memcmp(raw_buffer_.data(), kXzMagic, sizeof kXzMagic) == 0;
    if (!xz_) return;
    // Concatenated streams are allowed, as xz(1) does; no memory limit (xz -9 needs 674 MiB).
    const lzma_ret ret = lzma_stream_decoder(&lzma_, UINT64_MAX, LZMA_CONCATENATED);
    if (ret != LZMA_OK) throw Error(ErrorCode::internal, "liblzma cannot start a decoder");
    lzma_.next_in = reinterpret_cast<const std::uint8_t*>(raw_buffer_.data());
    lzma_.avail_in = raw_size_;
  }

  std::size_t pass_through() {
    if (raw_size_ > 0) {  // the bytes read by start()
      std::swap(raw_buffer_, out_buffer_);
      const std::size_t size = raw_size_;
      raw_size_ = 0;
      return size;
    }
    return raw_.read(out_buffer_.data(), kBufferSize);
  }

  std::size_t decompress() {
    if (xz_done_) return 0;
    lzma_.next_out = reinterpret_cast<std::uint8_t*>(out_buffer_.data());
    lzma_.avail_out = kBufferSize;
    while (lzma_.avail_out == kBufferSize) {  // until something was produced
      lzma_action action = LZMA_RUN;
      if (lzma_.avail_in == 0 && !raw_eof_) {
        const std::size_t got = raw_.read(raw_buffer_.data(), kBufferSize);
        lzma_.next_in = reinterpret_cast<const std::uint8_t*>(raw_buffer_.data());
        lzma_.avail_in = got;
        if (got == 0) raw_eof_ = true;
      }
      if (raw_eof_) action = LZMA_FINISH;
      const lzma_ret ret = lzma_code(&lzma_, action);
      if (ret == LZMA_STREAM_END) {
        xz_done_ = true;
        break;
      }
      if (ret != LZMA_OK) {
        xz_done_ = true;
        xz_error_ = describe(ret);
        break;
      }
    }
    return kBufferSize - lzma_.avail_out;
  }

  std::string describe(lzma_ret ret) const {
    if (raw_.error()) return *raw_.error();
    switch (ret) {
      case LZMA_BUF_ERROR:
        return "xz: compressed data is truncated";
      case LZMA_DATA_ERROR:
        return "xz: compressed data is corrupt";
      case LZMA_FORMAT_ERROR:
        return "xz: not in xz format";
      case LZMA_MEM_ERROR:
        return "xz: out of memory";
      case LZMA_OPTIONS_ERROR:
        return "xz: unsupported compression options";
      default:
        return "xz: decompression failed (liblzma error " + std::to_string(ret) + ")";
    }
  }

  RawReader raw_;
  std::vector<char> raw_buffer_;
  std::vector<char> out_buffer_;
  std::size_t raw_size_ = 0;
  bool started_ = false;
  bool xz_ = false;
  bool xz_done_ = false;
  bool raw_eof_ = false;
  lzma_stream lzma_ = LZMA_STREAM_INIT;
  std::optional<std::string> xz_error_;
};

}  // namespace

struct InputFile::Impl {
  Impl(int fd, bool owned, std::string display_name, std::optional<std::uint64_t> file_size)
      : descriptor(fd, owned),
        buffer(fd),
        stream(&buffer),
        name(std::move(display_name)),
        size(file_size) {}

  FileDescriptor descriptor;
  InputBuffer buffer;
  std::istream stream;
  std::string name;
  std::optional<std::uint64_t> size;
};

namespace {

std::optional<std::uint64_t> regular_file_size(int fd) {
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode))
    return static_cast<std::uint64_t>(info.st_size);
  return std::nullopt;
}

}  // namespace

InputFile::InputFile(const std::string& path) {
  if (path == "-") {
    impl_ = std::make_unique<Impl>(STDIN_FILENO, false, "<stdin>", regular_file_size(STDIN_FILENO));
    return;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::io_error, "cannot open " + path + ": " + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::io_error, "cannot read " + path + ": it is a directory");
  }
  impl_ = std::make_unique<Impl>(fd, true, path, regular_file_size(fd));
}

InputFile::~InputFile() = default;
InputFile::InputFile(InputFile&&) noexcept = default;
InputFile& InputFile::operator=(InputFile&&) noexcept = default;

std::istream& InputFile::stream() { return impl_->stream; }
std::string_view InputFile::head() {
  impl_->stream.peek();  // fills the buffer without consuming
  return impl_->buffer.buffered();
}
const std::string& InputFile::name() const { return impl_->name; }
std::optional<std::uint64_t> InputFile::size() const { return impl_->size; }
std::uint64_t InputFile::bytes_read() const { return impl_->buffer.consumed(); }
bool InputFile::compressed() const { return impl_->buffer.compressed(); }
std::optional<std::string> InputFile::error() const { return impl_->buffer.error(); }

}  // namespace newsq::indexer
