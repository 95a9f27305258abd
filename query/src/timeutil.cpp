#include "newsq/timeutil.hpp"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <charconv>
#include <cstdio>
#include <memory>

#include "newsq/errors.hpp"

namespace newsq {

namespace {

// Reads exactly `width` digits at `pos`, advancing it.
bool read_digits(std::string_view text, std::size_t& pos, int width, int& value) {
  if (pos + width > text.size()) return false;
  value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Parses a bare "YYYY-MM-DD" into its parts.
bool parse_date(std::string_view text, int& year, int& month, int& day) {
  std::size_t pos = 0;
  if (!read_digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, day) || pos != text.size())
    return false;
  return valid_date(year, month, day);
}

void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day) {
  // Howard Hinnant's algorithm.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(y + (month <= 2));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::int64_t days_from_civil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool valid_date(int year, unsigned month, unsigned day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

std::optional<Timestamp> parse_iso8601(std::string_view text) {
  int year, month, day;
  std::size_t pos = 0;
  if (!read_digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, day))
    return std::nullopt;
  if (!valid_date(year, month, day)) return std::nullopt;
  std::int64_t seconds = days_from_civil(year, month, day) * 86400;
  if (pos == text.size()) return Timestamp{seconds, 0};
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  int hour, minute, second = 0;
  if (!read_digits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
      !read_digits(text, pos, 2, minute))
    return std::nullopt;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, second)) return std::nullopt;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      std::size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos, ++digits;
      if (digits == 0) return std::nullopt;
    }
  }
  // 24:00:00 is not accepted: one spelling per instant. 60 seconds is rejected too.
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  seconds += hour * 3600 + minute * 60 + second;
  int offset = 0;
  if (pos == text.size()) {
    // No zone designator: taken as UTC.
  } else if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    // UTC.
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos++] == '-' ? -1 : 1;
    int off_h, off_m = 0;
    if (!read_digits(text, pos, 2, off_h)) return std::nullopt;
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (pos < text.size() && !read_digits(text, pos, 2, off_m)) return std::nullopt;
    if (pos != text.size() || off_h > 18 || off_m > 59) return std::nullopt;
    offset = sign * (off_h * 60 + off_m);
  } else {
    return std::nullopt;
  }
  return Timestamp{seconds - offset * 60, offset};
}

std::string format_iso8601(const Timestamp& ts) {
  const std::int64_t local = ts.utc_seconds + ts.offset_minutes * 60;
  const std::int64_t days = floor_div(local, 86400);
  const std::int64_t rest = local - days * 86400;
  int year;
  unsigned month, day;
  civil_from_days(days, year, month, day);
  char buffer[40];
  const int hh = static_cast<int>(rest / 3600), mm = static_cast<int>(rest / 60 % 60),
            ss = static_cast<int>(rest % 60);
  std::string out;
  if (year >= 0 && year <= 9999) {
    // What the snprintf below writes, without parsing a format (a search answer has ten dates).
    char* at = buffer;
    const auto digits = [&at](unsigned value, int count) {
      for (int i = count - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
      at += count;
    };
    digits(static_cast<unsigned>(year), 4);
    *at++ = '-';
    digits(month, 2);
    *at++ = '-';
    digits(day, 2);
    *at++ = 'T';
    digits(static_cast<unsigned>(hh), 2);
    *at++ = ':';
    digits(static_cast<unsigned>(mm), 2);
    *at++ = ':';
    digits(static_cast<unsigned>(ss), 2);
    if (ts.offset_minutes == 0) *at++ = 'Z';
    out.assign(buffer, static_cast<std::size_t>(at - buffer));
    if (ts.offset_minutes == 0) return out;
  } else {
    const int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d", year,
                                month, day, hh, mm, ss);
    out.assign(buffer, static_cast<std::size_t>(n));
    if (ts.offset_minutes == 0) return out + "Z";
  }
  const int off = ts.offset_minutes < 0 ? -ts.offset_minutes : ts.offset_minutes;
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", ts.offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return out + buffer;
}

std::string utc_day(std::int64_t utc_seconds) {
  int year;
  unsigned month, day;
  civil_from_days(floor_div(utc_seconds, 86400), year, month, day);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d%02u%02u", year, month, day);
  return buffer;
}

Timestamp local_to_timestamp(std::string_view date, int hour, int minute, std::string_view zone) {
  int year, month, day;
  if (!parse_date(date, year, month, day))
    throw Error(ErrorCode::bad_parameter,
                "invalid date '" + std::string(date) + "' (expected YYYY-MM-DD)");
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59)
    throw Error(ErrorCode::bad_parameter, "invalid time of day " + std::to_string(hour) + ":" +
                                              std::to_string(minute));
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(
      icu::UnicodeString::fromUTF8(icu::StringPiece(zone.data(), static_cast<int32_t>(zone.size())))));
  icu::UnicodeString id;
  tz->getID(id);
  if (*tz == icu::TimeZone::getUnknown() || id == UNICODE_STRING_SIMPLE("Etc/Unknown"))
    throw Error(ErrorCode::bad_parameter,
                "unknown time zone '" + std::string(zone) + "' (expected an IANA name such as "
                "Europe/Madrid)");
  const std::int64_t local_seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60;
  // getOffset with local=true interprets the instant as wall-clock time in the zone.
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz->getOffset(static_cast<UDate>(local_seconds) * 1000.0, true, raw, dst, status);
  if (U_FAILURE(status))
    throw Error(ErrorCode::bad_parameter, "cannot convert the time in zone " + std::string(zone));
  const int offset_minutes = (raw + dst) / 60000;
  return Timestamp{local_seconds - offset_minutes * 60, offset_minutes};
}

std::int64_t parse_date_bound(std::string_view text, bool upper_bound) {
  int year, month, day;
  if (parse_date(text, year, month, day)) {
    const std::int64_t start = days_from_civil(year, month, day) * 86400;
    return upper_bound ? start + 86399 : start;
  }
  if (auto ts = parse_iso8601(text)) return ts->utc_seconds;
  throw Error(ErrorCode::bad_parameter,
              "invalid date '" + std::string(text) +
                  "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM])");
}

}  // namespace newsq
