#include "newsq/indexer/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <thread>

#include <nlohmann/json.hpp>

#include <xapian.h>

#include "guarded.hpp"
#include "newsq/indexer/bulk_writer.hpp"
#include "newsq/indexer/generations.hpp"
#include "newsq/indexer/ingest.hpp"
#include "newsq/indexer/input_file.hpp"
#include "newsq/searcher.hpp"
#include "newsq/timeutil.hpp"

namespace newsq::indexer {

namespace fs = std::filesystem;

namespace {

// Fails before anything is indexed when an input cannot be read, so a typo in the last of
// twenty file names does not leave a half-done job.
void check_readable(const std::string& path) {
  if (path == "-") return;
  std::error_code error;
  if (!fs::exists(path, error))
    throw Error(ErrorCode::io_error, "cannot open " + path + ": no such file");
  if (fs::is_directory(path, error))
    throw Error(ErrorCode::io_error, "cannot read " + path + ": it is a directory");
  if (::access(path.c_str(), R_OK) != 0)
    throw Error(ErrorCode::io_error, "cannot open " + path + ": permission denied");
}

std::optional<std::uint64_t> total_size(const std::vector<std::string>& inputs) {
  std::uint64_t total = 0;
  for (const auto& path : inputs) {
    if (path == "-") return std::nullopt;
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error) return std::nullopt;
    total += size;
  }
  return total;
}

std::string human_size(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

// Everything about the inputs that can fail, checked before any index is touched: each
// input's format (nullopt: standard input, sniffed once open), readability, the page options.
std::vector<std::optional<Format>> check_inputs(const AddRequest& request) {
  if (request.inputs.empty()) throw Error(ErrorCode::bad_parameter, "no input files given");
  if (std::count(request.inputs.begin(), request.inputs.end(), "-") > 1)
    throw Error(ErrorCode::bad_parameter, "standard input ('-') can be read only once");
  std::vector<std::optional<Format>> formats;
  for (const auto& path : request.inputs) {
    if (path == "-" && !request.format)
      formats.emplace_back();
    else
      formats.push_back(format_for_input(path, request.format));
    check_readable(path);
  }
  // Checked here, not per page, so a typo fails at once with one message.
  local_to_timestamp(request.read.date.value_or("2000-01-01"), 0, 0, request.read.zone);
  return formats;
}

// Reads every input into `writer`, reporting problems (and progress) on `err`, then commits and
// prints the summary line.
IngestCounts ingest_inputs(const AddRequest& request,
                           const std::vector<std::optional<Format>>& formats,
                           DocumentWriter& writer, std::ostream& err) {
  std::optional<ProgressLine> progress_line;
  if (request.progress) progress_line.emplace(err);
  Ingestor ingestor(
      writer, request.read,
      [&](const Problem& problem) {
        if (progress_line) progress_line->clear();
        err << format_problem(problem) << '\n';
      },
      progress_line
          ? Ingestor::ProgressHandler([&](const IngestProgress& p) { progress_line->update(p); })
          : Ingestor::ProgressHandler());
  ingestor.set_total_bytes(total_size(request.inputs));
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    InputFile input(request.inputs[i]);
    ingestor.ingest(input, formats[i] ? *formats[i] : sniff_format(input.head()));
  }
  ingestor.finish();
  if (progress_line) progress_line->clear();
  err << format_summary(ingestor.counts(), ingestor.elapsed_seconds()) << '\n';
  return ingestor.counts();
}

std::vector<SynonymRule> read_synonyms_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw Error(ErrorCode::io_error, "cannot read " + file);
  return parse_synonyms(in, file);
}

// A generation directory being built: removed with its contents unless keep() is called, so a
// failed rebuild or compact leaves nothing behind and the live index untouched.
class PendingGeneration {
 public:
  explicit PendingGeneration(std::string directory) : directory_(std::move(directory)) {}
  ~PendingGeneration() {
    if (directory_.empty()) return;
    std::error_code error;
    fs::remove_all(directory_, error);
  }
  PendingGeneration(const PendingGeneration&) = delete;
  PendingGeneration& operator=(const PendingGeneration&) = delete;
  void keep() { directory_.clear(); }

 private:
  std::string directory_;
};

// The live database directory of an index, nullopt when there is none yet.
std::optional<std::string> live_directory(const std::string& index_path,
                                          const IndexLayout& layout) {
  switch (layout.kind) {
    case IndexLayout::Kind::missing:
      return std::nullopt;
    case IndexLayout::Kind::directory:
      return index_path;
    case IndexLayout::Kind::stub:
      return generation_directory(index_path, *layout.live);
  }
  return std::nullopt;
}

