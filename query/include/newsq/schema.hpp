// newsq's one schema: every term prefix, value slot and metadata key, defined once and used by
// the indexer and the searcher alike. Prefixes follow Omega's conventions (docs/termprefixes.rst)
// where one exists; newsq's own begin with 'X'. Changing anything here that changes what is stored
// means bumping kSchemaVersion: an index of another version refuses to open.
#pragma once

#include <string>
#include <string_view>

namespace newsq::schema {

/// Stored in the database metadata under kMetaSchemaVersion; checked on every open.
/// 2: stored records packed with zstd (stored_record.hpp); 1 stored plain JSON.
inline constexpr int kSchemaVersion = 2;

// ---- Term prefixes ---------------------------------------------------------------------------
inline constexpr std::string_view kPrefixId = "Q";        ///< unique id (boolean), Omega's Q
inline constexpr std::string_view kPrefixTitle = "S";     ///< title words (free text), Omega's S
inline constexpr std::string_view kPrefixTopic = "K";     ///< topic (boolean, folded), Omega's K
inline constexpr std::string_view kPrefixSource = "XS";   ///< source / publication (boolean)
inline constexpr std::string_view kPrefixKind = "XK";     ///< "article" or "brief" (boolean)
inline constexpr std::string_view kPrefixLang = "L";      ///< ISO 639-1 language, Omega's L
inline constexpr std::string_view kPrefixAuthor = "A";    ///< author (boolean, folded), Omega's A
inline constexpr std::string_view kPrefixDay = "D";       ///< YYYYMMDD (UTC), Omega's D
inline constexpr std::string_view kPrefixMonth = "M";     ///< YYYYMM (UTC), Omega's M
inline constexpr std::string_view kPrefixYear = "Y";      ///< YYYY (UTC), Omega's Y

// ---- Value slots -----------------------------------------------------------------------------
inline constexpr unsigned kSlotPublished = 0;  ///< sortable_serialise(UTC seconds); empty: no date
inline constexpr unsigned kSlotDay = 1;        ///< "YYYYMMDD" (UTC), for the date histogram
inline constexpr unsigned kSlotTopics = 2;     ///< folded topics joined by '\x1f', for facets
inline constexpr unsigned kSlotSource = 3;     ///< folded source
inline constexpr unsigned kSlotCollapse = 4;   ///< near-duplicate key (query/src/fingerprint.hpp)
inline constexpr unsigned kSlotKind = 5;       ///< "article" or "brief"

/// Separator of the values in kSlotTopics (a control character no folded topic contains).
inline constexpr char kListSeparator = '\x1f';

// ---- Metadata keys ---------------------------------------------------------------------------
inline constexpr std::string_view kMetaSchemaVersion = "newsq.schema_version";
inline constexpr std::string_view kMetaLastUpdate = "newsq.last_update";  ///< ISO-8601 UTC

// ---- Weighting at index time ------------------------------------------------------------------
/// Title words are indexed with the S prefix (wdf 1) and, unprefixed, with this wdf increment so
/// that a match in the title counts more than one in the body.
inline constexpr unsigned kTitleWeight = 3;

/// The unique-id term of an article id.
std::string id_term(std::string_view id);

/// The boolean filter term for a value of a boolean field ("K" + folded topic, ...).
/// `prefix` is one of the boolean prefixes above; the value is already folded by the Analyzer.
std::string boolean_term(std::string_view prefix, std::string_view folded_value);

/// Xapian's maximum term length is 245 bytes; longer boolean values are cut (at a UTF-8
/// boundary) so indexing never fails on a silly topic or id.
inline constexpr std::size_t kMaxTermBytes = 240;

}  // namespace newsq::schema
