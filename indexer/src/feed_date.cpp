#include "feed_date.hpp"

#include <array>
#include <cctype>

#include "text.hpp"

namespace newsq::indexer {

namespace {

struct ZoneAbbreviation {
  std::string_view name;
  int offset_minutes;
};

// RFC 822's zones, then abbreviations common in European and Asian feeds. Ambiguous ones (IST,
// CST as China time) take the RFC or most common reading.
constexpr ZoneAbbreviation kZones[] = {
    {"gmt", 0},       {"ut", 0},        {"utc", 0},        {"z", 0},          {"est", -5 * 60},
    {"edt", -4 * 60}, {"cst", -6 * 60}, {"cdt", -5 * 60},  {"mst", -7 * 60},  {"mdt", -6 * 60},
    {"pst", -8 * 60}, {"pdt", -7 * 60}, {"akst", -9 * 60}, {"akdt", -8 * 60}, {"hst", -10 * 60},
    {"ast", -4 * 60}, {"adt", -3 * 60}, {"wet", 0},        {"west", 60},      {"bst", 60},
    {"cet", 60},      {"cest", 120},    {"met", 60},       {"mest", 120},     {"eet", 120},
    {"eest", 180},    {"msk", 180},     {"ist", 330},      {"hkt", 480},      {"sgt", 480},
    {"jst", 540},     {"kst", 540},     {"aest", 600},     {"aedt", 660},     {"nzst", 720},
    {"nzdt", 780}};

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};

// Splits on spaces and commas (both separate fields in the wild: "Tue,10 Jun 2025").
class Fields {
 public:
  explicit Fields(std::string_view text) : text_(text) {}

  std::optional<std::string_view> next() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == ',' || text_[at_] == '\t'))
      ++at_;
    if (at_ >= text_.size()) return std::nullopt;
    const std::size_t begin = at_;
    while (at_ < text_.size() && text_[at_] != ' ' && text_[at_] != ',' && text_[at_] != '\t')
      ++at_;
    return text_.substr(begin, at_ - begin);
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

std::optional<int> number(std::string_view digits, std::size_t min_size, std::size_t max_size) {
  if (digits.size() < min_size || digits.size() > max_size) return std::nullopt;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool all_letters(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<unsigned> month_number(std::string_view name) {
  if (name.size() < 3) return std::nullopt;
  const std::string lower = text::ascii_lower(name);
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    if (lower.starts_with(kMonths[m])) return static_cast<unsigned>(m + 1);
  return std::nullopt;
}

// "+0200", "-05:00", "+02", "+2"; nullopt when it is not a numeric offset.
std::optional<int> numeric_offset(std::string_view zone) {
  if (zone.size() < 2 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  const int sign = zone[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : zone.substr(1))
    if (c != ':') digits += c;
  if (digits.size() == 1) digits.insert(0, "0");  // "GMT+2"
  if (digits.size() == 2) digits += "00";
  const auto hhmm = number(digits, 4, 4);
  if (!hhmm || *hhmm / 100 > 14 || *hhmm % 100 > 59) return std::nullopt;
  return sign * (*hhmm / 100 * 60 + *hhmm % 100);
}

std::optional<FeedDate> parse_rfc822(std::string_view text) {
  Fields fields(text);
  auto field = fields.next();
  if (field && all_letters(*field)) field = fields.next();  // the weekday, never checked
  if (!field) return std::nullopt;
  const auto day = number(*field, 1, 2);
  const auto month_field = fields.next();
  const auto year_field = fields.next();
  if (!day || !month_field || !year_field) return std::nullopt;
  const auto month = month_number(*month_field);
  auto year = number(*year_field, 2, 4);
  if (!month || !year || year_field->size() == 3) return std::nullopt;
  if (year_field->size() == 2) *year += *year < 50 ? 2000 : 1900;

  int hour = 0, minute = 0, second = 0;
  std::optional<std::string_view> zone;
  if (const auto time = fields.next()) {
    std::array<int, 3> hms{};
    std::size_t parts = 0;
    std::string_view rest = *time;
    while (!rest.empty() && parts < 3) {
      const auto colon = rest.find(':');
      const auto part = number(rest.substr(0, colon), 1, 2);
      if (!part) return std::nullopt;
      hms[parts++] = *part;
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
    if (parts < 2 || !rest.empty()) return std::nullopt;
    hour = hms[0];
    minute = hms[1];
    second = hms[2];
    zone = fields.next();
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (!valid_date(*year, *month, static_cast<unsigned>(*day))) return std::nullopt;

  FeedDate date;
  int offset = 0;
  if (!zone) {
    date.zone_assumed = true;
  } else if (auto numeric = numeric_offset(*zone)) {
    offset = *numeric;
  } else {
    std::string name = text::ascii_lower(*zone);
    // "GMT+2" / "UTC+02:00"
    for (std::string_view prefix : {"gmt", "utc"})
      if (name.size() > prefix.size() && name.starts_with(prefix))
        if (auto after = numeric_offset(std::string_view(name).substr(prefix.size()))) {
          offset = *after;
          name = "offset";
        }
    if (name != "offset") {
      date.zone_assumed = true;
      for (const auto& known : kZones)
        if (known.name == name) {
          offset = known.offset_minutes;
          date.zone_assumed = false;
        }
    }
  }
  date.timestamp.utc_seconds = days_from_civil(*year, *month, static_cast<unsigned>(*day)) * 86400 +
                               hour * 3600 + minute * 60 + std::min(second, 59) -
                               static_cast<std::int64_t>(offset) * 60;
  date.timestamp.offset_minutes = offset;
  return date;
}

}  // namespace

std::optional<FeedDate> parse_feed_date(std::string_view raw) {
  const std::string_view text = text::trim(raw);
  if (text.empty()) return std::nullopt;
  if (auto iso = parse_iso8601(text)) return FeedDate{*iso, false};
  return parse_rfc822(text);
}

}  // namespace newsq::indexer