// Makes `generation` live, converting a plain directory first; keeps the generation that was
// live before (the plain directory becomes generation 0) and removes the others. Reports on
// `err`.
void make_live(const std::string& index_path, const IndexLayout& layout, std::uint64_t generation,
               std::ostream& err) {
  std::optional<std::uint64_t> previous = layout.live;
  if (layout.kind == IndexLayout::Kind::directory) {
    convert_to_generations(index_path, generation);
    previous = 0;
    err << "converted " << index_path << " to generations: the old directory is now "
        << generation_directory(index_path, 0) << '\n';
  } else {
    switch_generation(index_path, generation);
  }
  std::vector<std::uint64_t> keep{generation};
  if (previous) keep.push_back(*previous);
  const auto removed = remove_generations_except(index_path, keep);
  err << "switched " << index_path << " to generation " << generation;
  if (previous) err << "; generation " << *previous << " kept for rollback";
  if (!removed.empty()) {
    err << "; removed generation" << (removed.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < removed.size(); ++i) err << (i ? ", " : " ") << removed[i];
  }
  err << '\n';
}

// A plain directory is renamed into generation 0 by the first switch: refuse anything that is
// not a database, rather than move someone's files.
void check_convertible(const std::string& index_path, const IndexLayout& layout) {
  if (layout.kind != IndexLayout::Kind::directory) return;
  // A writer (newsq-server's ingest) may commit while the database opens; Xapian then says the
  // revision it was reading was discarded, which says nothing about what the directory is: try
  // again (a commit takes milliseconds).
  constexpr int kAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    try {
      Xapian::Database database(index_path);
      return;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt == kAttempts)
        throw Error(ErrorCode::index_unavailable, "cannot open " + index_path +
                                                      ": it kept changing while being opened (" +
                                                      e.get_description() + ")");
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
    } catch (const Xapian::Error& e) {
      throw Error(ErrorCode::index_unavailable,
                  "cannot use " + index_path + ": it is a directory but not a Xapian database (" +
                      e.get_description() + ")");
    }
  }
}

}  // namespace

int exit_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_record:
      return kExitRejected;
    case ErrorCode::bad_query:
    case ErrorCode::bad_parameter:
    case ErrorCode::not_found:
    case ErrorCode::index_missing:
    case ErrorCode::schema_mismatch:
    case ErrorCode::index_unavailable:
    case ErrorCode::io_error:
    case ErrorCode::internal:
      return kExitFatal;
  }
  return kExitFatal;
}

int run_add(const AddRequest& request, std::ostream& err) {
  return guarded(err, [&] {
    const auto formats = check_inputs(request);
    IndexWriter writer(request.index_path, WriterOptions{request.batch_size, request.lock_wait});
    const IngestCounts counts = ingest_inputs(request, formats, writer, err);
    return counts.rejected > 0 ? kExitRejected : kExitOk;
  });
}

int run_rebuild(const RebuildRequest& request, std::ostream& err) {
  return guarded(err, [&] {
    const AddRequest& add = request.add;
    const auto formats = check_inputs(add);
    std::optional<std::vector<SynonymRule>> rules;
    if (request.synonyms_file) rules = read_synonyms_file(*request.synonyms_file);

    GenerationLock lock(add.index_path);
    const IndexLayout layout = inspect_index(add.index_path);
    check_convertible(add.index_path, layout);
    const std::uint64_t generation = claim_generation(add.index_path, 1);
    const std::string directory = generation_directory(add.index_path, generation);
    PendingGeneration pending(directory);

    // The records are written to parts in a staging directory by two threads, then merged by
    // Xapian's compact into the generation (bulk_writer.hpp): full blocks make the index about a
    // quarter smaller and its searches about a fifth faster. The staging directory is removed
    // whatever happens.
    const std::string staging = staging_directory(add.index_path, generation);
    fs::remove_all(staging);
    PendingGeneration building(staging);
    err << "building generation " << generation << " in " << staging << '\n';

    // No fsync per commit: the staging copy never goes live, and the generation is synced
    // once, whole, below before the switch can make it live.
    BulkWriter writer(staging);
    const IngestCounts counts = ingest_inputs(add, formats, writer, err);
    if (counts.rejected > 0 && !request.allow_rejected) {
      err << kProgram << counts.rejected << " record" << (counts.rejected == 1 ? "" : "s")
          << " rejected: not switching, the live index is unchanged (fix the input, or pass "
             "--allow-rejected to switch anyway)\n";
      return kExitRejected;
    }
    if (rules) {
      IndexWriter metadata(writer.metadata_directory(),
                           WriterOptions{kDefaultBatchSize, std::chrono::milliseconds(0),
                                         /*sync_commits=*/false});
      metadata.replace_synonyms(*rules);
      metadata.commit();
    } else if (const auto live = live_directory(add.index_path, layout)) {
      copy_synonyms(*live, writer.metadata_directory());
    }
    err << "merging into " << directory << '\n';
    writer.finish_into(directory);
    std::error_code ignored;  // freeing the disk early; `building` removes it in any case
    fs::remove_all(staging, ignored);
    sync_directory_contents(directory);
    // Records sharing an id are one document, so the new generation must hold exactly as many
    // documents as distinct ids.
    verify_generation(directory, writer.document_count());

    make_live(add.index_path, layout, generation, err);
    pending.keep();
    return counts.rejected > 0 ? kExitRejected : kExitOk;
  });
}

