// The stored record of a document: its Article as JSON (article.hpp), packed as one zstd frame.
// Xapian deflates document data itself, and inflating ten records was a tenth of the server's
// CPU per search; zstd unpacks the same records three times faster at about the same size, and
// Xapian stores a frame as it is (deflate cannot shrink it).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <xapian.h>

namespace newsq {

/// Packs and unpacks stored records. It keeps a zstd context for each direction, made on first
/// use, since making one costs more than unpacking a record: a DocumentBuilder owns one to pack,
/// a Searcher one to unpack. For one thread at a time.
class RecordCodec {
 public:
  RecordCodec();
  ~RecordCodec();
  RecordCodec(RecordCodec&&) noexcept;
  RecordCodec& operator=(RecordCodec&&) noexcept;

  std::string pack(std::string_view json);

  /// The JSON text of `document`'s record. Throws Error(internal), naming the document, when
  /// its data is not a packed record or does not unpack.
  std::string unpack(const Xapian::Document& document);

 private:
  struct Contexts;
  std::unique_ptr<Contexts> contexts_;
};

}  // namespace newsq
