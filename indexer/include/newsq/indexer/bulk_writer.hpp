// How `newsq-index rebuild` writes a whole index from scratch: documents go to small part
// databases, written by worker threads, which are merged into the new generation by Xapian's
// compact. Xapian's writer keeps the postings and positions of every uncommitted document in
// ordered maps whose cost grows with their size and with the tables they are merged into: a fresh
// part committed every few hundred documents writes in about half the time of one growing
// database, and the parts of two workers are written on both cores. This is the layout Xapian's
// documentation recommends for bulk loads (build in pieces, merge with xapian-compact), and what
// Lucene's segments and tantivy's merge policy do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "newsq/indexer/index_writer.hpp"

namespace newsq::indexer {

struct BulkOptions {
  /// Documents per part database.
  std::size_t part_documents = 4000;
  /// Documents per commit inside a part: what bounds Xapian's in-memory maps.
  std::size_t commit_every = 250;
  /// When this many finished parts (or merged segments of the same size) wait, they are merged
  /// into one, so the final merge never opens more than about twice this many databases.
  std::size_t merge_fan_in = 32;
  /// Threads writing parts (at least 1).
  unsigned workers = 2;
};

/// A rebuild's writer. The workers take documents in turn, each into its own part, which holds a
/// range of part_documents ids of its own (the last parts may leave some unused); a record whose
/// id came before supersedes the earlier document, which is deleted before its part is merged,
/// so the result holds the last record of each id, as IndexWriter's would. The spelling dictionary
/// is counted in memory and written once. Everything lives in `staging` (a directory this
/// writer creates and the caller removes); nothing is synced: finish_into() writes the result
/// unsynced too, for the caller to sync whole.
class BulkWriter final : public DocumentWriter {
 public:
  /// Creates `staging` (which must not exist) and starts the workers.
  /// Throws Error(io_error) when the directory cannot be created.
  explicit BulkWriter(std::string staging, BulkOptions options = {});
  /// Stops the workers; what was not merged by finish_into() is left in `staging`.
  ~BulkWriter() override;
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;

  /// Queues the document for a worker. Throws Error(index_unavailable) when a worker failed.
  std::string add(PreparedDocument&& prepared) override;
  /// Nothing to do: parts commit as they go, and only finish_into() makes a database.
  void commit() override {}
  bool done_with_document_on_return() const override { return false; }

  /// A database merged with the parts that holds what is not a document (it has the schema
  /// version): the caller may write synonyms to it before finish_into().
  std::string metadata_directory() const;

  /// Distinct ids written so far: the documents the result will hold.
  std::uint64_t document_count() const;

  /// Waits for the workers, deletes superseded documents, writes the spelling dictionary and
  /// merges the parts and the metadata database into a new compacted database at `directory`.
  /// Call once. Throws Error(index_unavailable) when Xapian fails.
  void finish_into(const std::string& directory);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsq::indexer
