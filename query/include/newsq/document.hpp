// Turns an Article into a Xapian document following the schema, and back. The indexer and the
// server's ingest both build documents here, so what is stored never depends on the entry point.
#pragma once

#include <xapian.h>

#include "newsq/analysis.hpp"
#include "newsq/article.hpp"

namespace newsq {

class DocumentBuilder {
 public:
  /// `analyzer` must outlive the builder. When `spelling_db` is given, words are added to its
  /// spelling dictionary (for "did you mean").
  explicit DocumentBuilder(const Analyzer& analyzer, Xapian::WritableDatabase* spelling_db = nullptr);

  /// Builds the document: free-text terms from title (prefixed and weighted), summary and body;
  /// boolean terms for id, topics, source, kind, language, authors and dates; value slots; and
  /// the stored JSON. The article must have an id.
  Xapian::Document build(const Article& article);

 private:
  const Analyzer& analyzer_;
  Xapian::TermGenerator generator_;
  std::string generator_lang_;
};

/// Reads the stored Article back from a document built by DocumentBuilder.
/// Throws Error(internal) if the stored data is not valid JSON.
Article article_from_document(const Xapian::Document& document);

}  // namespace newsq
