// The search API shared by the `newsq` CLI and `newsq-server`. No Xapian types appear here: the
// implementation sits behind a pimpl, so the server's headers stay free of them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "newsq/article.hpp"

namespace newsq {

enum class SortOrder {
  relevance,  ///< text relevance blended with recency (the default; see Recency)
  date,       ///< newest first, text relevance breaking ties
  text,       ///< text relevance alone (IneB2 with the phrase and typed-spelling boosts)
};
enum class DateBucket { day, month, year };
enum class MatchMode {
  all,  ///< every word must match; falls back to `any` when that finds nothing (default)
  any,  ///< any word may match, ranked by text relevance
};

/// Caps enforced by the searcher whatever the caller asks.
inline constexpr std::size_t kMaxLimit = 100;
inline constexpr std::size_t kMaxOffset = 100000;
inline constexpr std::size_t kMaxQueryBytes = 2048;
inline constexpr unsigned kMaxWildcardExpansion = 100;
/// sort=relevance re-ranks this many of the best text matches by the blended score; hits past
/// it keep their text order (the "rescore window" of other engines), so pages of ten are
/// blended down to the fifth, and a page never changes with the pages before it. The window
/// costs: Xapian prunes less when asked for 50 matches than for 10 (about +15% per query on
/// Reuters; bench/micro's Search/words against Search/words_sort_text).
inline constexpr std::size_t kRecencyWindow = 50;

/// How sort=relevance blends recency into text relevance. Within the rescore window a hit scores
///   (1 - weight) * text / best_text + weight * 0.5 ^ (age / half_life)
/// where text is its IneB2 score, best_text the best in the window, and age its publication time's
/// distance before `now` (0 for stories dated after it; undated stories get no recency at all).
struct Recency {
  double weight = 0.2;             ///< 0 = text only, 1 = date only; in [0, 1]
  double half_life_days = 30;      ///< a story this old gets half the recency of a fresh one; > 0
  /// The reference time (UTC seconds). Unset: the newest story's publication time, which suits
  /// archives and, for a live site, is within minutes of the clock anyway.
  std::optional<std::int64_t> now;
};

struct SearchRequest {
  std::string query;                 ///< Xapian query syntax; empty matches every document
  std::vector<std::string> topics;   ///< filter: any of these topics (OR)
  std::vector<std::string> sources;  ///< filter: any of these sources (OR)
  std::vector<std::string> kinds;    ///< filter: "article" and/or "brief"
  std::optional<std::int64_t> from;  ///< filter: published at or after (UTC seconds)
  std::optional<std::int64_t> to;    ///< filter: published at or before (UTC seconds)
  SortOrder sort = SortOrder::relevance;
  Recency recency;                   ///< used by SortOrder::relevance only
  MatchMode match = MatchMode::all;
  std::size_t offset = 0;
  std::size_t limit = 10;            ///< at most kMaxLimit
  bool facet_topics = false;
  std::optional<DateBucket> facet_date;
  std::size_t facet_size = 20;       ///< topic buckets returned, most frequent first
  bool exact = false;                ///< count every match (exact total and facet counts)
  bool snippets = true;
  /// Fold near-duplicates (stories sharing a collapse key: the same wire story republished or
  /// lightly edited) into one hit, the best-ranked; Hit::collapsed counts the others.
  bool collapse = true;
  std::string lang = "en";           ///< language of the query, for stemming
};

struct Hit {
  std::string id;
  std::string title;  ///< display title (first words of the text for untitled briefs)
  std::string url;
  std::optional<Timestamp> published;
  std::vector<std::string> topics;
  std::string source;
  std::string kind;
  std::string snippet;  ///< HTML-escaped, matches wrapped in <mark>...</mark>
  double score = 0;  ///< what ranked the hit: the blended score for sort=relevance, else IneB2
  std::uint64_t collapsed = 0;  ///< near-duplicates folded into this hit (at least this many)
};

struct FacetCount {
  std::string value;
  std::uint64_t count = 0;
};

struct SearchResult {
  std::string query;
  std::uint64_t total = 0;
  bool total_exact = false;
  std::vector<Hit> hits;
  std::vector<FacetCount> topic_facets;  ///< most frequent first
  std::vector<FacetCount> date_facets;   ///< bucket ("2025-01-30", "2025-01", "2025"), ascending
  bool facet_topics = false;             ///< whether the facets were asked for (for JSON)
  bool facet_date = false;
  std::optional<std::string> suggestion;  ///< "did you mean", when the index knows better words
  /// The query as typed matched nothing, so the hits are those of `suggestion` ("showing
  /// results for"); the JSON field "corrected" says so.
  bool corrected = false;
  /// Shards of a sharded index that did not answer, when its map allows partial answers
  /// (docs/sharding.md): the hits, total and facets are those of the other shards only.
  /// JSON: "partial": true and "shards_missing": N.
  std::size_t shards_missing = 0;
};

/// Stories related to one story, found by Xapian's relevance feedback (see Searcher::related).
struct RelatedRequest {
  std::string id;         ///< the story
  std::size_t limit = 10; ///< at most kMaxLimit
  bool snippets = true;
  bool collapse = true;   ///< fold near-duplicates among the related stories too
};

/// One search-box completion.
struct Suggestion {
  std::string text;        ///< the whole query to offer: the words typed, the last completed
  std::string kind;        ///< "title" (a word of story titles) or "topic"
  std::uint64_t count = 0; ///< stories with that word in the title, or in that topic
};

/// Suggestions favour what is in the news now: a story of the last kSuggestRecentDays days
/// before the newest story counts five times.
inline constexpr int kSuggestRecentDays = 30;
inline constexpr std::size_t kMaxSuggestions = 20;

struct IndexStats {
  std::string path;
  std::uint64_t documents = 0;
  std::uint64_t revision = 0;
  std::string last_update;  ///< ISO-8601 UTC, empty if never written by newsq
  int schema_version = 0;
};

/// The bytes of the index at `index_path` on disk: a directory's files, or for a stub file
/// ("auto DIR" lines: a generation, a shard map) the databases it names. Remote shards count
/// nothing. Walks the directories, so it is for reports, never for a request path.
std::uint64_t index_disk_bytes(const std::string& index_path);

/// One reader of one index. Not thread-safe: give each thread its own Searcher.
class Searcher {
 public:
  /// Opens the index read-only. Throws Error(index_missing) when there is none at `index_path`,
  /// Error(schema_mismatch) when it was written by another schema version, and
  /// Error(index_unavailable) when it cannot be opened.
  explicit Searcher(const std::string& index_path);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  /// Runs a search. Throws Error(bad_query) for a query Xapian cannot parse or that is too long,
  /// Error(bad_parameter) for an out-of-range request field.
  SearchResult search(const SearchRequest& request);

