#include "newsq/indexer/index_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <thread>
#include <unordered_map>
#include <utility>

#include <xapian.h>

#include "newsq/analysis.hpp"
#include "newsq/document.hpp"
#include "newsq/errors.hpp"
#include "newsq/indexer/generations.hpp"
#include "newsq/indexer/prepared_document.hpp"
#include "newsq/schema.hpp"
#include "newsq/timeutil.hpp"

namespace newsq::indexer {

namespace fs = std::filesystem;

namespace {

// Files whose presence marks a directory as a Xapian database (glass, chert, honey backends).
bool looks_like_xapian_database(const fs::path& dir) {
  for (const char* marker : {"iamglass", "iamchert", "iamhoney"})
    if (fs::exists(dir / marker)) return true;
  return false;
}

// Refuses to turn an unrelated, non-empty directory into an index (a mistyped --index ~/Documents
// would otherwise get Xapian's files written into it).
void check_target_directory(const std::string& path) {
  std::error_code error;
  const fs::path dir(path);
  if (!fs::exists(dir, error)) {
    if (dir.has_parent_path()) {
      fs::create_directories(dir.parent_path(), error);
      if (error)
        throw Error(ErrorCode::io_error, "cannot create the directory " +
                                             dir.parent_path().string() + ": " + error.message());
    }
    return;
  }
  if (fs::is_directory(dir, error) && !fs::is_empty(dir, error) && !looks_like_xapian_database(dir))
    throw Error(ErrorCode::index_unavailable,
                "cannot use " + path + " as an index: it is a non-empty directory that is not a " +
                    "Xapian database");
}

std::string now_iso8601() {
  return format_iso8601(Timestamp{static_cast<std::int64_t>(std::time(nullptr)), 0});
}

// Seconds for a message: "10 s", "0.3 s".
std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

// Backoff between attempts to take the lock: short at first, since a writer's commit or the
// server's idle release usually frees it within milliseconds, capped so a long wait still
// notices the release within half a second.
constexpr std::chrono::milliseconds kFirstLockRetry{10};
constexpr std::chrono::milliseconds kLastLockRetry{500};

struct OpenedDatabase {
  std::string path;  // the directory opened (the live generation's behind a stub)
  Xapian::WritableDatabase database;
};

OpenedDatabase open_once(const std::string& index_path, bool sync_commits) {
  std::string path = resolve_index_directory(index_path);
  check_target_directory(path);
  try {
    return {path, Xapian::WritableDatabase(
                      path, Xapian::DB_CREATE_OR_OPEN | (sync_commits ? 0 : Xapian::DB_NO_SYNC))};
  } catch (const Xapian::DatabaseLockError&) {
    throw;
  } catch (const Xapian::Error& e) {
    throw Error(ErrorCode::index_unavailable,
                "cannot open the index " + path + " for writing: " + e.get_description());
  }
}

// Opens the index, retrying while another process holds Xapian's write lock until `lock_wait`
// has passed. The stub is resolved again on every attempt: a rebuild may switch generations while
// we wait, and writing the old one would lose the changes.
OpenedDatabase open_waiting(const std::string& index_path, std::chrono::milliseconds lock_wait,
                            bool sync_commits) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + lock_wait;
  auto backoff = kFirstLockRetry;
  for (;;) {
    try {
      return open_once(index_path, sync_commits);
    } catch (const Xapian::DatabaseLockError&) {
      const auto now = Clock::now();
      if (now >= deadline) {
        const std::string waited = lock_wait.count() == 0
                                       ? " (did not wait: the lock wait is 0)"
                                       : "; retried for " + seconds_text(lock_wait);
        throw Error(ErrorCode::index_unavailable,
                    "the index " + resolve_index_directory(index_path) +
                        " is locked by another writer: newsq-server's ingest or another "
                        "newsq-index" +
                        waited);
      }
      std::this_thread::sleep_for(std::min<Clock::duration>(backoff, deadline - now));
      backoff = std::min(backoff * 2, kLastLockRetry);
    }
  }
}

}  // namespace

struct IndexWriter::Impl {
  Impl(const std::string& index_path, const WriterOptions& options)
      : Impl(open_waiting(index_path, options.lock_wait, options.sync_commits),
             options.batch_size) {}

  Impl(OpenedDatabase opened, std::size_t batch)
      : path(std::move(opened.path)),
        batch_size(batch == 0 ? 1 : batch),
        database(std::move(opened.database)) {
    check_schema();
    // An index that starts empty holds only what this writer adds (it has the lock): documents
    // are added by number and found again through `added`, without a lookup of the id term per
    // record, which costs as much as the rest of the write on a bulk load.
    bulk = database.get_doccount() == 0;
  }

  void check_schema() {
    const std::string expected = std::to_string(schema::kSchemaVersion);
    const std::string key(schema::kMetaSchemaVersion);
    try {
      const std::string found = database.get_metadata(key);
      if (found.empty()) {
        if (database.get_doccount() > 0)
          throw Error(ErrorCode::schema_mismatch,
                      "the index " + path + " has documents but no " + key +
                          ": it was not written by newsq; use another --index path");
        // A new index says its version at once, so readers never see an unversioned newsq index.
        database.set_metadata(key, expected);
        database.commit();
      } else if (found != expected) {
        throw Error(ErrorCode::schema_mismatch,
                    "the index " + path + " has schema version " + found +
                        " but this newsq-index writes version " + expected +
                        ": remove the index directory and index the data again");
      }
    } catch (const Xapian::Error& e) {
      throw Error(ErrorCode::index_unavailable,
                  "cannot read the index " + path + ": " + e.get_description());
    }
  }

