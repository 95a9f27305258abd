#include "facets.hpp"

#include <algorithm>
#include <map>

#include "newsq/schema.hpp"

namespace newsq {

std::vector<FacetCount> topic_facets(const Xapian::ValueCountMatchSpy& topics, std::size_t size) {
  std::map<std::string, std::uint64_t> counts;
  for (auto it = topics.values_begin(); it != topics.values_end(); ++it) {
    const std::string combination = *it;
    const std::uint64_t count = it.get_termfreq();
    std::size_t start = 0;
    while (start < combination.size()) {
      std::size_t end = combination.find(schema::kListSeparator, start);
      if (end == std::string::npos) end = combination.size();
      if (end > start) counts[combination.substr(start, end - start)] += count;
      start = end + 1;
    }
  }
  std::vector<FacetCount> facets;
  facets.reserve(counts.size());
  for (const auto& [value, count] : counts) facets.push_back({value, count});
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