  /// The stored article with this id, or nullopt.
  std::optional<Article> get(const std::string& id);

  /// Stories about the same thing as story `request.id`: the most telling words of that story
  /// (Xapian's expand set over it as the one relevant document) searched as one query, ranked
  /// by text relevance. The story itself and its near-duplicates (same collapse key) are left
  /// out. Throws Error(not_found) when no story has that id.
  SearchResult related(const RelatedRequest& request);

  /// Completions of the last word of `prefix` for a search box: title words and topics that
  /// start with it, ranked by how many stories have them, a story of the last
  /// kSuggestRecentDays days (before the newest story) counting five times. Words before the
  /// last are kept as typed. An empty list when the last word is shorter than two characters
  /// or `prefix` ends with a space. Throws Error(bad_parameter) for a prefix over
  /// kMaxQueryBytes or a limit over kMaxSuggestions.
  std::vector<Suggestion> suggest(std::string_view prefix, std::size_t limit = 8);

  /// What this reader sees: documents, revision, last update and schema version, read from
  /// the open databases (no disk walk: the server's /healthz asks for it on every probe).
  IndexStats stats();

  /// Picks up commits made since the index was opened (cheap when nothing changed).
  /// Returns true when the reader moved to a newer revision.
  bool refresh();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The JSON shape shared by `newsq --json` and GET /search:
/// {"query", "total":{"value","exact"}, "hits":[{"id","title","url","published","topics","source",
///  "kind","snippet","score"}], "facets":{"topic":[{"value","count"}],"date":[{"bucket","count"}]},
///  "suggestion", "corrected"}. Facet keys are present only when asked for; suggestion is null when none.
nlohmann::json to_json(const SearchResult& result);
/// The same, moving the hits' strings out of `result` instead of copying them.
nlohmann::json to_json(SearchResult&& result);

/// {"query", "suggestions":[{"text","kind","count"}]}: GET /suggest and `newsq --suggest --json`.
nlohmann::json to_json(std::string_view query, const std::vector<Suggestion>& suggestions);

/// Reads back what to_json(SearchResult) wrote (used by `newsq --server`).
/// Throws Error(bad_parameter) when the JSON does not have that shape.
SearchResult search_result_from_json(const nlohmann::json& json);

/// Parsing of request parameters shared by the CLI and the HTTP API; each throws
/// Error(bad_parameter) with a message that names the bad value.
SortOrder parse_sort(std::string_view text);      ///< "relevance" | "date" | "text"
MatchMode parse_match(std::string_view text);     ///< "all" | "any"
DateBucket parse_date_bucket(std::string_view text);  ///< "day" | "month" | "year"
/// "topic,date:month" -> facet_topics = true, facet_date = month. "date" alone means by day.
void parse_facets(std::string_view text, SearchRequest& request);
std::size_t parse_count(std::string_view text, std::string_view name, std::size_t max);

}  // namespace newsq
