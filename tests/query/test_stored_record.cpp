#include <catch2/catch.hpp>

#include <zstd.h>

#include "newsq/analysis.hpp"
#include "newsq/document.hpp"
#include "newsq/errors.hpp"
#include "newsq/stored_record.hpp"

using namespace newsq;

namespace {

Xapian::Document with_data(const std::string& data) {
  Xapian::Document document;
  document.set_data(data);
  return document;
}

std::string internal_error_of(RecordCodec& codec, const Xapian::Document& document) {
  try {
    codec.unpack(document);
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::internal);
    return error.what();
  }
  FAIL("unpack accepted a bad record");
  return {};
}

}  // namespace

TEST_CASE("a packed record unpacks to the same bytes, and is smaller", "[stored_record]") {
  RecordCodec codec;
  std::string json = R"({"id":"a1","title":"Tartous naval base","body":")";
  for (int i = 0; i < 50; ++i) json += "Russia's silence on the naval base at Tartous. ";
  json += "\"}";
  // One codec packs and unpacks many records (its contexts are reused).
  for (const std::string& text : {json, std::string("{}"), json.substr(0, 300), std::string()}) {
    const std::string packed = codec.pack(text);
    CHECK(codec.unpack(with_data(packed)) == text);
    if (text.size() > 1000) CHECK(packed.size() < text.size() / 4);
  }
}

TEST_CASE("DocumentBuilder stores a packed record that article_from_document reads back",
          "[stored_record]") {
  const Analyzer analyzer;
  DocumentBuilder builder(analyzer);
  Article article;
  article.id = "s1";
  article.title = "Spain's investment recovers";
  article.body = "16:10 Spain's investment recovers after two quarters.";
  const Xapian::Document document = builder.build(article);
  CHECK(document.get_data().front() != '{');  // not plain JSON any more
  RecordCodec codec;
  const Article back = article_from_document(document, codec);
  CHECK(back.id == "s1");
  CHECK(back.title == article.title);
  CHECK(back.body == article.body);
}

TEST_CASE("a record that is not a packed one is refused with the document's number",
          "[stored_record]") {
  RecordCodec codec;
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const Xapian::docid plain = db.add_document(with_data(R"({"id":"old"})"));  // schema 1
  CHECK_THAT(internal_error_of(codec, db.get_document(plain)),
             Catch::Contains("stored document " + std::to_string(plain)) &&
                 Catch::Contains("rebuild the index"));
  CHECK_THAT(internal_error_of(codec, with_data("")), Catch::Contains("not a packed"));

  const std::string packed = codec.pack(std::string(4000, 'x') + "tail");
  // Cut short: the frame says how long the record is, and the bytes are missing.
  CHECK_THAT(internal_error_of(codec, with_data(packed.substr(0, packed.size() - 3))),
             Catch::Contains("does not unpack"));

  // A frame header that claims a gigabyte (magic, a descriptor for an 8-byte content size in a
  // single segment, the size) is refused before anything is allocated for it.
  std::string huge = "\x28\xB5\x2F\xFD\xE0";
  for (int byte = 0; byte < 8; ++byte)
    huge += static_cast<char>(((1ULL << 30) >> (8 * byte)) & 0xFF);
  REQUIRE(ZSTD_getFrameContentSize(huge.data(), huge.size()) == (1ULL << 30));
  CHECK_THAT(internal_error_of(codec, with_data(huge)), Catch::Contains("impossible size"));

  // The codec is still usable after the failures.
  CHECK(codec.unpack(with_data(packed)) == std::string(4000, 'x') + "tail");
}
