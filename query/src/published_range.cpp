#include "published_range.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <sstream>

#include "newsq/schema.hpp"

namespace newsq {

PublishedColumn::PublishedColumn(const Xapian::Database& shard) {
  times_.assign(shard.get_lastdocid(), std::numeric_limits<double>::quiet_NaN());
  std::size_t dated = 0;
  low_ = std::numeric_limits<double>::infinity();
  high_ = -low_;
  const auto end = shard.valuestream_end(schema::kSlotPublished);
  for (auto it = shard.valuestream_begin(schema::kSlotPublished); it != end; ++it) {
    const Xapian::docid did = it.get_docid();
    if (did > times_.size()) continue;  // cannot happen at one revision; never index past the end
    const double t = Xapian::sortable_unserialise(*it);
    if (std::isnan(t)) continue;
    times_[did - 1] = t;
    low_ = std::min(low_, t);
    high_ = std::max(high_, t);
    ++dated;
  }
  // A counting sort into buckets: one pass to count, one to place (ids ascending in each).
  const std::size_t buckets = std::max<std::size_t>(1, dated / 4);
  width_ = dated > 0 && high_ > low_ ? (high_ - low_) / static_cast<double>(buckets) : 1.0;
  starts_.assign(buckets + 1, 0);
  for (const double t : times_)
    if (!std::isnan(t)) ++starts_[bucket(t) + 1];
  for (std::size_t b = 0; b < buckets; ++b) starts_[b + 1] += starts_[b];
  grouped_.resize(dated);
  std::vector<std::uint32_t> next(starts_.begin(), starts_.end() - 1);
  for (std::size_t i = 0; i < times_.size(); ++i)
    if (!std::isnan(times_[i]))
      grouped_[next[bucket(times_[i])]++] = static_cast<Xapian::docid>(i + 1);
}

std::size_t PublishedColumn::bucket(double t) const {
  const double b = std::floor((t - low_) / width_);
  return b <= 0 ? 0 : std::min(static_cast<std::size_t>(b), starts_.size() - 2);
}

template <typename Whole, typename Edge>
void PublishedColumn::visit(double from, double to, Whole whole, Edge edge) const {
  from = std::max(from, low_);
  to = std::min(to, high_);
  if (grouped_.empty() || !(from <= to)) return;
  const std::size_t first = bucket(from);
  const std::size_t last = bucket(to);
  const auto ids = [this](std::size_t b, std::size_t e) {
    return std::pair{grouped_.data() + starts_[b], grouped_.data() + starts_[e]};
  };
  const auto [a, b] = ids(first, first + 1);
  edge(a, b);
  if (last == first) return;
  if (last > first + 1) {
    const auto [c, d] = ids(first + 1, last);
    whole(c, d);
  }
  const auto [e, f] = ids(last, last + 1);
  edge(e, f);
}

Xapian::doccount PublishedColumn::count(double from, double to) const {
  std::size_t n = 0;
  visit(
      from, to, [&](const Xapian::docid* a, const Xapian::docid* b) { n += b - a; },
      [&](const Xapian::docid* a, const Xapian::docid* b) {
        n += std::count_if(a, b, [&](Xapian::docid did) { return in_range(did, from, to); });
      });
  return static_cast<Xapian::doccount>(n);
}

void PublishedColumn::collect(double from, double to, std::vector<Xapian::docid>& out) const {
  visit(
      from, to,
      [&](const Xapian::docid* a, const Xapian::docid* b) { out.insert(out.end(), a, b); },
      [&](const Xapian::docid* a, const Xapian::docid* b) {
        std::copy_if(a, b, std::back_inserter(out),
                     [&](Xapian::docid did) { return in_range(did, from, to); });
      });
}

std::shared_ptr<const PublishedColumn> PublishedColumns::get(const Xapian::Database& shard) {
  const Xapian::rev revision = shard.get_revision();
  std::string uuid = shard.get_uuid();
  if (uuid.empty()) return std::make_shared<const PublishedColumn>(shard);  // nothing to key on
  Entry& entry = cache_[std::move(uuid)];
  if (!entry.column || entry.revision != revision) {
    entry.column = std::make_shared<const PublishedColumn>(shard);
    entry.revision = revision;
  }
  return entry.column;
}

bool PublishedColumns::current(const Xapian::Database& shard) const {
  const auto found = cache_.find(shard.get_uuid());
  return found != cache_.end() && found->second.revision == shard.get_revision();
}

void PublishedRangeSource::init(const Xapian::Database& db) {
  auto column = columns_.get(db);
  if (column != column_) {
    column_ = std::move(column);
    list_.clear();
    count_ = column_->count(from_, to_);
    listed_ = count_ <= column_->last() / kListFraction;
    if (listed_) {
      list_.reserve(count_);
      column_->collect(from_, to_, list_);
      std::sort(list_.begin(), list_.end());
    }
  }
  at_ = 0;
  current_ = 0;
  between_ = false;
  at_end_ = count_ == 0;
}

Xapian::PostingSource* PublishedRangeSource::clone() const {
  return new PublishedRangeSource(columns_, from_, to_);
}

std::string PublishedRangeSource::get_description() const {
  std::ostringstream out;
  out << "PublishedRangeSource(" << from_ << ".." << to_ << ")";
  return out.str();
}

void PublishedRangeSource::scan_from(Xapian::docid did) {
  const Xapian::docid last = column_->last();
  while (did <= last && !column_->in_range(did, from_, to_)) ++did;
  at_end_ = did > last;
  current_ = did;
}

void PublishedRangeSource::next(double) {
  if (at_end_) return;
  if (listed_) {
    if (current_ != 0) ++at_;
    at_end_ = at_ >= list_.size();
    if (!at_end_) current_ = list_[at_];
    return;
  }
  between_ = false;
  scan_from(current_ + 1);
}

void PublishedRangeSource::skip_to(Xapian::docid did, double) {
  if (at_end_) return;
  if (between_) {  // after a failed check(), current_ is a non-match to move past
    between_ = false;
    scan_from(std::max(did, current_ + 1));
    return;
  }
  if (current_ != 0 && current_ >= did) return;
  if (listed_) {
    at_ = static_cast<std::size_t>(
        std::lower_bound(list_.begin() + static_cast<std::ptrdiff_t>(at_), list_.end(), did) -
        list_.begin());
    at_end_ = at_ >= list_.size();
    if (!at_end_) current_ = list_[at_];
    return;
  }
  scan_from(did);
}

bool PublishedRangeSource::check(Xapian::docid did, double min_wt) {
  if (listed_ || at_end_) {
    skip_to(did, min_wt);
    return true;
  }
  if (!between_ && current_ != 0 && current_ >= did) return true;
  if (did > column_->last()) {
    at_end_ = true;
    return true;
  }
  // Not a match: the position is left "between" (Xapian's next() then moves past `did`).
  current_ = did;
  between_ = !column_->in_range(did, from_, to_);
  return !between_;
}

}  // namespace newsq