int run_rollback(const std::string& index_path, std::ostream& err) {
  return guarded(err, [&] {
    GenerationLock lock(index_path);
    const IndexLayout layout = inspect_index(index_path);
    if (layout.kind != IndexLayout::Kind::stub)
      throw Error(ErrorCode::bad_parameter,
                  "cannot roll back " + index_path +
                      ": it is not generation-managed (the first `rebuild` makes it so)");
    if (!layout.previous)
      throw Error(ErrorCode::bad_parameter, "cannot roll back " + index_path +
                                                ": there is no generation older than the live "
                                                "one (" +
                                                std::to_string(*layout.live) + ")");
    verify_generation(generation_directory(index_path, *layout.previous), std::nullopt);
    switch_generation(index_path, *layout.previous);
    err << "rolled " << index_path << " back from generation " << *layout.live << " to generation "
        << *layout.previous << "; generation " << *layout.live
        << " is kept until the next rebuild or compact\n";
    return kExitOk;
  });
}

int run_compact(const std::string& index_path, std::ostream& err,
                std::chrono::milliseconds lock_wait) {
  return guarded(err, [&] {
    GenerationLock lock(index_path);
    const IndexLayout layout = inspect_index(index_path);
    const auto live = live_directory(index_path, layout);
    if (!live) throw Error(ErrorCode::index_missing, "no index at '" + index_path + "'");
    check_convertible(index_path, layout);
    // Holding the live generation's write lock keeps writers out while it is copied: a batch
    // committed during the compaction would otherwise be missing from the new generation.
    IndexWriter hold_writers(*live, WriterOptions{kDefaultBatchSize, lock_wait});
    const std::uint64_t documents = hold_writers.document_count();
    const std::uint64_t generation = claim_generation(index_path, 1);
    const std::string directory = generation_directory(index_path, generation);
    PendingGeneration pending(directory);
    const std::uint64_t before = directory_bytes(*live);
    compact_database(*live, directory);
    verify_generation(directory, documents);
    const std::uint64_t after = directory_bytes(directory);
    err << "compacted " << *live << " into generation " << generation << ": " << documents
        << " documents, " << human_size(before) << " -> " << human_size(after) << '\n';
    make_live(index_path, layout, generation, err);
    pending.keep();
    return kExitOk;
  });
}

int run_backup(const std::string& index_path, const std::string& destination, std::ostream& err,
               std::chrono::milliseconds lock_wait) {
  return guarded(err, [&] {
    if (fs::exists(fs::symlink_status(destination)))
      throw Error(ErrorCode::bad_parameter, destination + " exists: back up into a new directory");
    const IndexLayout layout = inspect_index(index_path);
    const auto live = live_directory(index_path, layout);
    if (!live) throw Error(ErrorCode::index_missing, "no index at '" + index_path + "'");
    const std::string staging = destination + ".tmp";
    fs::remove_all(staging);  // left by an interrupted backup
    PendingGeneration pending(staging);
    std::uint64_t documents = 0;
    const auto started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration held{};
    {
      WriteLockHold hold(*live, lock_wait);
      const auto locked = std::chrono::steady_clock::now();
      documents = Xapian::Database(*live).get_doccount();
      compact_database(*live, staging);
      held = std::chrono::steady_clock::now() - locked;
    }
    verify_generation(staging, documents);
    std::error_code error;
    fs::rename(staging, destination, error);
    if (error)
      throw Error(ErrorCode::io_error,
                  "cannot rename " + staging + " to " + destination + ": " + error.message());
    pending.keep();
    const auto ms = [](std::chrono::steady_clock::duration d) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    err << "backed up " << *live << " to " << destination << ": " << documents << " documents, "
        << human_size(directory_bytes(destination)) << ", checked; writers paused " << ms(held)
        << " ms of " << ms(std::chrono::steady_clock::now() - started) << " ms\n";
    return kExitOk;
  });
}

