// Instants and dates as newsq stores them: UTC seconds plus the offset the source gave, so a
// brief published at 16:10 in Madrid is stored as 15:10Z and shown as 16:10+01:00.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace newsq {

struct Timestamp {
  std::int64_t utc_seconds = 0;  ///< seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;        ///< the source's UTC offset, kept for display

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

/// Parses ISO-8601 "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM)", a space instead of 'T',
/// and a bare date "YYYY-MM-DD" (midnight UTC). Returns nullopt for anything else or an
/// impossible date/time (2025-02-30, 24:61).
std::optional<Timestamp> parse_iso8601(std::string_view text);

/// Formats as "YYYY-MM-DDTHH:MM:SS±HH:MM" in the timestamp's own offset ("Z" when it is 0).
std::string format_iso8601(const Timestamp& ts);

/// "YYYYMMDD" of the instant in UTC: the day used for date terms and the date histogram.
std::string utc_day(std::int64_t utc_seconds);

/// Days since 1970-01-01 of a proleptic Gregorian date (no validation).
std::int64_t days_from_civil(int year, unsigned month, unsigned day);

/// True when year-month-day is a real date (1..9999, month 1..12, day within the month).
bool valid_date(int year, unsigned month, unsigned day);

/// Converts a wall-clock time in an IANA zone ("Europe/Madrid") to a Timestamp, using ICU's
/// time-zone data (daylight saving included). Throws Error(bad_parameter) for an unknown zone or
/// an invalid date. `date` is "YYYY-MM-DD"; hour/minute are the local wall-clock time.
Timestamp local_to_timestamp(std::string_view date, int hour, int minute, std::string_view zone);

/// Parses a filter bound: a date ("2025-01-30") or a date-time with or without offset (UTC when
/// absent). A bare date as an upper bound means the end of that day (inclusive), as a lower bound
/// its start. Throws Error(bad_parameter) with a message naming the text.
std::int64_t parse_date_bound(std::string_view text, bool upper_bound);

}  // namespace newsq
