#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>

#include "newsq/errors.hpp"
#include "newsq/timeutil.hpp"

using namespace newsq;

TEST_CASE("parse_iso8601 reads offsets, Z and bare dates", "[time]") {
  auto ts = parse_iso8601("2025-01-30T16:10:00+01:00");
  REQUIRE(ts);
  CHECK(ts->utc_seconds == 1738249800);  // 2025-01-30T15:10:00Z
  CHECK(ts->offset_minutes == 60);

  auto z = parse_iso8601("2025-01-30T15:10:00Z");
  REQUIRE(z);
  CHECK(z->utc_seconds == 1738249800);
  CHECK(z->offset_minutes == 0);

  auto fractional = parse_iso8601("1987-02-26T15:01:01.79");
  REQUIRE(fractional);
  CHECK(format_iso8601(*fractional) == "1987-02-26T15:01:01Z");

  auto date = parse_iso8601("2025-01-30");
  REQUIRE(date);
  CHECK(date->utc_seconds == 1738195200);

  auto negative = parse_iso8601("2025-01-30T10:10-0500");
  REQUIRE(negative);
  CHECK(negative->utc_seconds == 1738249800);
  CHECK(negative->offset_minutes == -300);
}

TEST_CASE("parse_iso8601 rejects malformed and impossible dates", "[time]") {
  for (const char* bad : {"", "yesterday", "2025-02-30", "2025-13-01", "2025-01-30T24:00",
                          "2025-01-30T12:61", "2025-01-30T12:00+25:00", "2025-1-3",
                          "2025-01-30T12:00:00Zjunk", "30-JAN-2025"})
    CHECK_FALSE(parse_iso8601(bad));
}

TEST_CASE("format_iso8601 writes the instant in its own offset", "[time]") {
  CHECK(format_iso8601({1738249800, 60}) == "2025-01-30T16:10:00+01:00");
  CHECK(format_iso8601({1738249800, 0}) == "2025-01-30T15:10:00Z");
  CHECK(format_iso8601({1738249800, -330}) == "2025-01-30T09:40:00-05:30");
  CHECK(format_iso8601({-1, 0}) == "1969-12-31T23:59:59Z");
}

TEST_CASE("format_iso8601 agrees with gmtime over years 0 to 9999 and beyond", "[time]") {
  // Years outside 0..9999 take another path (a sign or a fifth digit).
  const std::int64_t first = -62167219200 - 400LL * 365 * 86400;  // about the year -400
  const std::int64_t last = 253402300799 + 400LL * 365 * 86400;   // about the year 10400
  for (std::int64_t t = first; t < last; t += 7776000 + 3 * 3600 + 17 * 60 + 13) {
    for (const int offset : {0, 60, -330, 840}) {
      const std::time_t local = static_cast<std::time_t>(t + offset * 60);
      std::tm parts{};
      REQUIRE(gmtime_r(&local, &parts));
      char expected[64];
      int n = std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d",
                            parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                            parts.tm_min, parts.tm_sec);
      const int off = offset < 0 ? -offset : offset;
      if (offset == 0)
        std::snprintf(expected + n, sizeof expected - static_cast<std::size_t>(n), "Z");
      else
        std::snprintf(expected + n, sizeof expected - static_cast<std::size_t>(n), "%c%02d:%02d",
                      offset < 0 ? '-' : '+', off / 60, off % 60);
      CAPTURE(t, offset);
      REQUIRE(format_iso8601({t, offset}) == expected);
    }
  }
}

TEST_CASE("utc_day is the UTC calendar day", "[time]") {
  CHECK(utc_day(1738249800) == "20250130");
  CHECK(utc_day(1738195199) == "20250129");
}

TEST_CASE("local_to_timestamp uses the zone's offset on that day", "[time]") {
  // Winter: Madrid is UTC+1.
  auto winter = local_to_timestamp("2025-01-30", 16, 10, "Europe/Madrid");
  CHECK(winter.utc_seconds == 1738249800);
  CHECK(winter.offset_minutes == 60);
  // Summer: UTC+2.
  auto summer = local_to_timestamp("2025-07-01", 12, 0, "Europe/Madrid");
  CHECK(format_iso8601(summer) == "2025-07-01T12:00:00+02:00");
  CHECK(summer.utc_seconds == parse_iso8601("2025-07-01T10:00:00Z")->utc_seconds);
  CHECK_THROWS_AS(local_to_timestamp("2025-01-30", 1, 0, "Mars/Olympus"), Error);
  CHECK_THROWS_AS(local_to_timestamp("2025-02-30", 1, 0, "Europe/Madrid"), Error);
}

TEST_CASE("parse_date_bound makes bare dates inclusive whole days", "[time]") {
  CHECK(parse_date_bound("2025-01-30", false) == 1738195200);
  CHECK(parse_date_bound("2025-01-30", true) == 1738195200 + 86399);
  CHECK(parse_date_bound("2025-01-30T16:10+01:00", true) == 1738249800);
  try {
    parse_date_bound("last tuesday", false);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::bad_parameter);
    CHECK(std::string(error.what()).find("last tuesday") != std::string::npos);
  }
}
