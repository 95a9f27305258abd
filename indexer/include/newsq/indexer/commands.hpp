// The subcommands of newsq-index, callable without a process: main() only parses arguments and
// calls these. Each returns the exit status and reports on the streams it is given; newsq::Error
// codes are mapped to exit statuses in exactly one place (exit_status()).
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "newsq/errors.hpp"
#include "newsq/indexer/index_writer.hpp"
#include "newsq/indexer/readers.hpp"

namespace newsq::indexer {

/// Exit statuses of newsq-index.
inline constexpr int kExitOk = 0;        ///< everything done
inline constexpr int kExitRejected = 1;  ///< some records rejected / some ids not found
inline constexpr int kExitFatal = 2;     ///< usage error or fatal error (nothing more was done)

/// The exit status for an error that ended a command: kExitFatal for every code except
/// bad_record (kExitRejected).
int exit_status(ErrorCode code) noexcept;

struct AddRequest {
  std::string index_path;
  std::vector<std::string> inputs;  ///< paths; "-" is standard input (at most once)
  std::optional<Format> format;     ///< forced format; else from each name ("-": sniffed)
  ReadOptions read;
  std::size_t batch_size =
      kDefaultBatchSize;  ///< add only: rebuild commits parts (bulk_writer.hpp)
  bool progress = false;  ///< draw a progress line on `err` (when it is a terminal)
  /// How long to wait for the write lock held by another writer (WriterOptions::lock_wait);
  /// zero fails at once. newsq-index passes its --lock-wait.
  std::chrono::milliseconds lock_wait{0};
};

/// `newsq-index add`: checks every input's format and readability and the page options before
/// touching the index, then indexes the inputs in order (into the live generation when the
/// index is generation-managed). Problems go to `err` as
/// "file:line: error|warning: reason", then one summary line
/// "indexed N records (A added/replaced, R rejected, W warnings) in T s (X records/s)".
/// Returns kExitOk, kExitRejected when any record was rejected (the others are indexed), or
/// kExitFatal with a message (unknown format, unreadable file, bad --date/--tz, index locked or
/// of another schema version); batches committed before a fatal error stay in the index.
int run_add(const AddRequest& request, std::ostream& err);

struct RebuildRequest {
  AddRequest add;  ///< the index path (P), the inputs and how to read them, as for add
  /// Synonym rules for the new generation; without it the live generation's synonym table is
  /// copied (when there is a live index).
  std::optional<std::string> synonyms_file;
  /// Switch even when some records were rejected (they are reported either way).
  bool allow_rejected = false;
};

/// `newsq-index rebuild --from SOURCES...`: a full reindex that never takes search down.
/// Checks the inputs (as add does) and the synonyms file first, then, holding the generation
/// lock (GenerationLock), builds generation N+1 from scratch in P.gen-(N+1) beside the live
/// index, gives it the synonyms, and checks it (verify_generation: opens, schema version,
/// Xapian's check(), as many documents as distinct ids indexed). Only then does it switch P to
/// it atomically (switch_generation; a plain database directory P is first converted, see
/// convert_to_generations), keeping the previous generation for rollback and removing older
/// ones. When records were rejected it does not switch (kExitRejected, the new generation is
/// removed, the live index untouched) unless allow_rejected. Any failure before the switch
/// removes the new generation and leaves the live index untouched. Changes written to the live
/// generation while the rebuild runs are not in the new one: rebuild from the sources writers
/// use. Returns kExitOk, kExitRejected or kExitFatal (with a message).
int run_rebuild(const RebuildRequest& request, std::ostream& err);

/// `newsq-index rollback`: switches the stub P back to the newest generation older than the
/// live one (after checking it), keeping the generation it leaves until the next rebuild or
/// compact. kExitFatal with a message when P is not generation-managed or has no older
/// generation.
int run_rollback(const std::string& index_path, std::ostream& err);

/// `newsq-index compact`: compacts the live generation (or plain directory) with Xapian's
/// compact() into a new generation, checks it has the same document count, and switches to it
/// like rebuild, keeping the previous generation. Holds the live generation's write lock
/// meanwhile (waiting up to `lock_wait` for it), so it fails (kExitFatal, "locked by another
/// writer") rather than lose a batch another writer would commit during the copy.
int run_compact(const std::string& index_path, std::ostream& err,
                std::chrono::milliseconds lock_wait = {});

/// `newsq-index backup DEST`: a consistent copy of the live generation (or plain directory) in
/// the new directory DEST, while newsq-server keeps serving and ingesting. Holds the live
/// generation's write lock (WriteLockHold, waiting up to `lock_wait`) only while Xapian's
/// compact() copies it, so the copy is one committed revision however busy the writer is; the
/// server's ingest requests wait meanwhile (503 + Retry-After after its --lock-wait-ms). Writes
/// DEST.tmp, checks it (opens, schema version, Database::check(), the same document count),
/// then renames it to DEST. kExitFatal with a message when DEST exists or a step fails.
int run_backup(const std::string& index_path, const std::string& destination, std::ostream& err,
               std::chrono::milliseconds lock_wait = {});

/// `newsq-index restore BACKUP`: makes a copy of the database directory BACKUP (made by
/// `backup`) the live generation of the index, like rebuild: it is copied into a new
/// generation, checked, and switched to atomically (a plain directory is converted first), so a
/// running newsq-server follows it, and `rollback` goes back to what was live before. BACKUP is
/// left as it is. kExitFatal with a message when BACKUP is not a newsq index or a step fails.
int run_restore(const std::string& index_path, const std::string& backup, std::ostream& err);

/// `newsq-index delete`: removes the documents with these ids and commits. Reports each id not
/// found on `err` and a summary line. Returns kExitRejected when any was not found. Waits up to
/// `lock_wait` for the write lock (kExitFatal when it stays taken).
int run_delete(const std::string& index_path, const std::vector<std::string>& ids,
               std::ostream& err, std::chrono::milliseconds lock_wait = {});

/// `newsq-index synonyms FILE`: replaces the index's synonym table with the rules of FILE
/// (format in newsq/synonyms.hpp) and commits. A bad rule is reported as "FILE:LINE: reason"
/// and nothing is written (kExitFatal). Waits up to `lock_wait` for the write lock.
int run_synonyms(const std::string& index_path, const std::string& file, std::ostream& err,
                 std::chrono::milliseconds lock_wait = {});

/// `newsq-index stats`: document count, last update, size on disk, schema version and revision
/// of the index, as text or (json) as one JSON object
/// {"path","documents","last_update","size_bytes","schema_version","revision"} on `out`; a
/// generation-managed index also gets its live generation ("generation"), and its size is the
/// live generation's.
int run_stats(const std::string& index_path, bool json, std::ostream& out, std::ostream& err);

}  // namespace newsq::indexer
