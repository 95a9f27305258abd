// The one way newsq writes an index: an RAII writer over a Xapian::WritableDatabase that checks
// the schema version, builds documents with newsq's DocumentBuilder and commits in batches.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "newsq/article.hpp"
#include "newsq/synonyms.hpp"

namespace newsq::indexer {

struct PreparedDocument;

/// Where an Ingestor writes its documents: the IndexWriter (one database, the way `add` and the
/// server write) or the BulkWriter (a rebuild's parts, merged at the end: bulk_writer.hpp).
class DocumentWriter {
 public:
  virtual ~DocumentWriter() = default;
  /// Writes the document, replacing an earlier one with the same id; returns the id.
  virtual std::string add(PreparedDocument&& prepared) = 0;
  /// Commits what is pending.
  virtual void commit() = 0;
  /// True when add() is done with the document once it returns, so the caller may keep a copy
  /// and free it on its own thread; false when another thread still uses it (Xapian's reference
  /// counts are not atomic: the caller must then keep none).
  virtual bool done_with_document_on_return() const { return true; }
};

/// Records (adds, replacements, removals) per committed batch unless told otherwise.
inline constexpr std::size_t kDefaultBatchSize = 5000;

/// How an IndexWriter commits and how long it waits for the write lock.
struct WriterOptions {
  /// Changes per committed batch (at least 1).
  std::size_t batch_size = kDefaultBatchSize;
  /// How long to keep retrying while another writer (newsq-server's ingest, another
  /// newsq-index) holds the index's lock, with exponential backoff from 10 ms to 500 ms between
  /// attempts. Zero (the default) fails at once: a library caller with its own retry policy, such
  /// as the server's writer queue, must not be blocked here.
  std::chrono::milliseconds lock_wait{0};
  /// Whether each commit is fsynced before it returns (Xapian's default). false opens the
  /// database with DB_NO_SYNC: only for a directory that is synced as a whole
  /// (sync_directory_contents) before anything relies on it, such as a rebuild's new generation.
  bool sync_commits = true;
};

class IndexWriter final : public DocumentWriter {
 public:
  /// Opens the index at `path` for writing, creating it (and its parent directories) when
  /// missing; a new index gets schema::kMetaSchemaVersion at once. When `path` is the stub of a
  /// generation-managed index (generations.hpp), the live generation's directory is written. Every
  /// `batch_size` changes (at least 1) are committed as one Xapian transaction, so an interrupted
  /// run leaves a valid index holding whole batches. Throws Error(schema_mismatch) when the index
  /// has another schema version (or is not a newsq index), Error(index_unavailable) when another
  /// writer holds its lock or it cannot be opened, Error(io_error) when its directory cannot be
  /// created.
  explicit IndexWriter(const std::string& path, std::size_t batch_size = kDefaultBatchSize);

  /// As above, with a batch size and a bounded wait for the lock (WriterOptions::lock_wait);
  /// when the wait runs out, Error(index_unavailable) says so and names the possible holders.
  IndexWriter(const std::string& path, const WriterOptions& options);

  /// Discards changes not yet committed, as a crash would: call commit() to keep them.
  ~IndexWriter() override;
  IndexWriter(IndexWriter&&) noexcept;
  IndexWriter& operator=(IndexWriter&&) noexcept;
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  /// Adds the article, replacing any document with the same id (so re-running a job never
  /// duplicates). An empty id is derived with derive_id(). Returns the id used. Commits when the
  /// batch is full. Throws Error(index_unavailable) when Xapian fails to write.
  std::string add(const Article& article);

  /// As add(Article), for a document built elsewhere (DocumentPreparer, possibly on another
  /// thread). Returns the id.
  std::string add(PreparedDocument&& prepared) override;

  /// Removes the document with this id. Returns false when there is none (uncommitted changes
  /// included). Counts towards the batch like add().
  bool remove(const std::string& id);

  /// Replaces the index's synonym table with `rules` (see newsq/synonyms.hpp) in the current
  /// batch; returns the number of keys written. commit() makes it visible.
  std::size_t replace_synonyms(const std::vector<SynonymRule>& rules);

  /// Writes schema::kMetaLastUpdate (now, ISO-8601 UTC) and commits every pending change.
  /// Cheap when nothing is pending (nothing is written then).
  void commit() override;

  /// Changes made since the last commit.
  std::size_t pending() const;

  /// Documents in the index, uncommitted changes included.
  std::uint64_t document_count() const;

  /// The directory written: `path` as given, or the live generation's behind a stub.
  const std::string& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsq::indexer
