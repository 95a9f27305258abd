// Dates as feeds write them (private to newsq_indexer).
#pragma once

#include <optional>
#include <string_view>

#include "newsq/timeutil.hpp"

namespace newsq::indexer {

struct FeedDate {
  Timestamp timestamp;
  bool zone_assumed = false;  ///< no (or an unknown) zone was given: UTC was assumed
};

/// Parses an RSS date, RFC 822/1123 as feeds really write it: "Tue, 10 Jun 2025 04:00:00 GMT",
/// weekday optional (abbreviated or full), day of one or two digits, month abbreviated or full
/// (any case), year of four digits or two (< 50 is 20xx), seconds optional, zone "+0200",
/// "+02:00", "GMT"/"UT"/"UTC"/"Z", the RFC's US zones (EST, EDT, CST, CDT, MST, MDT, PST, PDT) and
/// common European and Asian abbreviations (CET, CEST, BST, EET, JST, ...). A missing or unknown
/// zone means UTC with zone_assumed set. ISO-8601 (what Atom and dc:date use, and what some RSS
/// generators put in pubDate) is accepted too. nullopt when the text is neither.
std::optional<FeedDate> parse_feed_date(std::string_view text);

}  // namespace newsq::indexer
