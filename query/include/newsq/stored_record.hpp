// The stored record of a document: its Article as JSON (article.hpp), packed as one zstd frame.
// Xapian deflates document data itself, and inflating ten records was a tenth of the server's
// CPU per search; zstd unpacks the same records three times faster at about the same size, and
// Xapian stores a frame as it is (deflate cannot shrink it). The contexts are kept, since
// creating one costs more than unpacking a record. A packer or an unpacker is for one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <xapian.h>

namespace newsq {

/// Packs records (DocumentBuilder owns one).
class RecordPacker {
 public:
  RecordPacker();
  ~RecordPacker();
  RecordPacker(RecordPacker&&) noexcept;
  RecordPacker& operator=(RecordPacker&&) noexcept;

  std::string pack(std::string_view json);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

/// Unpacks records (a Searcher owns one).
class RecordUnpacker {
 public:
  RecordUnpacker();
  ~RecordUnpacker();
  RecordUnpacker(RecordUnpacker&&) noexcept;
  RecordUnpacker& operator=(RecordUnpacker&&) noexcept;

  /// The JSON text of `document`'s record. Throws Error(internal), naming the document, when
  /// its data is not a packed record or does not unpack.
  std::string unpack(const Xapian::Document& document);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace newsq
