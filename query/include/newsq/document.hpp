// Turns an Article into a Xapian document following the schema, and back. The indexer and the
// server's ingest both build documents here, so what is stored never depends on the entry point.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "newsq/analysis.hpp"
#include "newsq/article.hpp"
#include "newsq/stored_record.hpp"

namespace newsq {

class DocumentBuilder {
 public:
  /// `analyzer` must outlive the builder. When `spelling_db` is given, words are added to its
  /// spelling dictionary (for "did you mean").
  explicit DocumentBuilder(const Analyzer& analyzer,
                           Xapian::WritableDatabase* spelling_db = nullptr);

  /// Builds the document: free-text terms from title (prefixed and weighted), summary and body;
  /// boolean terms for id, topics, source, kind, language, authors and dates; value slots; and
  /// the stored record (the article as JSON, packed: stored_record.hpp). The article must have
  /// an id. The builder keeps no reference to the document it returns, so the document may be
  /// handed to another thread (a builder itself is for one thread at a time).
  Xapian::Document build(const Article& article);

 private:
  const Analyzer& analyzer_;
  Xapian::TermGenerator generator_;
  std::string generator_lang_;
  RecordCodec records_;  ///< packs the stored records
};

/// The spelling-dictionary increments (word, occurrences) that building `document` with a
/// spelling database would have made, for a document built without one: every word of the
/// unprefixed text (title, summary, body) once per occurrence, as Xapian's TermGenerator counts
/// them. Lets the document be built on another thread than the one that owns the database,
/// which then calls add_spelling() once per word.
std::vector<std::pair<std::string, Xapian::termcount>> spelling_words(
    const Xapian::Document& document);

/// Reads the stored Article back from a document built by DocumentBuilder, `records` unpacking
/// its record. Throws Error(internal) if the record does not unpack or is not valid JSON.
Article article_from_document(const Xapian::Document& document, RecordCodec& records);

}  // namespace newsq
