// Generation-managed indexes: atomic full reindex, rollback and compaction.
//
// Layout. An index path P is either a plain Xapian database directory (the original layout) or
// a Xapian stub database file holding one line "auto P.gen-N" (the name relative to the stub's
// directory, as Xapian resolves it) that points at the directory P.gen-N beside it: the live
// generation. Readers open P either way (Xapian follows the stub); writers write to the live
// generation. A new generation is built beside the live one and made live by replacing the stub
// with rename(), so a reader opening P sees either the old or the new generation, never a mix.
// The previous generation is kept for rollback (and for readers still open on it); older ones
// are removed at each switch.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace newsq::indexer {

/// What is at an index path.
struct IndexLayout {
  enum class Kind {
    missing,    ///< nothing there yet
    directory,  ///< a plain database directory (not generation-managed)
    stub,       ///< a stub file pointing at generation `live`
  };
  Kind kind = Kind::missing;
  std::optional<std::uint64_t> live;       ///< the live generation (stub only)
  std::vector<std::uint64_t> generations;  ///< P.gen-N directories beside P, ascending
  std::optional<std::uint64_t> previous;   ///< the newest generation older than `live`
};

/// Describes the index path. Throws Error(index_unavailable) when P is a file that is not a
/// stub newsq can manage (several databases, a remote or non-"auto" backend, or a target that
/// is not one of P's own generations).
IndexLayout inspect_index(const std::string& index_path);

/// The directory to write for `index_path`: the live generation's when it is a stub, else the
/// path itself. (Xapian 1.4.22 can open a WritableDatabase through a one-line stub, but
/// resolving it here makes the lock, the messages and the directory checks name the real
/// directory, and refuses stubs that newsq did not write.) Same errors as inspect_index(), and
/// Error(index_unavailable) when the stub's generation directory does not exist.
std::string resolve_index_directory(const std::string& index_path);

/// "P.gen-N".
std::string generation_directory(const std::string& index_path, std::uint64_t generation);

/// "P.gen-N.build": where a rebuild writes generation N before compacting it into P.gen-N.
/// Not a generation: inspect_index() ignores it, remove_generations_except() removes it.
std::string staging_directory(const std::string& index_path, std::uint64_t generation);

/// Makes `generation` live: writes "auto <name of P.gen-N>" to a temporary file in P's
/// directory, fsyncs it, rename()s it over P and fsyncs the directory, so after a crash P is
/// either the old stub or the new one. P must be missing or a stub: see convert_to_generations.
/// Throws Error(io_error) when a step fails (P is then unchanged).
void switch_generation(const std::string& index_path, std::uint64_t generation);

/// Turns a plain database directory P into a generation-managed index whose live generation is
/// `live` (already built beside it): renames P to P.gen-0 (kept as the previous generation),
/// then (switch_generation) writes the stub P -> P.gen-`live`. rename() cannot replace a
/// directory with a file, so for the instant between the two renames P does not exist: a reader
/// opening P then gets "no index" and must retry; readers already open keep their files (but
/// their reopen() fails, since P is no longer their directory: they must open P again). Throws
/// Error(io_error); when the stub cannot be written P.gen-0 is renamed back to P.
void convert_to_generations(const std::string& index_path, std::uint64_t live);

/// Removes every generation directory of P except `keep` (missing ones are ignored), and the
/// staging directory of every generation but those (left by a rebuild that was killed). Returns
/// the generations removed. Failures to remove are ignored: a leftover directory is harmless
/// and removed at the next switch.
std::vector<std::uint64_t> remove_generations_except(const std::string& index_path,
                                                     const std::vector<std::uint64_t>& keep);

/// Creates the directory of the next free generation (above every existing one and
/// `at_least`), claiming it with mkdir() so that two concurrent jobs never share one. Returns
/// its number. Throws Error(io_error).
std::uint64_t claim_generation(const std::string& index_path, std::uint64_t at_least);

/// Checks a finished generation before it goes live: it opens, has this newsq's schema
/// version, passes Xapian::Database::check() (the library form of xapian-check) and, when
/// given, holds `expected_documents` documents. Throws Error(index_unavailable) naming what
/// failed.
void verify_generation(const std::string& directory,
                       std::optional<std::uint64_t> expected_documents);

/// Copies the synonym table of the database at `from` into the database directory `to`
/// (replacing what `to` has) and commits. Returns the number of keys copied.
std::size_t copy_synonyms(const std::string& from, const std::string& to);

/// Compacts the database directory `from` into the empty directory `to` (Xapian's compact(),
/// as xapian-compact does).
void compact_database(const std::string& from, const std::string& to);

/// fsyncs every regular file of a directory (not recursively), then the directory itself: a
/// generation written without syncs (WriterOptions::sync_commits = false) or copied is durable
/// once this returns, before a switch makes it live. Throws Error(io_error) naming the file.
void sync_directory_contents(const std::string& directory);

/// Total size in bytes of the files in a directory (not recursive into subdirectories).
std::uint64_t directory_bytes(const std::string& directory);

/// An exclusive advisory lock (flock) on "P.lock" held while a generation command runs, so two
/// rebuilds, rollbacks or compactions of the same index never interleave. Writers (add,
/// delete) do not take it: they lock the live generation as Xapian does.
class GenerationLock {
 public:
  /// Throws Error(index_unavailable) when another generation command holds the lock.
  explicit GenerationLock(const std::string& index_path);
  ~GenerationLock();
  GenerationLock(const GenerationLock&) = delete;
  GenerationLock& operator=(const GenerationLock&) = delete;

 private:
  int fd_ = -1;
};

/// Xapian's write lock on a database directory, held without opening the database: no writer
/// (newsq-index, the server's ingest) can commit to it while this lives, so a reader of it sees
/// one revision for as long as it needs (a copy or a compaction of a large index would otherwise
/// be overtaken by the writer: DatabaseModifiedError). It is the lock Xapian 1.4 glass takes, an
/// open-file-description record lock on byte 0 of DIRECTORY/flintlock, waited for in the
/// kernel's queue so that it is granted the moment the holder releases it: the server's writer
/// hands the lock over at least every --writer-idle-ms even under steady ingest.
class WriteLockHold {
 public:
  /// Waits up to `wait` for the lock. Throws Error(index_unavailable) when it is still held
  /// after that, Error(io_error) when the lock file cannot be opened.
  WriteLockHold(const std::string& directory, std::chrono::milliseconds wait);
  ~WriteLockHold();
  WriteLockHold(const WriteLockHold&) = delete;
  WriteLockHold& operator=(const WriteLockHold&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace newsq::indexer
