#include "newsq/indexer/bulk_writer.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <exception>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xapian.h>

#include "newsq/errors.hpp"
#include "newsq/indexer/prepared_document.hpp"
#include "newsq/schema.hpp"
#include "newsq/timeutil.hpp"

namespace newsq::indexer {

namespace fs = std::filesystem;

namespace {

constexpr int kStagingFlags = Xapian::DB_CREATE | Xapian::DB_NO_SYNC;

std::string numbered(const std::string& staging, const char* kind, std::size_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "%s-%06zu", kind, number);
  return (fs::path(staging) / name).string();
}

// One thread writing parts, one at a time, from a bounded queue: open a part, write documents
// at the ids they were given, close it (a last commit). Parts are told apart by the order the
// worker closes them in.
class PartWorker {
 public:
  explicit PartWorker(std::size_t commit_every)
      : commit_every_(commit_every), thread_([this] { run(); }) {}

  // Drops what is still queued (the documents die here, after the thread ended).
  ~PartWorker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    thread_.join();
  }

  PartWorker(const PartWorker&) = delete;
  PartWorker& operator=(const PartWorker&) = delete;

  void open(std::string directory) { push(Job{std::move(directory), 0, {}, false}); }
  void write(Xapian::docid docid, Xapian::Document&& document) {
    push(Job{{}, docid, std::move(document), false});
  }
  void close() { push(Job{{}, 0, {}, true}); }

  // Waits until this worker has closed `count` parts; rethrows its failure.
  void wait_closed(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ >= count || failure_; });
    if (failure_) std::rethrow_exception(failure_);
  }

  void rethrow_failure() {
    std::lock_guard lock(mutex_);
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  struct Job {
    std::string open;  // a part to create
    Xapian::docid docid = 0;
    Xapian::Document document;  // written at `docid` when docid > 0
    bool close = false;
  };

  static constexpr std::size_t kCapacity = 64;

  void push(Job&& job) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return queue_.size() < kCapacity || failure_; });
      if (failure_) std::rethrow_exception(failure_);
      queue_.push_back(std::move(job));
    }
    ready_.notify_one();
  }

  void run() {
    std::optional<Xapian::WritableDatabase> part;
    std::string directory;
    std::size_t since_commit = 0;
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (stopping_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      changed_.notify_all();
      try {
        if (!job.open.empty()) {
          directory = std::move(job.open);
          part.emplace(directory, kStagingFlags);
          since_commit = 0;
        }
        if (job.docid != 0) {
          // Beyond the part's last id, so Xapian adds it without looking anything up.
          part->replace_document(job.docid, job.document);
          job.document = Xapian::Document();  // freed on this thread, the only one holding it
          if (++since_commit == commit_every_) {
            part->commit();
            since_commit = 0;
          }
        }
        if (job.close) {
          part->commit();
          part.reset();
          std::lock_guard lock(mutex_);
          ++closed_;
        }
      } catch (const Xapian::Error& e) {
        part.reset();
        std::lock_guard lock(mutex_);
        failure_ = std::make_exception_ptr(
            Error(ErrorCode::index_unavailable,
                  "writing the part " + directory + " failed: " + e.get_description()));
      } catch (...) {
        part.reset();
        std::lock_guard lock(mutex_);
        failure_ = std::current_exception();
      }
      changed_.notify_all();
      {
        std::lock_guard lock(mutex_);
        if (failure_) return;
      }
    }
  }

  const std::size_t commit_every_;
  std::mutex mutex_;
  std::condition_variable ready_;    // a job was queued, or stopping_
  std::condition_variable changed_;  // a job was taken, a part closed, or failure_
  std::deque<Job> queue_;
  std::size_t closed_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace

struct BulkWriter::Impl {
  // A database waiting to be merged: a part (tier 0), or a merge of merge_fan_in databases of
  // the tier below. Its documents have ids first..last, and no other database has those.
  struct Source {
    std::string directory;
    Xapian::docid first = 0;
    Xapian::docid last = 0;
    unsigned tier = 0;
    // A part still being written: its worker and how many parts that worker closes up to it.
    PartWorker* worker = nullptr;
    std::size_t closed_count = 0;
  };

