// Scraped news pages: a list of timestamped briefs, navigation boilerplate and one article.
#include <array>
#include <istream>
#include <optional>
#include <regex>

#include "newsq/indexer/readers.hpp"
#include "newsq/timeutil.hpp"
#include "text.hpp"

namespace newsq::indexer {

namespace {

// Lines that are site navigation, never content. Compared case-insensitively with the trimmed
// line. Kept short on purpose: a false positive drops a real paragraph, so only lines that
// cannot plausibly be a title or a paragraph on their own are listed.
constexpr std::array<std::string_view, 24> kBoilerplateLines = {
    "share",         "share this",      "share this article",
    "tweet",         "print",           "email",
    "read more",     "read also",       "see also",
    "related",       "related news",    "related articles",
    "advertisement", "subscribe",       "newsletter",
    "comments",      "leave a comment", "most read",
    "latest news",   "back to top",     "menu",
    "sign in",       "log in",          "accept cookies"};

// Patterns of boilerplate with a variable part: comment counters and social-network buttons.
// Networks are listed explicitly so that "Share prices fall" or "Follow the money" survive.
const std::regex& boilerplate_pattern() {
  static const std::regex pattern(
      R"(comments? \(\d+\)|\d+ comments?|)"
      R"((follow us|share|share this|share it)( on| via)? )"
      R"((facebook|x|twitter|instagram|linkedin|telegram|youtube|whatsapp|threads|bluesky|)"
      R"(tiktok|reddit|email|rss|google news))",
      std::regex::icase | std::regex::optimize);
  return pattern;
}

// No boilerplate line is longer; and libstdc++'s std::regex recurses once per character it
// repeats over, so a long line (a run of digits for "\d+") must never reach it.
constexpr std::size_t kMaxBoilerplateBytes = 64;

bool is_boilerplate(std::string_view line) {
  if (line.size() > kMaxBoilerplateBytes) return false;
  const std::string lower = text::ascii_lower(line);
  for (auto entry : kBoilerplateLines)
    if (lower == entry) return true;
  return std::regex_match(lower, boilerplate_pattern());
}

struct BriefLine {
  int hour = 0;
  int minute = 0;
  std::string headline;
};

// "- 16:10Spain's investment recovers" (the time glued to the headline, as scraped).
std::optional<BriefLine> parse_brief(std::string_view line) {
  if (!line.starts_with('-')) return std::nullopt;
  line.remove_prefix(1);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t hour_digits = 0;
  while (hour_digits < line.size() && hour_digits < 3 && digit(line[hour_digits])) ++hour_digits;
  if (hour_digits < 1 || hour_digits > 2) return std::nullopt;
  if (line.size() < hour_digits + 3 || line[hour_digits] != ':' || !digit(line[hour_digits + 1]) ||
      !digit(line[hour_digits + 2]))
    return std::nullopt;
  BriefLine brief;
  brief.hour = std::stoi(std::string(line.substr(0, hour_digits)));
  brief.minute = (line[hour_digits + 1] - '0') * 10 + (line[hour_digits + 2] - '0');
  if (brief.hour > 23 || brief.minute > 59) return std::nullopt;
  brief.headline = text::collapse_spaces(line.substr(hour_digits + 3));
  if (brief.headline.empty()) return std::nullopt;
  return brief;
}

// The article being read: its title line and its paragraphs so far.
struct PendingArticle {
  std::string title;
  std::size_t line = 0;
  std::string body;
};

}  // namespace

void read_page(std::istream& in, const std::string& name, const ReadOptions& options,
               RecordSink& sink) {
  // Checked before reading so that a wrong --date/--tz fails the job instead of every record.
  std::optional<Timestamp> page_start;
  // The article's time is unknown: noon keeps it on the page's day in UTC too (for every zone
  // within ±11 h), so date filters and the day histogram put it where the page says.
  if (options.date) page_start = local_to_timestamp(*options.date, 12, 0, options.zone);

  std::optional<PendingArticle> article;
  bool any_record = false;
  const auto emit_article = [&] {
    if (!article) return;
    Article record;
    record.title = std::move(article->title);
    record.body = std::move(article->body);
    record.published = page_start;
    record.source = options.source;
    record.kind = "article";
    sink.on_article(std::move(record), article->line);
    any_record = true;
    article.reset();
  };

  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    text::normalise_line(line, line_number == 1);
    if (text::replace_invalid_utf8(line))
      sink.on_problem({name, line_number, "invalid UTF-8 replaced", Severity::warning});
    const std::string_view content = text::trim(line);
    if (content.empty() || is_boilerplate(content)) continue;

    if (auto brief = parse_brief(content)) {
      emit_article();  // a brief list ends the article before it
      Article record;
      record.title = std::move(brief->headline);
      if (options.date)
        record.published =
            local_to_timestamp(*options.date, brief->hour, brief->minute, options.zone);
      record.source = options.source;
      record.kind = "brief";
      sink.on_article(std::move(record), line_number);
      any_record = true;
    } else if (!article) {
      article = PendingArticle{text::collapse_spaces(content), line_number, {}};
    } else {
      if (!article->body.empty()) article->body += "\n\n";
      article->body += content;
    }
  }
  emit_article();

  if (any_record && !options.date)
    sink.on_problem({name, 0, "no --date given: the page's records have no publication date",
                     Severity::warning});
}

}  // namespace newsq::indexer
