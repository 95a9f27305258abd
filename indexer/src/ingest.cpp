#include "newsq/indexer/ingest.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <ostream>
#include <thread>
#include <vector>

#include <xapian.h>

#include "newsq/errors.hpp"
#include "newsq/indexer/prepared_document.hpp"

namespace newsq::indexer {

Format format_for_input(std::string_view path, std::optional<Format> forced) {
  if (forced) return *forced;
  if (auto format = format_for_path(path)) return *format;
  if (path == "-") return Format::jsonl;
  throw Error(ErrorCode::bad_parameter,
              "cannot tell the format of " + std::string(path) +
                  " from its name (.jsonl, .ndjson, .json, .sgm, .txt, .page, .rss, .atom, .xml, "
                  "optionally .xz): use --format jsonl|page|sgml|feed");
}

// The records of one input on their way from the reader (the caller's thread) to the thread
// that writes them and reports on them, in input order, through a bounded queue. Two preparer
// threads build the documents of the queued records (analysis, terms, stored record) meanwhile,
// each taking the oldest record nobody took, so reading, analysis and writing overlap; the writer
// takes a record only once its document is built, so the order never changes.
class Ingestor::Pipeline {
 public:
  // A record to build and write, or a problem to report, as the reader met them.
  struct Item {
    std::optional<Article> article;  // to be built by a preparer (then `document` or `problem`)
    std::optional<PreparedDocument> document;
    std::optional<Problem> problem;
    std::size_t line = 0;
    std::uint64_t bytes_done = 0;  // input bytes consumed when the record was read
    bool built = true;             // false while `article` waits for a preparer
  };

  Pipeline(Ingestor& ingestor, const InputFile& input) : ingestor_(ingestor), input_(input) {
    for (int i = 0; i < kPreparers; ++i) preparers_.emplace_back([this] { prepare_loop(); });
    writer_thread_ = std::thread([this] { run(); });
  }