  Impl(std::string staging_directory, BulkOptions bulk) : staging(std::move(staging_directory)) {
    options = bulk;
    options.part_documents = std::max<std::size_t>(options.part_documents, 1);
    options.commit_every = std::max<std::size_t>(options.commit_every, 1);
    options.merge_fan_in = std::max<std::size_t>(options.merge_fan_in, 2);
    options.workers = std::max(options.workers, 1U);
    std::error_code error;
    if (!fs::create_directory(staging, error) || error)
      throw Error(ErrorCode::io_error,
                  "cannot create the staging directory " + staging +
                      (error ? ": " + error.message() : ": it exists already"));
    metadata = (fs::path(staging) / "metadata").string();
    try {
      Xapian::WritableDatabase database(metadata, kStagingFlags);
      database.set_metadata(std::string(schema::kMetaSchemaVersion),
                            std::to_string(schema::kSchemaVersion));
      database.commit();
    } catch (const Xapian::Error& e) {
      fail(e, "creating " + metadata);
    }
    for (unsigned i = 0; i < options.workers; ++i)
      workers.push_back(std::make_unique<PartWorker>(options.commit_every));
    parts_handed.assign(options.workers, 0);
    open_parts.resize(options.workers);
  }

  [[noreturn]] static void fail(const Xapian::Error& e, const std::string& action) {
    throw Error(ErrorCode::index_unavailable, action + " failed: " + e.get_description());
  }

  void add(PreparedDocument& prepared) {
    // Documents go to the workers in turn, each into its own open part.
    const std::size_t worker = next_worker;
    next_worker = (next_worker + 1) % workers.size();
    auto& part = open_parts[worker];
    if (!part) start_part(worker);
    const Xapian::docid docid = ++part->last;
    const auto [entry, inserted] = ids.try_emplace(prepared.id, docid);
    if (!inserted) {
      superseded.push_back(entry->second);
      entry->second = docid;
    }
    for (auto& [word, occurrences] : prepared.spelling) spelling[std::move(word)] += occurrences;
    part->worker->write(docid, std::move(prepared.document));
    if (part->last - part->first + 1 == options.part_documents) close_part(worker);
  }

  // A part gets the next part_documents ids. The workers' parts fill in turn, one document each,
  // so they are started, filled and closed in the order of their ids.
  void start_part(std::size_t worker) {
    const std::size_t number = parts_started++;
    const auto first = static_cast<Xapian::docid>(next_first_docid);
    next_first_docid += options.part_documents;
    if (next_first_docid > std::numeric_limits<Xapian::docid>::max())
      throw Error(ErrorCode::bad_parameter, "too many documents for one index");
    open_parts[worker] = Source{numbered(staging, "part", number),
                                first,
                                first - 1,
                                0,
                                workers[worker].get(),
                                ++parts_handed[worker]};
    open_parts[worker]->worker->open(open_parts[worker]->directory);
  }

  void close_part(std::size_t worker) {
    auto& part = open_parts[worker];
    part->worker->close();
    sources.push_back(std::move(*part));
    part.reset();
    merge_full_tiers();
  }

  // Merges the newest databases while merge_fan_in of them share a tier: the list stays in
  // descending tiers, so each database is copied once per tier, as in a binary counter.
  void merge_full_tiers() {
    for (;;) {
      const unsigned tier = sources.back().tier;
      const auto same = static_cast<std::size_t>(
          std::find_if(sources.rbegin(), sources.rend(),
                       [&](const Source& source) { return source.tier != tier; }) -
          sources.rbegin());
      if (same < options.merge_fan_in) return;
      const auto begin = sources.end() - static_cast<std::ptrdiff_t>(same);
      std::vector<Source> group(std::make_move_iterator(begin),
                                std::make_move_iterator(sources.end()));
      sources.erase(begin, sources.end());
      Source merged{numbered(staging, "segment", segments++),
                    group.front().first,
                    group.back().last,
                    tier + 1,
                    nullptr,
                    0};
      merge(group, merged.directory);
      sources.push_back(std::move(merged));
    }
  }

  void wait_written(const Source& source) {
    if (source.worker) source.worker->wait_closed(source.closed_count);
  }

