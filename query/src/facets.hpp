// Facet counting over the documents a search examines.
#pragma once

#include <string>
#include <vector>

#include <xapian.h>

#include "newsq/searcher.hpp"

namespace newsq {

/// Per-topic counts from a ValueCountMatchSpy over schema::kSlotTopics: the `size` most
/// frequent topics, ties broken by value.
///
/// Why Xapian's built-in spy and not a custom one: the slot holds a story's folded topics joined
/// by schema::kListSeparator, so the built-in spy counts each distinct *combination*; splitting
/// every combination here and adding its count to each topic in it gives exactly the per-topic
/// counts a custom list-splitting MatchSpy would. The built-in spy is registered in every
/// Xapian::Registry, so the same code runs on local shards and on remote shards served by a
/// stock `xapian-tcpsrv` (which cannot be given a custom MatchSpy: Xapian 1.4 has no public
/// TcpServer API to start one with a Registry of ours).
std::vector<FacetCount> topic_facets(const Xapian::ValueCountMatchSpy& topics, std::size_t size);

/// Turns the per-day counts of a ValueCountMatchSpy over schema::kSlotDay ("YYYYMMDD") into
/// ascending buckets: "YYYY-MM-DD", "YYYY-MM" or "YYYY".
std::vector<FacetCount> date_histogram(const Xapian::ValueCountMatchSpy& days, DateBucket bucket);

}  // namespace newsq