  // Stops the threads: whatever is still queued is dropped, as an exception ending the job
  // would have dropped it before (the writer keeps only committed batches).
  ~Pipeline() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      abandoned_ = true;
    }
    wake_all();
    for (auto& thread : preparers_) thread.join();
    if (writer_thread_.joinable()) writer_thread_.join();
  }

  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Queues an item, waiting while the queue is full; rethrows another thread's failure.
  void push(Item&& item) {
    std::vector<Xapian::Document> written;
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return queue_.size() < kCapacity || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    const bool to_build = !item.built;
    queue_.push_back(std::move(item));
    written.swap(written_);
    lock.unlock();
    if (to_build)
      build_.notify_one();
    else
      ready_.notify_one();
    // `written` is freed here, on this thread, after the lock.
  }

  // Waits until every queued item is written, then rethrows the failure of a thread.
  void finish() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_all();
    writer_thread_.join();
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  static constexpr std::size_t kCapacity = 256;
  static constexpr int kPreparers = 2;

  void wake_all() {
    ready_.notify_all();
    space_.notify_all();
    build_.notify_all();
  }

  void fail(std::exception_ptr failure) {
    {
      std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::move(failure);
    }
    wake_all();
  }

  // A preparer: builds the oldest record no preparer took. The deque keeps an item where it is
  // while others are pushed behind it, and the writer does not pop it before it is built.
  void prepare_loop() {
    try {
      DocumentPreparer preparer;  // its own analyzer and term generator
      for (;;) {
        Item* item = nullptr;
        {
          std::unique_lock lock(mutex_);
          build_.wait(lock, [&] {
            return abandoned_ || failure_ || stopping_ || claimed_ < popped_ + queue_.size();
          });
          if (abandoned_ || failure_) return;
          // The writer may have taken items no preparer looked at: those needed no building.
          claimed_ = std::max(claimed_, popped_);
          while (!item && claimed_ < popped_ + queue_.size()) {
            Item& next = queue_[claimed_++ - popped_];
            if (!next.built) item = &next;
          }
          if (!item) {
            if (stopping_) return;
            continue;
          }
        }
        build(preparer, *item);
        {
          std::lock_guard lock(mutex_);
          item->built = true;
        }
        ready_.notify_one();
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void build(DocumentPreparer& preparer, Item& item) {
    try {
      item.document = preparer.prepare(*item.article);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::bad_record) throw;
      item.problem = Problem{input_.name(), item.line, e.what(), Severity::error};
    } catch (const Xapian::Error& e) {
      throw Error(ErrorCode::index_unavailable,
                  input_.name() + ":" + std::to_string(item.line) +
                      ": building the document failed: " + e.get_description());
    }
    item.article.reset();
  }

  void run() {
    try {
      for (;;) {
        Item item;
        {
          std::unique_lock lock(mutex_);
          ready_.wait(lock, [&] {
            return abandoned_ || failure_ || (!queue_.empty() && queue_.front().built) ||
                   (stopping_ && queue_.empty());
          });
          if (abandoned_ || failure_ || queue_.empty()) return;
          item = std::move(queue_.front());
          queue_.pop_front();
          ++popped_;
        }
        space_.notify_one();
        handle(item);
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }

  void handle(Item& item) {
    if (item.document) {
      // Freeing a document (its terms and positions) is a few percent of the write: the writer
      // thread, the busier one, hands written documents back to the reading thread for that.
      // Once written, this thread holds the only reference, so the (not atomic) count is safe.
      // A writer that hands the document to threads of its own frees it there instead.
      const bool hand_back = ingestor_.writer_.done_with_document_on_return();
      Xapian::Document document;
      if (hand_back) document = item.document->document;
      try {
        const std::string id = ingestor_.writer_.add(std::move(*item.document));
        item.document.reset();
        if (hand_back) {
          std::lock_guard lock(mutex_);
          written_.push_back(std::move(document));
        }
        ++ingestor_.counts_.indexed;
        if (ingestor_.on_indexed_) ingestor_.on_indexed_(id);
      } catch (const Error& e) {
        // The writer rejects a record it cannot write; other failures (the index itself) end
        // the job.
        if (e.code() != ErrorCode::bad_record) throw;
        report({input_.name(), item.line, e.what(), Severity::error});
      }
      progress(item.bytes_done);
    } else if (item.problem) {
      report(*item.problem);
      if (item.problem->severity == Severity::error) progress(item.bytes_done);
    }
  }

  void report(const Problem& problem) {
    if (problem.severity == Severity::error)
      ++ingestor_.counts_.rejected;
    else
      ++ingestor_.counts_.warnings;
    if (ingestor_.on_problem_) ingestor_.on_problem_(problem);
  }

  void progress(std::uint64_t bytes_done) {
    if (!ingestor_.on_progress_) return;
    IngestProgress progress;
    progress.records = ingestor_.counts_.records();
    progress.bytes_done = ingestor_.bytes_finished_ + bytes_done;
    progress.bytes_total = ingestor_.total_bytes_;
    progress.seconds = ingestor_.elapsed_seconds();
    ingestor_.on_progress_(progress);
  }

  Ingestor& ingestor_;
  const InputFile& input_;
  std::mutex mutex_;
  std::condition_variable ready_;  // the oldest item is built, or stopping_, or failure_
  std::condition_variable space_;  // an item was taken, or failure_
  std::condition_variable build_;  // an item to build was queued, or stopping_, or failure_
  std::deque<Item> queue_;
  std::size_t popped_ = 0;   // items the writer took: queue_[i] is item popped_ + i
  std::size_t claimed_ = 0;  // items before this one were taken by a preparer or need none
  std::vector<Xapian::Document> written_;  // to be freed by the reading thread
  bool stopping_ = false;                  // no more items will come
  bool abandoned_ = false;                 // drop what is queued
  std::exception_ptr failure_;
  std::vector<std::thread> preparers_;  // started once everything above exists
  std::thread writer_thread_;
};

// Connects a reader to the pipeline for one input: queues each record (its document is built by
// the pipeline's preparers) and each problem, in the order the reader met them.
class Ingestor::Sink : public RecordSink {
 public:
  Sink(const InputFile& input, Pipeline& pipeline) : input_(input), pipeline_(pipeline) {}

  void on_article(Article&& article, std::size_t line) override {
    Pipeline::Item item;
    item.line = line;
    item.bytes_done = input_.bytes_read();
    item.article = std::move(article);
    item.built = false;
    pipeline_.push(std::move(item));
  }

  void on_problem(Problem&& problem) override {
    Pipeline::Item item;
    item.line = problem.line;
    item.bytes_done = input_.bytes_read();
    item.problem = std::move(problem);
    pipeline_.push(std::move(item));
  }

 private:
  const InputFile& input_;
  Pipeline& pipeline_;
};

Ingestor::Ingestor(DocumentWriter& writer, ReadOptions options, ProblemHandler on_problem,
                   ProgressHandler on_progress)
    : writer_(writer),
      options_(std::move(options)),
      on_problem_(std::move(on_problem)),
      on_progress_(std::move(on_progress)),
      start_(std::chrono::steady_clock::now()) {}

Ingestor::~Ingestor() = default;

void Ingestor::set_on_indexed(IndexedHandler on_indexed) { on_indexed_ = std::move(on_indexed); }

void Ingestor::set_total_bytes(std::optional<std::uint64_t> total) { total_bytes_ = total; }

void Ingestor::ingest(InputFile& input, Format format) {
  Pipeline pipeline(*this, input);
  Sink sink(input, pipeline);
  read_records(format, input.stream(), input.name(), options_, sink);
  if (auto error = input.error()) sink.on_problem({input.name(), 0, *error, Severity::error});
  pipeline.finish();
  bytes_finished_ += input.bytes_read();
}

void Ingestor::finish() { writer_.commit(); }

const IngestCounts& Ingestor::counts() const { return counts_; }

double Ingestor::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string format_summary(const IngestCounts& counts, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(counts.records()) / seconds : 0;
  char timing[64];
  std::snprintf(timing, sizeof timing, " in %.1f s (%.0f records/s)", seconds, rate);
  return "indexed " + std::to_string(counts.records()) + " records (" +
         std::to_string(counts.indexed) + " added/replaced, " + std::to_string(counts.rejected) +
         " rejected, " + std::to_string(counts.warnings) + " warnings)" + timing;
}

std::string format_progress(const IngestProgress& progress) {
  const double rate =
      progress.seconds > 0 ? static_cast<double>(progress.records) / progress.seconds : 0;
  char text[128];
  std::snprintf(text, sizeof text, "%llu records, %.0f records/s",
                static_cast<unsigned long long>(progress.records), rate);
  std::string line = text;
  if (progress.bytes_total && *progress.bytes_total > 0 && progress.bytes_done > 0) {
    const double fraction = std::min(
        1.0, static_cast<double>(progress.bytes_done) / static_cast<double>(*progress.bytes_total));
    const auto eta = static_cast<long long>(
        std::llround(progress.seconds * (1 - fraction) / std::max(fraction, 1e-9)));
    std::snprintf(text, sizeof text, ", %.0f%%, ETA %lld:%02lld", fraction * 100, eta / 60,
                  eta % 60);
    line += text;
  }
  return line;
}

ProgressLine::ProgressLine(std::ostream& out, std::chrono::milliseconds interval)
    : out_(out), interval_(interval) {}

void ProgressLine::update(const IngestProgress& progress) {
  const auto now = std::chrono::steady_clock::now();
  if (last_draw_ && now - *last_draw_ < interval_) return;
  last_draw_ = now;
  shown_ = true;
  // \r returns to the start of the line and ESC[K erases what a longer earlier line left.
  out_ << '\r' << format_progress(progress) << "\x1b[K" << std::flush;
}

void ProgressLine::clear() {
  if (!shown_) return;
  out_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

}  // namespace newsq::indexer