  // Deletes the superseded documents `source` holds (it is finished: no worker writes it).
  void delete_superseded(const Source& source) {
    std::vector<Xapian::docid> mine;
    std::erase_if(superseded, [&](Xapian::docid docid) {
      if (docid < source.first || docid > source.last) return false;
      mine.push_back(docid);
      return true;
    });
    if (mine.empty()) return;
    try {
      Xapian::WritableDatabase database(source.directory, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
      std::sort(mine.begin(), mine.end());
      for (const Xapian::docid docid : mine) database.delete_document(docid);
      database.commit();
    } catch (const Xapian::Error& e) {
      fail(e, "deleting superseded documents from " + source.directory);
    }
  }

  // Xapian's compact of `group` (and the extra databases) into `directory`, keeping the ids, then
  // removes the merged parts.
  void merge(const std::vector<Source>& group, const std::string& directory,
             const std::vector<std::string>& extra = {}) {
    for (const auto& source : group) {
      wait_written(source);
      delete_superseded(source);
    }
    try {
      Xapian::Database combined;
      for (const auto& path : extra) combined.add_database(Xapian::Database(path));
      for (const auto& source : group) combined.add_database(Xapian::Database(source.directory));
      combined.compact(directory, Xapian::DBCOMPACT_NO_RENUMBER);
    } catch (const Xapian::Error& e) {
      fail(e, "merging into " + directory);
    }
    std::error_code ignored;  // freeing the disk early; the caller removes `staging` anyway
    for (const auto& source : group) fs::remove_all(source.directory, ignored);
  }

  void finish_into(const std::string& directory) {
    if (finished) throw Error(ErrorCode::internal, "BulkWriter::finish_into called twice");
    finished = true;
    // The open parts, in the order of their ids (the order they were started in).
    std::vector<std::size_t> open;
    for (std::size_t worker = 0; worker < open_parts.size(); ++worker)
      if (open_parts[worker]) open.push_back(worker);
    std::sort(open.begin(), open.end(), [&](std::size_t a, std::size_t b) {
      return open_parts[a]->first < open_parts[b]->first;
    });
    for (const std::size_t worker : open) close_part(worker);
    for (const auto& source : sources) wait_written(source);
    write_metadata();
    merge(sources, directory, {metadata});
    sources.clear();
  }

  // The spelling dictionary, in word order (Xapian's spelling table keeps its changes in an
  // ordered map), and the time of the build.
  void write_metadata() {
    std::vector<std::pair<std::string, Xapian::termcount>> words(
        std::make_move_iterator(spelling.begin()), std::make_move_iterator(spelling.end()));
    spelling.clear();
    std::sort(words.begin(), words.end());
    try {
      Xapian::WritableDatabase database(metadata, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
      for (const auto& [word, occurrences] : words) database.add_spelling(word, occurrences);
      database.set_metadata(
          std::string(schema::kMetaLastUpdate),
          format_iso8601(Timestamp{static_cast<std::int64_t>(std::time(nullptr)), 0}));
      database.commit();
    } catch (const Xapian::Error& e) {
      fail(e, "writing the spelling dictionary to " + metadata);
    }
  }

  std::string staging;
  std::string metadata;
  BulkOptions options;
  std::vector<std::unique_ptr<PartWorker>> workers;
  std::vector<std::size_t> parts_handed;          // parts handed to each worker so far
  std::vector<std::optional<Source>> open_parts;  // each worker's part being filled
  std::size_t next_worker = 0;                    // the worker of the next document
  std::uint64_t next_first_docid = 1;             // the first id of the next part
  std::size_t parts_started = 0;
  std::size_t segments = 0;
  std::vector<Source> sources;                         // finished parts and segments, in id order
  std::unordered_map<std::string, Xapian::docid> ids;  // every id, at its latest document
  std::vector<Xapian::docid> superseded;               // documents a later record replaced
  std::unordered_map<std::string, Xapian::termcount> spelling;
  bool finished = false;
};

BulkWriter::BulkWriter(std::string staging, BulkOptions options)
    : impl_(std::make_unique<Impl>(std::move(staging), options)) {}

BulkWriter::~BulkWriter() = default;

std::string BulkWriter::add(PreparedDocument&& prepared) {
  impl_->add(prepared);
  return std::move(prepared.id);
}

std::string BulkWriter::metadata_directory() const { return impl_->metadata; }

std::uint64_t BulkWriter::document_count() const { return impl_->ids.size(); }

void BulkWriter::finish_into(const std::string& directory) { impl_->finish_into(directory); }

}  // namespace newsq::indexer
