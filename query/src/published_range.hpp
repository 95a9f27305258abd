// Date-range filtering from an in-memory column of publication times.
//
// Xapian's OP_VALUE_RANGE reads the date slot of every candidate the rest of the query lets
// through: a word matching 100,000 stories of a 1M-story archive costs 100,000 value reads to
// keep the few hundred of one month, about 17 ms here. The column below holds every story's
// publication time by document id, as a search engine's "fast field" does (Lucene's doc values,
// tantivy's fast fields), plus the document ids grouped by time; a date range then knows its
// matches exactly and cheaply, and walks them as a posting list when they are few.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

namespace newsq {

/// The publication times of one (single) database's documents, read from
/// schema::kSlotPublished at one revision, and the dated documents grouped by time: equal-width
/// time buckets (about four documents each when times are spread out), ids ascending in each.
class PublishedColumn {
 public:
  /// Reads the whole date slot of `shard`, which must be a single local database.
  explicit PublishedColumn(const Xapian::Database& shard);

  /// The highest document id the column covers.
  Xapian::docid last() const { return static_cast<Xapian::docid>(times_.size()); }

  /// Whether document `did` (1..last()) has a publication time in [from, to]. A document
  /// without one (or deleted) never is.
  bool in_range(Xapian::docid did, double from, double to) const {
    const double t = times_[did - 1];
    return t >= from && t <= to;  // false for the NaN of "no time"
  }

  /// How many documents have a time in [from, to]: the buckets inside the range are counted
  /// whole, the (at most two) at its ends document by document.
  Xapian::doccount count(double from, double to) const;

  /// Appends the ids of the documents in [from, to] to `out`, in no particular order.
  void collect(double from, double to, std::vector<Xapian::docid>& out) const;

 private:
  std::size_t bucket(double t) const;
  /// Calls whole(first, last) for each run of ids wholly in [from, to] and edge(first, last)
  /// for the ids of the end buckets, which must be checked one by one.
  template <typename Whole, typename Edge>
  void visit(double from, double to, Whole whole, Edge edge) const;

  std::vector<double> times_;           ///< by document id - 1; NaN: no publication time
  double low_ = 0;                      ///< the earliest time
  double high_ = 0;                     ///< the latest time
  double width_ = 1;                    ///< of a bucket, in seconds
  std::vector<std::uint32_t> starts_;   ///< bucket b's ids: grouped_[starts_[b], starts_[b+1])
  std::vector<Xapian::docid> grouped_;  ///< the dated documents' ids, by bucket
};

/// The columns of the databases a Searcher has open, read when worth it and again when a
/// database's revision moves on. One per Searcher (a Searcher serves one thread).
class PublishedColumns {
 public:
  /// The column of `shard` at its current revision (read now if it is not current).
  std::shared_ptr<const PublishedColumn> get(const Xapian::Database& shard);

  /// Whether `shard`'s column is read and at the shard's current revision.
  bool current(const Xapian::Database& shard) const;

  /// Called for each date range that finds a column missing or stale; true when the columns
  /// should be read for it, which is every kStaleUses-th time (the others use
  /// OP_VALUE_RANGE). Reading a column costs about what three range checks by value cost on
  /// the same index (60 against 20 ms at a million stories, both growing with its size), so
  /// this "ski rental" rule never spends more than about twice what the better choice would
  /// have: a one-shot `newsq` query never reads a column, a server busy with searches reads
  /// it once per revision, and under heavy ingest the reads cost at most about twice the
  /// checks by value they replace.
  bool stale_use() { return ++stale_uses_ % kStaleUses == 0; }
  static constexpr unsigned kStaleUses = 3;

  /// Forgets every column (the index was opened again: other databases, other uuids).
  void clear() {
    cache_.clear();
    stale_uses_ = 0;
  }

 private:
  struct Entry {
    Xapian::rev revision = 0;
    std::shared_ptr<const PublishedColumn> column;
  };
  std::unordered_map<std::string, Entry> cache_;  ///< by database uuid
  unsigned stale_uses_ = 0;
};

/// A filter for the documents published in [from, to] (inclusive; ±infinity for an open end),
/// the same documents as OP_VALUE_RANGE over schema::kSlotPublished. Local databases only: a
/// remote shard's server cannot run it (it is not in Xapian's registry).
///
/// Xapian calls init() once per sub-database and search; the source reports its exact match
/// count, so Xapian's AND lets it lead when it is the rarest part of the query. When its matches
/// are few (see kListFraction) they are gathered and sorted into a posting list; otherwise the
/// column is scanned, and checks of single documents are one array read either way.
///
/// Reading a column costs about 60 ms per million documents, at most once per revision of the
/// index (the Searcher keeps it; see PublishedColumns::stale_use()), and 12 bytes per document.
class PublishedRangeSource : public Xapian::PostingSource {
 public:
  PublishedRangeSource(PublishedColumns& columns, double from, double to)
      : columns_(columns), from_(from), to_(to) {}

  void init(const Xapian::Database& db) override;
  Xapian::PostingSource* clone() const override;
  std::string get_description() const override;

  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }

  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool check(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return current_; }

  /// A range's matches are gathered into a list when they are at most 1/kListFraction of the
  /// documents (sorting k ids costs about what scanning 64 k entries does).
  static constexpr std::size_t kListFraction = 64;

 private:
  void scan_from(Xapian::docid did);  // the first match >= did, by scanning the column

  PublishedColumns& columns_;
  double from_;
  double to_;
  std::shared_ptr<const PublishedColumn> column_;
  std::vector<Xapian::docid> list_;  ///< list mode: the matches, ascending
  bool listed_ = false;
  std::size_t at_ = 0;  ///< list mode: index of current_ in list_
  Xapian::doccount count_ = 0;
  Xapian::docid current_ = 0;  ///< 0: not started
  bool between_ = false;       ///< scan mode: check() found current_ not a match
  bool at_end_ = false;
};

}  // namespace newsq
