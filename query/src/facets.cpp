#include "facets.hpp"

#include <algorithm>

#include "newsq/schema.hpp"

namespace newsq {

void ListValueCountSpy::operator()(const Xapian::Document& doc, double) {
  const std::string value = doc.get_value(slot_);
  std::size_t start = 0;
  while (start < value.size()) {
    std::size_t end = value.find(schema::kListSeparator, start);
    if (end == std::string::npos) end = value.size();
    if (end > start) ++counts_[value.substr(start, end - start)];
    start = end + 1;
  }
}

Xapian::MatchSpy* ListValueCountSpy::clone() const { return new ListValueCountSpy(slot_); }

std::string ListValueCountSpy::name() const { return "newsq::ListValueCountSpy"; }

std::string ListValueCountSpy::serialise() const { return Xapian::sortable_serialise(slot_); }

Xapian::MatchSpy* ListValueCountSpy::unserialise(const std::string& serialised,
                                                 const Xapian::Registry&) const {
  return new ListValueCountSpy(static_cast<Xapian::valueno>(Xapian::sortable_unserialise(serialised)));
}

std::string ListValueCountSpy::serialise_results() const {
  // value '\0' count '\n' ... : values never hold NUL (they are folded text).
  std::string out;
  for (const auto& [value, count] : counts_) {
    out += value;
    out += '\0';
    out += std::to_string(count);
    out += '\n';
  }
  return out;
}

void ListValueCountSpy::merge_results(const std::string& serialised) {
  std::size_t pos = 0;
  while (pos < serialised.size()) {
    const std::size_t nul = serialised.find('\0', pos);
    const std::size_t newline = serialised.find('\n', nul);
    if (nul == std::string::npos || newline == std::string::npos)
      throw Xapian::SerialisationError("bad ListValueCountSpy results");
    counts_[serialised.substr(pos, nul - pos)] +=
        std::stoull(serialised.substr(nul + 1, newline - nul - 1));
    pos = newline + 1;
  }
}

std::vector<FacetCount> ListValueCountSpy::top(std::size_t size) const {
  std::vector<FacetCount> facets;
  facets.reserve(counts_.size());
  for (const auto& [value, count] : counts_) facets.push_back({value, count});
  const auto by_count = [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  if (facets.size() > size) {
    std::partial_sort(facets.begin(), facets.begin() + static_cast<std::ptrdiff_t>(size),
                      facets.end(), by_count);
    facets.resize(size);
  } else {
    std::sort(facets.begin(), facets.end(), by_count);
  }
  return facets;
}

std::vector<FacetCount> date_histogram(const Xapian::ValueCountMatchSpy& days, DateBucket bucket) {
  std::map<std::string, std::uint64_t> buckets;
  for (auto it = days.values_begin(); it != days.values_end(); ++it) {
    const std::string day = *it;  // YYYYMMDD
    if (day.size() != 8) continue;
    std::string key = day.substr(0, 4);
    if (bucket != DateBucket::year) key += "-" + day.substr(4, 2);
    if (bucket == DateBucket::day) key += "-" + day.substr(6, 2);
    buckets[key] += it.get_termfreq();
  }
  std::vector<FacetCount> histogram;
  histogram.reserve(buckets.size());
  for (const auto& [key, count] : buckets) histogram.push_back({key, count});
  return histogram;
}

}  // namespace newsq
