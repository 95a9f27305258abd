// The input formats newsq-index reads. Every reader takes a stream of already-decompressed bytes
// and a display name, and pushes Articles and Problems into a RecordSink. A bad record is
// reported and skipped; reading always continues with the next one. Invalid UTF-8 is replaced by
// U+FFFD with a warning (one per record), so a stray byte never costs a record.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "newsq/indexer/problem.hpp"

namespace newsq::indexer {

enum class Format {
  jsonl,  ///< JSON Lines: one article_from_json() record a line
  page,   ///< a scraped news page: timestamped brief lines, one article (title + paragraphs)
  sgml,   ///< Reuters-21578 SGML: one record per <REUTERS> element
  feed,   ///< an RSS (0.9x, 1.0, 2.0) or Atom feed: one record per <item> / <entry>
};

/// "jsonl" | "page" | "sgml" | "feed". Throws Error(bad_parameter) naming the text otherwise.
Format parse_format(std::string_view text);

/// The name of a format, as parse_format() accepts it.
std::string_view to_string(Format format) noexcept;

/// The format a file name implies, after dropping a trailing ".xz": ".jsonl", ".ndjson" and
/// ".json" are JSON Lines, ".sgm"/".sgml" Reuters SGML, ".txt"/".page" scraped pages, ".rss",
/// ".atom" and ".xml" feeds (case-insensitive). nullopt for any other name.
std::optional<Format> format_for_path(std::string_view path);

/// The format of an unnamed input (standard input without --format) from its first bytes:
/// a feed when, after a byte-order mark and whitespace, it starts with '<' and its head holds
/// "<rss", "<feed" or "<rdf:RDF"; Reuters SGML when it holds "<REUTERS"; JSON Lines otherwise
/// (a JSON record never starts with '<', so JSON input is never mistaken).
Format sniff_format(std::string_view head);

/// Options shared by the readers; each reader uses the ones that make sense for its format.
struct ReadOptions {
  /// page: the page's day, "YYYY-MM-DD". Without it page records have no date (one warning per
  /// page says so).
  std::optional<std::string> date;
  /// page: the IANA zone ("Europe/Madrid") the page's wall-clock times are in. Default UTC.
  std::string zone = "UTC";
  /// The source (publication) of the records. page: always used. jsonl: used for records that
  /// name none. sgml: replaces the default "reuters" when set.
  std::string source;
};

/// Reads JSON Lines. Blank lines are skipped. Each other line must be a JSON object that
/// article_from_json() accepts; otherwise an error "invalid JSON: ..." or article_from_json()'s
/// message is reported at that line.
void read_jsonl(std::istream& in, const std::string& name, const ReadOptions& options,
                RecordSink& sink);

/// Reads a scraped news page (the format of data/seed/):
///  - a line "- HH:MMHeadline" (the time glued to the headline) is a brief of kind "brief" dated
///    options.date at HH:MM in options.zone, stored in UTC with the zone's offset kept;
///  - navigation boilerplate ("Follow us on Facebook", "Comments (0)", "Share", ... see
///    page_boilerplate.cpp for the list) is dropped;
///  - any other non-empty line starts an article (kind "article"): it is the title, and the
///    following non-empty lines are its body paragraphs (joined by blank lines). The article is
///    dated options.date at 12:00 local time. It ends at the next brief line or at the end of the
///    page, so a page whose articles are separated by brief lists yields several articles; two
///    articles that follow each other directly cannot be told from paragraphs and stay one.
/// Throws Error(bad_parameter) when options.date/zone are not a valid day/zone.
void read_page(std::istream& in, const std::string& name, const ReadOptions& options,
               RecordSink& sink);

/// Reads Reuters-21578 SGML. Each <REUTERS> element becomes an Article:
///  id "reuters-NEWID"; title from <TITLE>; body from <BODY>, or for records without one
///  (TYPE="BRIEF", TYPE="UNPROC") the text of <TEXT> with its tags stripped (the corpus's
///  "Blah blah blah." placeholder of briefs is dropped); the closing "Reuter" sign-off removed;
///  published from <DATE> ("26-FEB-1987 15:01:01.79", UTC); topics from <TOPICS>; PLACES,
///  PEOPLE, ORGS, EXCHANGES (when not empty) and the dateline kept in `extra` ("places", ...);
///  authors from <AUTHOR>; source "reuters"; kind "brief" for TYPE="BRIEF", else "article";
///  lang "en". Entities (&lt; &gt; &amp; &#N;) are decoded and control characters dropped.
/// An unparseable DATE is a warning (record kept undated). A record with neither title nor text
/// is kept with a warning: it is part of the archive (NEWID 12793 is one), unlike an empty JSON
/// record, which is rejected. A record cut off by the end of the input or by the next <REUTERS>
/// is an error at the line it starts on.
void read_sgml(std::istream& in, const std::string& name, const ReadOptions& options,
               RecordSink& sink);

/// Reads an RSS or Atom feed (the whole input is one XML document, parsed with pugixml). Each
/// RSS <item> (RSS 2.0, 0.91/0.92 and RSS 1.0/RDF) or Atom <entry> becomes an Article of kind
/// "article":
///  - title: <title> (RSS: HTML-decoded, tags stripped; Atom: by its type text/html/xhtml);
///  - url: RSS <link>, else a permalink <guid>, else rdf:about; Atom <link rel="alternate"> (or
///    without rel), else the first <link>'s href. Relative links are resolved against xml:base or
///    the channel's link;
///  - id: <guid> / Atom <id>; else derive_id() (from the url, else title and date);
///  - published: <pubDate> (RFC 822 with zones, see feed_date.hpp) or <dc:date>; Atom <published>,
///    else <updated> (ISO-8601). A missing, unparseable or zone-less date is a warning (record
///    kept undated, or UTC assumed);
///  - body: <content:encoded> (RSS) / <content> (Atom) as text, else the description/summary;
///    summary: the description/summary when the body is the content and does not start with it.
///    HTML is turned into text by html::to_text (tags removed, entities decoded, block elements
///    as paragraphs, script/style dropped);
///  - topics: <category> (RSS text, Atom term) and <dc:subject>; authors: <dc:creator>, else
///    <author> ("mail (Name)" -> "Name"); Atom <author><name>, else the feed's authors;
///  - source: options.source, else the channel's title; lang: <dc:language>/xml:lang of the
///    item, else the channel's <language> / xml:lang ("en-us" -> "en"), else "en".
/// An item with neither title nor text is an error at its line. A document whose root is not
/// <rss>, <feed> or <rdf:RDF> is one error. A malformed document is reported at the line of the
/// parse error ("malformed XML: ..."): the items that ended before the error are kept, the item
/// the error falls in is lost, and reading resumes at the next item (see feed_reader.cpp).
/// Documents declared ISO-8859-1 or Windows-1252 are decoded as Windows-1252.
void read_feed(std::istream& in, const std::string& name, const ReadOptions& options,
               RecordSink& sink);

/// Dispatches to the reader of `format`.
void read_records(Format format, std::istream& in, const std::string& name,
                  const ReadOptions& options, RecordSink& sink);

}  // namespace newsq::indexer