int run_restore(const std::string& index_path, const std::string& backup, std::ostream& err) {
  return guarded(err, [&] {
    if (!fs::is_directory(backup))
      throw Error(ErrorCode::bad_parameter, backup + " is not a database directory");
    GenerationLock lock(index_path);
    const IndexLayout layout = inspect_index(index_path);
    check_convertible(index_path, layout);
    verify_generation(backup, std::nullopt);  // refuse a broken backup before touching anything
    const std::uint64_t documents = Xapian::Database(backup).get_doccount();
    const std::uint64_t generation = claim_generation(index_path, 1);
    const std::string directory = generation_directory(index_path, generation);
    PendingGeneration pending(directory);
    std::error_code error;
    fs::copy(backup, directory, fs::copy_options::recursive, error);
    if (error)
      throw Error(ErrorCode::io_error,
                  "cannot copy " + backup + " to " + directory + ": " + error.message());
    // Durable before the switch makes it live (compact() syncs its output; a copy does not).
    sync_directory_contents(directory);
    verify_generation(directory, documents);
    err << "restored " << backup << " (" << documents << " documents) as generation " << generation
        << '\n';
    if (layout.kind == IndexLayout::Kind::missing) {
      switch_generation(index_path, generation);
    } else {
      make_live(index_path, layout, generation, err);
    }
    pending.keep();
    return kExitOk;
  });
}

int run_delete(const std::string& index_path, const std::vector<std::string>& ids,
               std::ostream& err, std::chrono::milliseconds lock_wait) {
  return guarded(err, [&] {
    if (ids.empty()) throw Error(ErrorCode::bad_parameter, "no ids given");
    IndexWriter writer(index_path, WriterOptions{std::max<std::size_t>(ids.size(), 1), lock_wait});
    std::size_t deleted = 0;
    std::vector<std::string> missing;
    for (const auto& id : ids) {
      if (writer.remove(id))
        ++deleted;
      else
        missing.push_back(id);
    }
    writer.commit();
    for (const auto& id : missing) err << kProgram << "not found: " << id << '\n';
    err << "deleted " << deleted << " document" << (deleted == 1 ? "" : "s") << ", "
        << missing.size() << " not found\n";
    return missing.empty() ? kExitOk : kExitRejected;
  });
}

int run_synonyms(const std::string& index_path, const std::string& file, std::ostream& err,
                 std::chrono::milliseconds lock_wait) {
  return guarded(err, [&] {
    const auto rules = read_synonyms_file(file);
    IndexWriter writer(index_path, WriterOptions{kDefaultBatchSize, lock_wait});
    const std::size_t keys = writer.replace_synonyms(rules);
    writer.commit();
    err << "loaded " << rules.size() << " synonym rules (" << keys << " keys) from " << file
        << '\n';
    return kExitOk;
  });
}

int run_stats(const std::string& index_path, bool json, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    Searcher searcher(index_path);
    const IndexStats stats = searcher.stats();
    // Behind a stub, the databases it names (the stub file itself is a few bytes).
    const std::uint64_t size_bytes = index_disk_bytes(index_path);
    const IndexLayout layout = inspect_index(index_path);
    if (json) {
      nlohmann::json body = {{"path", stats.path},
                             {"documents", stats.documents},
                             {"last_update", stats.last_update},
                             {"size_bytes", size_bytes},
                             {"schema_version", stats.schema_version},
                             {"revision", stats.revision}};
      if (layout.live) body["generation"] = *layout.live;
      out << body.dump(2) << '\n';
    } else {
      out << "index:          " << stats.path << '\n'
          << "documents:      " << stats.documents << '\n'
          << "last update:    " << (stats.last_update.empty() ? "never" : stats.last_update) << '\n'
          << "size on disk:   " << human_size(size_bytes) << " (" << size_bytes
          << " bytes)\n"
          << "schema version: " << stats.schema_version << '\n'
          << "revision:       " << stats.revision << '\n';
      if (layout.live) {
        out << "generation:     " << *layout.live;
        if (layout.previous) out << " (previous: " << *layout.previous << ")";
        out << '\n';
      }
    }
    return kExitOk;
  });
}

}  // namespace newsq::indexer
