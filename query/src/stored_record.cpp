#include "newsq/stored_record.hpp"

#include <new>

#include <zstd.h>

#include "newsq/errors.hpp"

namespace newsq {

namespace {

/// zstd's default level: a 1 KB news record packs in about 8 µs with a kept context.
constexpr int kLevel = 3;
/// No record unpacks bigger than this (the indexer's own limits are far below it); a frame
/// that claims more is corrupt, and is refused before anything is allocated for it.
constexpr unsigned long long kMaxRecordBytes = 256ULL << 20;

[[noreturn]] void corrupt(const Xapian::Document& document, const std::string& why) {
  throw Error(ErrorCode::internal,
              "stored document " + std::to_string(document.get_docid()) + " " + why);
}

template <typename Context>
Context* made(Context* context) {
  if (!context) throw std::bad_alloc();
  return context;
}

}  // namespace

struct RecordCodec::Contexts {
  struct Free {
    void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
    void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
  };
  std::unique_ptr<ZSTD_CCtx, Free> pack;
  std::unique_ptr<ZSTD_DCtx, Free> unpack;
};

RecordCodec::RecordCodec() : contexts_(std::make_unique<Contexts>()) {}
RecordCodec::~RecordCodec() = default;
RecordCodec::RecordCodec(RecordCodec&&) noexcept = default;
RecordCodec& RecordCodec::operator=(RecordCodec&&) noexcept = default;

std::string RecordCodec::pack(std::string_view json) {
  if (!contexts_->pack) contexts_->pack.reset(made(ZSTD_createCCtx()));
  std::string packed(ZSTD_compressBound(json.size()), '\0');
  const std::size_t size = ZSTD_compressCCtx(contexts_->pack.get(), packed.data(), packed.size(),
                                             json.data(), json.size(), kLevel);
  if (ZSTD_isError(size))
    throw Error(ErrorCode::internal,
                std::string("cannot pack a stored record: ") + ZSTD_getErrorName(size));
  packed.resize(size);
  return packed;
}

std::string RecordCodec::unpack(const Xapian::Document& document) {
  const std::string packed = document.get_data();
  const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
    corrupt(document, "is not a packed newsq record (rebuild the index with newsq-index)");
  if (size > kMaxRecordBytes) corrupt(document, "claims an impossible size");
  if (!contexts_->unpack) contexts_->unpack.reset(made(ZSTD_createDCtx()));
  std::string json(static_cast<std::size_t>(size), '\0');
  const std::size_t got = ZSTD_decompressDCtx(contexts_->unpack.get(), json.data(), json.size(),
                                              packed.data(), packed.size());
  if (ZSTD_isError(got) || got != json.size())
    corrupt(document, std::string("does not unpack: ") +
                          (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size mismatch"));
  return json;
}

}  // namespace newsq