  // Each batch is one Xapian transaction: it reaches the disk whole or not at all, and Xapian
  // does not auto-commit part of it when its own flush threshold is crossed.
  void ensure_transaction() {
    if (!in_transaction) {
      database.begin_transaction();
      in_transaction = true;
    }
  }

  void write(PreparedDocument& prepared) {
    ensure_transaction();
    if (bulk) {
      const auto [entry, inserted] = added.try_emplace(prepared.id, 0);
      if (inserted) {
        try {
          entry->second = database.add_document(prepared.document);
        } catch (...) {
          added.erase(entry);
          throw;
        }
      } else {
        database.replace_document(entry->second, prepared.document);
      }
    } else {
      database.replace_document(schema::id_term(prepared.id), prepared.document);
    }
    for (auto& [word, occurrences] : prepared.spelling) spelling[std::move(word)] += occurrences;
    after_change();
  }

  bool remove(const std::string& id) {
    const std::string term = schema::id_term(id);
    if (bulk) {
      const auto entry = added.find(id);
      if (entry == added.end()) return false;
      ensure_transaction();
      database.delete_document(entry->second);
      added.erase(entry);
    } else {
      if (!database.term_exists(term)) return false;
      ensure_transaction();
      database.delete_document(term);
    }
    after_change();
    return true;
  }

  void after_change() {
    if (++pending >= batch_size) commit();
  }

  void commit() {
    if (!in_transaction) return;
    // Xapian's spelling table keeps its changes in an ordered map and looks a word up on every
    // add_spelling(): one call per word of the batch, not per word of each document.
    const auto words = std::exchange(spelling, {});
    for (const auto& [word, occurrences] : words) database.add_spelling(word, occurrences);
    database.set_metadata(std::string(schema::kMetaLastUpdate), now_iso8601());
    database.commit_transaction();
    in_transaction = false;
    pending = 0;
  }

  [[noreturn]] void fail(const Xapian::Error& e, const char* action) const {
    throw Error(ErrorCode::index_unavailable,
                std::string(action) + " the index " + path + " failed: " + e.get_description());
  }

  std::string path;
  std::size_t batch_size;
  Analyzer analyzer;  // for synonyms
  Xapian::WritableDatabase database;
  DocumentPreparer preparer;
  std::size_t pending = 0;
  bool in_transaction = false;
  bool bulk = false;
  std::unordered_map<std::string, Xapian::docid> added;         // bulk: every document, by id
  std::unordered_map<std::string, Xapian::termcount> spelling;  // this batch's words
};

IndexWriter::IndexWriter(const std::string& path, std::size_t batch_size)
    : IndexWriter(path, WriterOptions{batch_size, std::chrono::milliseconds(0)}) {}

IndexWriter::IndexWriter(const std::string& path, const WriterOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}

IndexWriter::~IndexWriter() {
  if (!impl_ || !impl_->in_transaction) return;
  try {
    impl_->database.cancel_transaction();
  } catch (const Xapian::Error&) {
    // Nothing to do: the uncommitted batch is lost either way, and the index stays valid.
  }
}

IndexWriter::IndexWriter(IndexWriter&&) noexcept = default;
IndexWriter& IndexWriter::operator=(IndexWriter&&) noexcept = default;

std::string IndexWriter::add(const Article& article) {
  PreparedDocument prepared;
  try {
    prepared = impl_->preparer.prepare(article);
  } catch (const Xapian::Error& e) {
    impl_->fail(e, "writing to");
  }
  return add(std::move(prepared));
}

std::string IndexWriter::add(PreparedDocument&& prepared) {
  try {
    impl_->write(prepared);
  } catch (const Xapian::Error& e) {
    impl_->fail(e, "writing to");
  }
  return std::move(prepared.id);
}

bool IndexWriter::remove(const std::string& id) {
  try {
    return impl_->remove(id);
  } catch (const Xapian::Error& e) {
    impl_->fail(e, "removing from");
  }
}

void IndexWriter::commit() {
  try {
    impl_->commit();
  } catch (const Xapian::Error& e) {
    impl_->fail(e, "committing to");
  }
}

std::size_t IndexWriter::replace_synonyms(const std::vector<SynonymRule>& rules) {
  try {
    impl_->ensure_transaction();
    const std::size_t keys = newsq::replace_synonyms(impl_->database, rules, impl_->analyzer);
    impl_->after_change();
    return keys;
  } catch (const Xapian::Error& e) {
    impl_->fail(e, "writing synonyms to");
  }
}

std::size_t IndexWriter::pending() const { return impl_->pending; }

std::uint64_t IndexWriter::document_count() const {
  try {
    return impl_->database.get_doccount();
  } catch (const Xapian::Error& e) {
    impl_->fail(e, "reading");
  }
}

const std::string& IndexWriter::path() const { return impl_->path; }

DocumentPreparer::DocumentPreparer() : builder_(analyzer_) {}

PreparedDocument DocumentPreparer::prepare(const Article& article) {
  PreparedDocument prepared;
  if (article.id.empty()) {
    Article with_id = article;
    with_id.id = derive_id(article);
    prepared.document = builder_.build(with_id);
    prepared.id = std::move(with_id.id);
  } else {
    prepared.document = builder_.build(article);
    prepared.id = article.id;
  }
  prepared.spelling = spelling_words(prepared.document);
  return prepared;
}

}  // namespace newsq::indexer
