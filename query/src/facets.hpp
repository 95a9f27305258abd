// Facet counting over the documents a search examines.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <xapian.h>

#include "newsq/searcher.hpp"

namespace newsq {

/// Counts each value of a multi-valued slot (values joined by schema::kListSeparator), such as
/// the topics of a story. Xapian's ValueCountMatchSpy counts whole slot values only.
class ListValueCountSpy : public Xapian::MatchSpy {
 public:
  explicit ListValueCountSpy(Xapian::valueno slot) : slot_(slot) {}

  void operator()(const Xapian::Document& doc, double weight) override;
  Xapian::MatchSpy* clone() const override;
  std::string name() const override;
  std::string serialise() const override;
  Xapian::MatchSpy* unserialise(const std::string& serialised,
                                const Xapian::Registry& context) const override;
  std::string serialise_results() const override;
  void merge_results(const std::string& serialised) override;

  /// The `size` most frequent values, ties broken by value.
  std::vector<FacetCount> top(std::size_t size) const;

 private:
  Xapian::valueno slot_;
  std::map<std::string, std::uint64_t> counts_;
};

/// Turns the per-day counts of a ValueCountMatchSpy over schema::kSlotDay ("YYYYMMDD") into
/// ascending buckets: "YYYY-MM-DD", "YYYY-MM" or "YYYY".
std::vector<FacetCount> date_histogram(const Xapian::ValueCountMatchSpy& days, DateBucket bucket);

}  // namespace newsq
