// A document built away from the thread that writes the index: the Ingestor parses and builds
// records on its own thread while the IndexWriter's thread writes the previous ones. Building
// never touches the database (the spelling words travel with the document), so the two threads
// share nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <xapian.h>

#include "newsq/analysis.hpp"
#include "newsq/article.hpp"
#include "newsq/document.hpp"

namespace newsq::indexer {

/// What IndexWriter::add(PreparedDocument&&) writes: the article's id (derived when the source
/// gave none), its document, and the spelling-dictionary increments the document brings.
struct PreparedDocument {
  std::string id;
  Xapian::Document document;
  std::vector<std::pair<std::string, Xapian::termcount>> spelling;
};

/// Builds PreparedDocuments with its own Analyzer and DocumentBuilder: one per thread.
class DocumentPreparer {
 public:
  DocumentPreparer();
  DocumentPreparer(const DocumentPreparer&) = delete;
  DocumentPreparer& operator=(const DocumentPreparer&) = delete;

  /// The document IndexWriter::add(Article) would write for `article`. An empty id is derived
  /// with derive_id().
  PreparedDocument prepare(const Article& article);

  /// The analyzer the documents are built with.
  const Analyzer& analyzer() const { return analyzer_; }

 private:
  Analyzer analyzer_;
  DocumentBuilder builder_;
};

}  // namespace newsq::indexer
