#include "newsq/searcher.hpp"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <queue>
#include <sstream>
#include <unordered_map>

#include "facets.hpp"
#include "newsq/analysis.hpp"
#include "newsq/document.hpp"
#include "newsq/errors.hpp"
#include "newsq/schema.hpp"
#include "published_range.hpp"
#include "query_text.hpp"
#include "ranking.hpp"
#include "snippet.hpp"

namespace newsq {

namespace fs = std::filesystem;

namespace {

/// Facet counts look at no fewer than this many matches unless the caller asks for exact counts:
/// enough for the counts to be right for most searches without scoring every match of a
/// one-word query over a large archive.
constexpr Xapian::doccount kFacetSampleSize = 1000;

/// Related stories are searched with this many of the story's most telling words.
constexpr Xapian::termcount kRelatedTerms = 20;

/// Suggestions: at most this many terms are read per prefix, the most frequent of them (four
/// times as many after other words) are counted again in context and for recent use, and each
/// count is exact up to this many stories.
constexpr std::size_t kSuggestScan = 5000;
constexpr std::size_t kSuggestRescored = 24;
constexpr Xapian::doccount kSuggestCheck = 200;

/// The expand set's candidates: free-text words that some other story has too. Filter terms
/// (Q, K, XS... all start with a capital), title-prefixed copies (S) and stems (Z) are left out,
/// as are one-letter words and numbers, which say nothing about what a story is about, and words
/// of this story alone, which could find nothing else.
class SharedFreeTextWords : public Xapian::ExpandDecider {
 public:
  explicit SharedFreeTextWords(const Xapian::Database& db) : db_(db) {}
  bool operator()(const std::string& term) const override {
    if (term.size() < 2) return false;
    const auto first = static_cast<unsigned char>(term[0]);
    if (first >= 'A' && first <= 'Z') return false;
    if (term.find_first_not_of("0123456789.,") == std::string::npos) return false;
    return db_.get_termfreq(term) >= 2;
  }

 private:
  const Xapian::Database& db_;
};

/// `topic:Économie` → the boolean term "K" + folded value, so filters typed in the search box
/// match however they are cased or accented.
class BooleanFieldProcessor : public Xapian::FieldProcessor {
 public:
  BooleanFieldProcessor(const Analyzer& analyzer, std::string_view prefix, bool fold)
      : analyzer_(analyzer), prefix_(prefix), fold_(fold) {}

  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(
        schema::boolean_term(prefix_, fold_ ? analyzer_.fold_value(value) : value));
  }

 private:
  const Analyzer& analyzer_;
  std::string prefix_;
  bool fold_;
};

Xapian::Query any_of(std::string_view prefix, const std::vector<std::string>& values,
                     const Analyzer& analyzer, bool fold) {
  std::vector<Xapian::Query> terms;
  for (const auto& value : values)
    terms.emplace_back(schema::boolean_term(prefix, fold ? analyzer.fold_value(value) : value));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

// The bytes of an index on disk. A Xapian stub file ("auto DIR" lines, as generation-managed
// indexes use) counts the databases it names, relative paths taken from the stub's directory.
std::uint64_t disk_bytes(const fs::path& path) {
  std::uint64_t size = 0;
  std::error_code error;
  if (fs::is_regular_file(path, error)) {
    std::ifstream stub(path);
    std::string line;
    while (std::getline(stub, line)) {
      if (line.rfind("auto ", 0) != 0) continue;
      const fs::path target = line.substr(5);
      size += disk_bytes(target.is_absolute() ? target : path.parent_path() / target);
    }
    return size;
  }
  for (const auto& entry : fs::recursive_directory_iterator(path, error))
    if (entry.is_regular_file(error)) size += entry.file_size(error);
  return size;
}

/// Remote-shard timeouts used when the shard map has no sidecar saying otherwise. Xapian's own
/// defaults (10 s each) would hold a search request far longer than a reader waits.
constexpr unsigned kDefaultRemoteTimeoutMs = 5000;
constexpr unsigned kDefaultConnectTimeoutMs = 2000;

/// One database a shard map names, opened on its own so that its metadata and revision can be
/// read (a multi-database answers get_metadata() from its first shard only and refuses
/// get_revision()).
struct Shard {
  std::string line;  ///< the stub line, for messages
  bool remote = false;
  Xapian::Database db;
};

/// How long a partial answer lasts before the missing shards are tried again.
constexpr unsigned kDefaultShardRetryMs = 10000;

struct ShardConfig {
  unsigned timeout_ms = kDefaultRemoteTimeoutMs;
  unsigned connect_timeout_ms = kDefaultConnectTimeoutMs;
  /// "on_shard_down": "partial" answers from the shards that respond, flagged as partial;
  /// "fail" (the default) refuses the search with index_unavailable (HTTP 503).
  bool partial = false;
  unsigned retry_ms = kDefaultShardRetryMs;  ///< "shard_retry_ms"
};

// "MAP.shards.json" beside a shard map may set "remote_timeout_ms", "connect_timeout_ms",
// "on_shard_down" and "shard_retry_ms". They live there, not in the map, because Xapian 1.4's
// stub syntax has no such fields ("remote HOST:PORT" always uses the 10 s defaults), and
// newsq-index shard keeps the sharding scheme in the same file.
ShardConfig shard_config(const fs::path& map) {
  ShardConfig settings;
  std::ifstream in(map.string() + ".shards.json");
  if (!in) return settings;
  const nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object()) return settings;
  const auto number = [&](const char* key, unsigned& out) {
    if (config.contains(key) && config[key].is_number_unsigned()) out = config[key].get<unsigned>();
  };
  number("remote_timeout_ms", settings.timeout_ms);
  number("connect_timeout_ms", settings.connect_timeout_ms);
  number("shard_retry_ms", settings.retry_ms);
  if (config.contains("on_shard_down")) {
    const auto& policy = config["on_shard_down"];
    if (policy != "partial" && policy != "fail")
      throw Error(ErrorCode::index_unavailable,
                  "'" + map.string() + ".shards.json': on_shard_down must be \"fail\" or "
                  "\"partial\", not " + policy.dump());
    settings.partial = policy == "partial";
  }
  return settings;
}

std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One line of a stub file, opened.
Shard open_shard(const fs::path& stub, const std::string& line, const ShardConfig& timeouts) {
  const std::size_t space = line.find(' ');
  const std::string type = line.substr(0, space);
  const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
  Shard shard;
  shard.line = line;
  if ((type == "auto" || type == "glass") && !rest.empty()) {
    const fs::path target = rest;
    shard.db =
        Xapian::Database((target.is_absolute() ? target : stub.parent_path() / target).string());
  } else if (type == "remote" && !rest.empty() && rest[0] == ':') {
    const std::size_t args = rest.find(' ');
    shard.remote = true;
    shard.db = Xapian::Remote::open(rest.substr(1, args == std::string::npos ? args : args - 1),
                                    args == std::string::npos ? "" : rest.substr(args + 1),
                                    timeouts.timeout_ms);
  } else if (type == "remote" && rest.rfind(':') != std::string::npos && rest[0] != '[') {
    const std::size_t colon = rest.rfind(':');
    shard.remote = true;
    shard.db = Xapian::Remote::open(rest.substr(0, colon),
                                    static_cast<unsigned>(std::stoul(rest.substr(colon + 1))),
                                    timeouts.timeout_ms, timeouts.connect_timeout_ms);
  } else {
    throw Error(
        ErrorCode::index_unavailable,
        "cannot open the index at '" + stub.string() + "': unsupported shard map line '" + line +
            "' (newsq reads auto PATH, glass PATH, remote HOST:PORT, remote :PROGRAM ARGS)");
  }
  return shard;
}

// Opens every database a Xapian stub file names, following Xapian 1.4's stub syntax
// (backends/dbfactory.cc): "auto|glass PATH" (relative to the stub's directory), "remote
// HOST:PORT" (TCP, xapian-tcpsrv) and "remote :PROGRAM ARGS"; blank lines and '#' comments are
// skipped. newsq parses it itself only to give remote shards our timeouts (the stub syntax has
// none) and to keep one handle per shard; what it opens is what Xapian would. With `missing`, a
// remote shard that cannot be reached is left out and its line recorded there.
std::vector<Shard> open_stub(const fs::path& stub, const std::string& text,
                             const ShardConfig& timeouts, std::vector<std::string>* missing) {
  std::vector<Shard> shards;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    try {
      Shard shard = open_shard(stub, line, timeouts);
      // The schema check reads metadata: a shard that dies there is as unreachable as one that
      // refused the connection.
      if (missing && shard.remote)
        (void)shard.db.get_metadata(std::string(schema::kMetaSchemaVersion));
      shards.push_back(std::move(shard));
    } catch (const Xapian::NetworkError&) {
      if (!missing || line.rfind("remote ", 0) != 0) throw;
      missing->push_back(line);
    }
  }
  return shards;
}

void check_at_most(std::string_view name, std::size_t value, std::size_t max) {
  if (value > max)
    throw Error(ErrorCode::bad_parameter, std::string(name) + " " + std::to_string(value) +
                                              " is too large (at most " + std::to_string(max) +
                                              ")");
}

void check_query_length(std::string_view query) {
  if (query.size() > kMaxQueryBytes)
    throw Error(ErrorCode::bad_query, "the query is too long (" + std::to_string(query.size()) +
                                          " bytes; at most " + std::to_string(kMaxQueryBytes) +
                                          ")");
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// Parsed query text: the words (what must match) and an optional boost (what ranks higher).
struct TextQuery {
  Xapian::Query words;
  Xapian::Query boost;  ///< empty when none
  /// Whether ranking the words and the boost apart is worth its second run (see execute()).
  bool split = false;
  /// The one query that means the same: the words, with the boost's weight where it matches.
  Xapian::Query combined() const {
    return boost.empty() ? words : Xapian::Query(Xapian::Query::OP_AND_MAYBE, words, boost);
  }
};

}  // namespace

struct Searcher::Impl {
  std::string path;
  Analyzer analyzer;
  Xapian::Database db;
  BooleanFieldProcessor topic{analyzer, schema::kPrefixTopic, true};
  BooleanFieldProcessor source{analyzer, schema::kPrefixSource, true};
  BooleanFieldProcessor author{analyzer, schema::kPrefixAuthor, true};
  BooleanFieldProcessor kind{analyzer, schema::kPrefixKind, true};
  BooleanFieldProcessor lang{analyzer, schema::kPrefixLang, true};
  BooleanFieldProcessor id{analyzer, schema::kPrefixId, false};
  RecordCodec records;  ///< unpacks the stored records of hits
  /// Publication times by document id, per local database, for date ranges (see filters()).
  PublishedColumns published;

  /// The databases searched, one per shard (one in all for a plain directory).
  std::vector<Shard> shards;
  /// The shard map's text when `path` is a stub file: refresh() reopens everything when it
  /// changes (a shard added, a generation switched), since Database::reopen() keeps the
  /// databases it was opened on.
  std::string stub_text;
  /// A remote shard failed mid-session: the connection is unusable, so the next call opens
  /// everything again (and fails with index_unavailable while the shard stays down, unless the
  /// map allows partial answers).
  bool broken = false;
  /// The shard map's settings (remote timeouts, what to do when a shard is down).
  ShardConfig config;
  /// Shards left out of a partial answer (on_shard_down = partial), and when to try them again.
  std::vector<std::string> missing;
  std::chrono::steady_clock::time_point retry_at{};

  explicit Impl(std::string index_path) : path(std::move(index_path)) { open(); }

  void open() {
    if (!fs::exists(path))
      throw Error(ErrorCode::index_missing, "no index at '" + path +
                                                "' (create one with `newsq-index --index " + path +
                                                " add FILE...`)");
    std::vector<Shard> opened;
    std::string text;
    try {
      if (fs::is_regular_file(path)) {
        text = read_whole_file(path);
        config = shard_config(path);
        missing.clear();
        try {
          opened = open_stub(path, text, config, nullptr);
        } catch (const Xapian::NetworkError&) {
          if (!config.partial) throw;
          opened = open_stub(path, text, config, &missing);
          retry_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(config.retry_ms);
          if (opened.empty())
            throw Error(ErrorCode::index_unavailable,
                        "no shard of '" + path + "' is reachable");
        }
        if (opened.empty())
          throw Error(ErrorCode::index_missing, "the shard map '" + path + "' names no database");
      } else {
        opened.push_back({path, false, Xapian::Database(path)});
        // A replica kept by xapian-replicate is a directory whose XAPIANDB stub names the live
        // copy; a full copy switches it, which Database::reopen() does not follow.
        if (fs::is_regular_file(fs::path(path) / "XAPIANDB"))
          text = read_whole_file(fs::path(path) / "XAPIANDB");
      }
    } catch (const Xapian::DatabaseNotFoundError& error) {
      throw Error(ErrorCode::index_missing, "no index at '" + path + "': " + error.get_msg());
    } catch (const Xapian::Error& error) {
      throw Error(ErrorCode::index_unavailable,
                  "cannot open the index at '" + path + "': " + error.get_description());
    }
    // Every shard must carry the schema version: a multi-database would answer get_metadata()
    // from its first shard only, hiding a stale shard behind a current one.
    Xapian::Database all;
    for (const Shard& shard : opened) {
      std::string version;
      try {
        version = shard.db.get_metadata(std::string(schema::kMetaSchemaVersion));
      } catch (const Xapian::Error& error) {
        throw Error(ErrorCode::index_unavailable, "cannot read shard '" + shard.line + "' of '" +
                                                      path + "': " + error.get_description());
      }
      const bool one = opened.size() == 1;
      const std::string where =
          one ? "'" + path + "'" : "shard '" + shard.line + "' of '" + path + "'";
      if (version.empty())
        throw Error(ErrorCode::schema_mismatch,
                    where + " is not a newsq index (it has no schema version)");
      if (version != std::to_string(schema::kSchemaVersion))
        throw Error(ErrorCode::schema_mismatch,
                    (one ? "the index at " : "") + where + " has schema version " + version +
                        " but this newsq reads version " + std::to_string(schema::kSchemaVersion) +
                        ": rebuild it with newsq-index");
      all.add_database(shard.db);
    }
    db = std::move(all);
    shards = std::move(opened);
    published.clear();
    stub_text = std::move(text);
    broken = false;
  }

  /// A remote shard timed out or went away: the error to report (index_unavailable, HTTP 503).
  /// Unless the map says on_shard_down = partial, the whole answer is refused rather than given
  /// from the other shards, because a partial answer ranks and counts as if the missing shard's
  /// stories did not exist; when it is allowed, the answer says it is partial.
  Error shard_down(const Xapian::NetworkError& error) {
    broken = true;
    return Error(ErrorCode::index_unavailable,
                 "a shard of '" + path + "' is unreachable: " + error.get_description());
  }

  /// Reopens everything after a remote failure, before the next call uses the database; after
  /// a partial open, tries the missing shards again once their retry time has come.
  void recover() {
    if (broken || (!missing.empty() && std::chrono::steady_clock::now() >= retry_at)) open();
  }

  /// Runs one read of the index, `what` naming it in messages: retried on a newer revision when
  /// a writer committed twice meanwhile, with Xapian's errors turned into newsq's.
  template <typename Read>
  auto guarded(std::string_view what, Read read) -> decltype(read()) {
    for (int attempt = 0;; ++attempt) {
      try {
        recover();
        return read();
      } catch (const Xapian::DatabaseModifiedError& error) {
        if (attempt >= 3)
          throw Error(ErrorCode::index_unavailable,
                      "the index keeps changing under the " + std::string(what) + ": " +
                          error.get_description());
        db.reopen();
      } catch (const Xapian::QueryParserError& error) {
        throw Error(ErrorCode::bad_query, "cannot parse the query: " + error.get_msg());
      } catch (const Xapian::WildcardError& error) {
        throw Error(ErrorCode::bad_query, "wildcard too broad: " + error.get_msg());
      } catch (const Xapian::NetworkError& error) {
        // With partial answers allowed, the next attempt reopens without the dead shard.
        if (!config.partial || attempt >= 3) throw shard_down(error);
        broken = true;
      } catch (const Xapian::DatabaseError& error) {
        throw Error(ErrorCode::index_unavailable,
                    "cannot read the index: " + error.get_description());
      } catch (const Xapian::Error& error) {
        throw Error(ErrorCode::internal, std::string(what) + " failed: " + error.get_description());
      }
    }
  }

  Xapian::QueryParser parser(const Xapian::Stem& stemmer, Xapian::Query::op default_op) {
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(stemmer);
    qp.set_stemming_strategy(ranking::kQueryStemming);  // as the index
    qp.set_default_op(default_op);
    qp.set_max_expansion(kMaxWildcardExpansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    qp.add_prefix("title", std::string(schema::kPrefixTitle));
    qp.add_boolean_prefix("topic", &topic);
    qp.add_boolean_prefix("source", &source);
    qp.add_boolean_prefix("author", &author);
    qp.add_boolean_prefix("kind", &kind);
    qp.add_boolean_prefix("lang", &lang);
    qp.add_boolean_prefix("id", &id);
    return qp;
  }

  Xapian::Query filters(const SearchRequest& request) {
    std::vector<Xapian::Query> parts;
    if (!request.topics.empty())
      parts.push_back(any_of(schema::kPrefixTopic, request.topics, analyzer, true));
    if (!request.sources.empty())
      parts.push_back(any_of(schema::kPrefixSource, request.sources, analyzer, true));
    if (!request.kinds.empty()) {
      for (const auto& kind_value : request.kinds)
        if (kind_value != "article" && kind_value != "brief")
          throw Error(ErrorCode::bad_parameter,
                      "invalid kind '" + kind_value + "' (expected article or brief)");
      parts.push_back(any_of(schema::kPrefixKind, request.kinds, analyzer, false));
    }
    if (request.from || request.to) parts.push_back(date_range(request.from, request.to));
    return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  }

  /// The stories published in [from, to] (either end open). Local databases check the range
  /// against their in-memory column of publication times (published_range.hpp), many times
  /// cheaper than OP_VALUE_RANGE's reading of each candidate's value, once reading the columns
  /// has paid (PublishedColumns::stale_use()); a remote shard's server knows only Xapian's own
  /// operators, so an index with one uses OP_VALUE_RANGE.
  Xapian::Query date_range(std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
    constexpr double kInfinity = std::numeric_limits<double>::infinity();
    const double low = from ? static_cast<double>(*from) : -kInfinity;
    const double high = to ? static_cast<double>(*to) : kInfinity;
    const bool remote = std::any_of(shards.begin(), shards.end(),
                                    [](const Shard& shard) { return shard.remote; });
    if (!remote) {
      const bool current = std::all_of(shards.begin(), shards.end(), [&](const Shard& shard) {
        return published.current(shard.db);
      });
      if (current || published.stale_use())
        return Xapian::Query((new PublishedRangeSource(published, low, high))->release());
    }
    const auto serialise = [](double t) { return Xapian::sortable_serialise(t); };
    if (from && to)
      return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPublished, serialise(low),
                           serialise(high));
    if (from)
      return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished, serialise(low));
    return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotPublished, serialise(high));
  }

  /// A match in ranking order, with the score that ranked it and the near-duplicates folded
  /// into it.
  struct Ranked {
    Xapian::MSetIterator match;
    double score = 0;
    Xapian::doccount collapsed = 0;
  };

  // The typed query, before any fallback: parsed with every word required (match=all) or any.
  struct Attempt {
    Xapian::MSet mset;     ///< the run that counts matches and feeds the facet spies
    Xapian::MSet boosted;  ///< split runs only: the matches of the boost (see execute())
    /// The matches asked for, best first: from request.offset, or from the top for the blend.
    std::vector<Ranked> matches;
    Xapian::ValueCountMatchSpy topic_spy{schema::kSlotTopics};
    Xapian::ValueCountMatchSpy day_spy{schema::kSlotDay};
  };

  /// How one search orders its matches (decided once per request, see run()).
  enum class Order { text, date, blended };

  /// Relevance-ordered pages up to this depth run a boosted query as two (see execute()); deeper
  /// pages run it as one, which ranks no deeper than it must.
  static constexpr std::size_t kMaxSplitDepth = 1000;
  /// All-word queries of at most this many words run as two (see text_query()).
  static constexpr std::size_t kSplitMaxAllWords = 4;

  void execute(const SearchRequest& request, Order order, const TextQuery& text,
               const Xapian::Query& filter, Xapian::doccount check_at_least, Attempt& attempt) {
    const auto filtered = [&](const Xapian::Query& query) {
      return filter.empty() ? query : Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    };
    const auto make_enquire = [&](const Xapian::Query& query) {
      Xapian::Enquire enquire(db);
      enquire.set_weighting_scheme(ranking::weight());
      enquire.set_query(filtered(query));
      if (order == Order::date)
        enquire.set_sort_by_value_then_relevance(schema::kSlotPublished, true);
      if (request.collapse) enquire.set_collapse_key(schema::kSlotCollapse);
      return enquire;
    };
    // The blend re-ranks the head of the text ranking, so it needs that head from the top.
    const std::size_t first = order == Order::blended ? 0 : request.offset;
    const std::size_t count = order == Order::blended
                                  ? std::max(kRecencyWindow, request.offset + request.limit)
                                  : request.limit;
    const auto at_least = [&](std::size_t items) {
      return std::max(check_at_least, static_cast<Xapian::doccount>(items));
    };

    // A boost (the words side by side, the spelling as typed) adds weight to the matches that
    // have it, and keeps Xapian from skipping any match as it ranks: every match of "oil OR
    // prices" is scored and checked for the phrase, where the words alone let it skip all but a
    // few (about 20 times the cost for any-word queries, 1.3 times for all-word ones, on
    // Reuters). So a relevance ranking runs the words alone and the words AND the boost, each
    // for the top `first + count`, and merges the two: a match in the second list scores what the
    // boosted query gives it (words + boost), any other what the words give it. That is the
    // boosted query's own top list, scores and order: a match of the true top list without the
    // boost is in the first list (every match scores at least its words' weight), one with the
    // boost is in the second, and a boosted match missing from the second list, scored lower
    // here, has the second list's matches above it. With collapsing, each key keeps its better
    // match, which is the boosted query's choice for the same reason.
    const bool split = text.split && !text.boost.empty() && order != Order::date &&
                       first + count <= kMaxSplitDepth;
    if (!split) {
      Xapian::Enquire enquire = make_enquire(text.combined());
      if (request.facet_topics) enquire.add_matchspy(&attempt.topic_spy);
      if (request.facet_date) enquire.add_matchspy(&attempt.day_spy);
      attempt.mset = enquire.get_mset(static_cast<Xapian::doccount>(first),
                                      static_cast<Xapian::doccount>(count), at_least(count));
      for (auto it = attempt.mset.begin(); it != attempt.mset.end(); ++it)
        attempt.matches.push_back({it, it.get_weight(), it.get_collapse_count()});
      return;
    }
    const auto wanted = static_cast<Xapian::doccount>(first + count);
    Xapian::Enquire words = make_enquire(text.words);
    if (request.facet_topics) words.add_matchspy(&attempt.topic_spy);
    if (request.facet_date) words.add_matchspy(&attempt.day_spy);
    attempt.mset = words.get_mset(0, wanted, at_least(wanted));
    attempt.boosted = make_enquire(Xapian::Query(Xapian::Query::OP_AND, text.words, text.boost))
                          .get_mset(0, wanted);

    // One entry per collapse key (per document when not collapsing or the key is empty).
    std::vector<Ranked> merged;
    std::unordered_map<std::string, std::size_t> by_key;
    const auto add = [&](const Xapian::MSet& mset) {
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        std::string key = request.collapse ? it.get_collapse_key() : std::string();
        if (key.empty()) key = "#" + std::to_string(*it);  // no collapse key is ever empty
        const Ranked entry{it, it.get_weight(), it.get_collapse_count()};
        const auto [slot, added] = by_key.emplace(std::move(key), merged.size());
        if (added) {
          merged.push_back(entry);
          continue;
        }
        Ranked& kept = merged[slot->second];
        const Xapian::doccount collapsed = std::max(kept.collapsed, entry.collapsed);
        if (entry.score > kept.score) kept = entry;
        kept.collapsed = collapsed;
      }
    };
    add(attempt.mset);
    add(attempt.boosted);
    // Xapian's order: weight, then ascending document id.
    std::sort(merged.begin(), merged.end(), [](const Ranked& a, const Ranked& b) {
      return a.score != b.score ? a.score > b.score : *a.match < *b.match;
    });
    const std::size_t end = std::min(merged.size(), first + count);
    for (std::size_t i = std::min(first, end); i < end; ++i) attempt.matches.push_back(merged[i]);
  }

  /// The reference time of the recency decay: the request's, else the newest publication time
  /// in the index (the upper bound of the date slot, kept by Xapian for every shard).
  std::optional<double> recency_now(const Recency& recency) {
    if (recency.now) return static_cast<double>(*recency.now);
    const std::string newest = db.get_value_upper_bound(schema::kSlotPublished);
    if (newest.empty()) return std::nullopt;
    return Xapian::sortable_unserialise(newest);
  }

  /// The hits of the requested page, in order, with the score that ordered them.
  std::vector<Ranked> page(const SearchRequest& request, Order order, const Attempt& attempt) {
    const std::vector<Ranked>& matches = attempt.matches;
    if (order != Order::blended) return matches;
    // sort=relevance: blend recency into the first kRecencyWindow text matches. A match's
    // blended score is at most (1 - weight) * text / best + weight, and text only falls down the
    // list, so the scan stops as soon as no later match could reach the page.
    std::vector<Ranked> ranked;
    const double weight = request.recency.weight;
    // The matches run from the top here, so the first has the best weight attained.
    const double best = matches.empty() ? 0.0 : matches.front().score;
    const std::optional<double> now = recency_now(request.recency);
    const double half_life = request.recency.half_life_days * 86400.0;
    const std::size_t wanted = request.offset + request.limit;
    const std::size_t window = std::min<std::size_t>(matches.size(), kRecencyWindow);
    const auto text_part = [&](const Ranked& match) {
      return best > 0 ? (1 - weight) * match.score / best : 0.0;
    };
    std::priority_queue<double, std::vector<double>, std::greater<>> top;  // best `wanted` so far
    for (std::size_t i = 0; i < window; ++i) {
      const Ranked& match = matches[i];
      const double text = text_part(match);
      if (top.size() >= wanted && text + weight <= top.top()) break;
      double recency = 0;
      if (now) {
        const std::string published = match.match.get_document().get_value(schema::kSlotPublished);
        if (!published.empty()) {
          const double age = std::max(0.0, *now - Xapian::sortable_unserialise(published));
          recency = std::exp2(-age / half_life);
        }
      }
      ranked.push_back({match.match, text + weight * recency, match.collapsed});
      top.push(ranked.back().score);
      if (top.size() > wanted) top.pop();
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    // Past the window (deep pages only), text order, scored without recency.
    if (ranked.size() >= window)
      for (std::size_t i = window; i < std::min<std::size_t>(matches.size(), wanted); ++i)
        ranked.push_back({matches[i].match, text_part(matches[i]), matches[i].collapsed});
    if (ranked.size() > wanted) ranked.resize(wanted);
    ranked.erase(ranked.begin(),
                 ranked.begin() + static_cast<std::ptrdiff_t>(std::min(request.offset, ranked.size())));
    return ranked;
  }

  SearchResult run(const SearchRequest& request) {
    const Xapian::Stem stemmer = Analyzer::stemmer_for(request.lang);
    const std::string folded = analyzer.fold(request.query);
    const Xapian::Query filter = filters(request);
    // With no words to rank by, "relevance" means newest first: a topic page, a date range.
    const Order order = request.sort == SortOrder::date ? Order::date
                        : request.sort == SortOrder::text ? Order::text
                        : blank(folded) ? Order::date
                        : request.recency.weight > 0 ? Order::blended
                                                     : Order::text;

    SearchResult result;
    result.query = request.query;
    result.facet_topics = request.facet_topics;
    result.facet_date = request.facet_date.has_value();

    const Xapian::Query::op typed_op =
        request.match == MatchMode::all ? Xapian::Query::OP_AND : Xapian::Query::OP_OR;
    // Xapian's spelling lookup dominates the cost of a query, so it runs only where it can
    // change the answer: when the query as typed matches nothing (below), or with any-word
    // matching, where an unknown word does not empty the result.
    std::string corrected;
    const bool suggest_now = request.match == MatchMode::any;
    TextQuery query = text_query(folded, stemmer, typed_op, suggest_now ? &corrected : nullptr);
    if (!corrected.empty() && corrected != folded) result.suggestion = corrected;

    Xapian::doccount check_at_least = static_cast<Xapian::doccount>(request.offset + request.limit);
    if (request.exact)
      check_at_least = std::max<Xapian::doccount>(db.get_doccount(), 1);
    else if (request.facet_topics || request.facet_date)
      check_at_least = std::max(check_at_least, kFacetSampleSize);

    auto attempt = std::make_unique<Attempt>();
    execute(request, order, query, filter, check_at_least, *attempt);
    // Nothing matched as typed: first the spelling correction ("tartus" -> "tartous"), then any
    // of the words rather than all of them. Both are what a reader means far more often than an
    // empty page; the result says which happened.
    if (attempt->mset.get_matches_upper_bound() == 0 && !blank(folded)) {
      std::string text = folded;
      if (!suggest_now) {
        text_query(folded, stemmer, typed_op, &corrected);
        if (!corrected.empty() && corrected != folded) result.suggestion = corrected;
      }
      if (result.suggestion) {
        auto retry = std::make_unique<Attempt>();
        TextQuery fixed = text_query(*result.suggestion, stemmer, typed_op, nullptr);
        execute(request, order, fixed, filter, check_at_least, *retry);
        if (retry->mset.get_matches_upper_bound() > 0) {
          result.corrected = true;
          query = fixed;
          attempt = std::move(retry);
        } else {
          text = *result.suggestion;
        }
      }
      const Xapian::Query typed = query.combined();
      if (!result.corrected && request.match == MatchMode::all &&
          std::distance(typed.get_unique_terms_begin(), typed.get_unique_terms_end()) > 1) {
        auto retry = std::make_unique<Attempt>();
        TextQuery relaxed = text_query(text, stemmer, Xapian::Query::OP_OR, nullptr);
        execute(request, order, relaxed, filter, check_at_least, *retry);
        if (retry->mset.get_matches_upper_bound() > 0) {
          result.corrected = text != folded;
          query = relaxed;
          attempt = std::move(retry);
        }
      }
    }

    const Xapian::MSet& mset = attempt->mset;
    result.total = mset.get_matches_estimated();
    result.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    if (request.facet_topics)
      result.topic_facets = topic_facets(attempt->topic_spy, request.facet_size);
    if (request.facet_date)
      result.date_facets = date_histogram(attempt->day_spy, *request.facet_date);

    add_hits(result, page(request, order, *attempt), query_words(query.combined()), stemmer,
             request.snippets);
    return result;
  }

  /// The stored fields a hit shows (the text too when `with_text`), read without a JSON tree;
  /// anything unusual in the stored record is read the full way, which gives its error.
  Article hit_fields(const Xapian::Document& document, bool with_text) {
    if (auto article = hit_fields_from_stored(records.unpack(document), with_text))
      return std::move(*article);
    return article_from_document(document, records);
  }

  /// Turns ranked matches into hits, with snippets for `words` when asked.
  void add_hits(SearchResult& result, const std::vector<Ranked>& ranked, const QueryWords& words,
                const Xapian::Stem& stemmer, bool snippets) {
    SnippetMatcher matcher(words, analyzer, stemmer);  // shared by the hits: they share words
    result.hits.reserve(result.hits.size() + ranked.size());
    for (const Ranked& entry : ranked) {
      const Xapian::MSetIterator& it = entry.match;
      Article article = hit_fields(it.get_document(), snippets);
      Hit hit;
      if (snippets) {
        const std::string& text = !article.body.empty()      ? article.body
                                  : !article.summary.empty() ? article.summary
                                                             : article.title;
        hit.snippet = make_snippet(text, matcher);
      }
      // The article is read for this hit alone: its strings move into the hit.
      hit.title = article.display_title();
      hit.id = std::move(article.id);
      hit.url = std::move(article.url);
      hit.published = article.published;
      hit.topics = std::move(article.topics);
      hit.source = std::move(article.source);
      hit.kind = std::move(article.kind);
      hit.score = entry.score;
      hit.collapsed = entry.collapsed;
      result.hits.push_back(std::move(hit));
    }
  }

  SearchResult related(const RelatedRequest& request) {
    const std::string id_term = schema::id_term(request.id);
    auto posting = db.postlist_begin(id_term);
    if (posting == db.postlist_end(id_term))
      throw Error(ErrorCode::not_found, "no article with id '" + request.id + "'");
    const Xapian::docid story = *posting;
    const Xapian::Document document = db.get_document(story);
    const Article article = article_from_document(document, records);

    // Without the story itself and its near-duplicates: those are "the same", not "related".
    std::vector<Xapian::Query> same_parts{Xapian::Query(id_term)};
    const std::string key = document.get_value(schema::kSlotCollapse);
    if (!key.empty())
      same_parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kSlotCollapse, key, key);
    const Xapian::Query same(Xapian::Query::OP_OR, same_parts.begin(), same_parts.end());

    // The story's most telling words: Xapian's expand set with the story as the one relevant
    // document, over free-text words other stories have too. Exact term frequencies: over
    // shards Xapian would otherwise scale one shard's, and pick other words than one index would.
    Xapian::Enquire enquire(db);
    Xapian::RSet relevant;
    relevant.add_document(story);
    const SharedFreeTextWords decider(db);
    const Xapian::ESet eset =
        enquire.get_eset(kRelatedTerms, relevant, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
    SearchResult result;
    result.query = "related:" + request.id;
    if (eset.empty()) return result;

    const Xapian::Query words(Xapian::Query::OP_OR, eset.begin(), eset.end());
    enquire.set_weighting_scheme(ranking::weight());
    enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT, words, same));
    if (request.collapse) enquire.set_collapse_key(schema::kSlotCollapse);
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(request.limit));
    result.total = mset.get_matches_estimated();
    result.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    std::vector<Ranked> ranked;
    for (auto it = mset.begin(); it != mset.end(); ++it)
      ranked.push_back({it, it.get_weight(), it.get_collapse_count()});
    add_hits(result, ranked, query_words(words), Analyzer::stemmer_for(article.lang),
             request.snippets);
    return result;
  }

  std::vector<Suggestion> suggest(std::string_view typed, std::size_t limit) {
    std::vector<Suggestion> out;
    const std::size_t cut = typed.find_last_of(" \t");
    const std::string_view head = cut == std::string_view::npos ? "" : typed.substr(0, cut + 1);
    const std::string last = lower(analyzer.fold(typed.substr(head.size())));
    if (last.size() < 2 || limit == 0) return out;

    // Candidates: title words ("S" terms) and topics ("K" terms) starting with the last word,
    // the most frequent first. The scan of the term list is bounded, so a two-letter prefix
    // over a large archive stays cheap.
    struct Candidate {
      std::string term;
      std::size_t prefix;  ///< bytes of the schema prefix in `term`
      std::uint64_t count;
      double score = 0;
    };
    std::vector<Candidate> candidates;
    for (const std::string_view prefix : {schema::kPrefixTitle, schema::kPrefixTopic}) {
      const std::string start = std::string(prefix) + last;
      std::size_t scanned = 0;
      for (auto term = db.allterms_begin(start);
           term != db.allterms_end(start) && scanned < kSuggestScan; ++term, ++scanned)
        candidates.push_back({*term, prefix.size(), term.get_termfreq()});
    }
    const std::vector<std::string> context = title_terms(head);
    const std::size_t keep =
        std::min(candidates.size(), context.empty() ? kSuggestRescored : 4 * kSuggestRescored);
    std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep),
                      candidates.end(), [](const Candidate& a, const Candidate& b) {
                        return a.count != b.count ? a.count > b.count : a.term < b.term;
                      });
    candidates.resize(keep);

    // With words before the last, a completion counts only the stories whose title has those
    // words too ("naval ba" -> "naval base", not the more frequent "bank"). Recency: a story
    // of the last kSuggestRecentDays days counts five times.
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BoolWeight());  // counting only
    const auto matches = [&](const Xapian::Query& query) -> std::uint64_t {
      enquire.set_query(query);
      return enquire.get_mset(0, 0, kSuggestCheck).get_matches_estimated();
    };
    const Xapian::Query words(Xapian::Query::OP_AND, context.begin(), context.end());
    const std::string newest = db.get_value_upper_bound(schema::kSlotPublished);
    std::optional<Xapian::Query> recent;
    if (!newest.empty())
      recent = Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished,
                             Xapian::sortable_serialise(Xapian::sortable_unserialise(newest) -
                                                        kSuggestRecentDays * 86400.0));
    for (Candidate& candidate : candidates) {
      Xapian::Query query(candidate.term);
      if (!context.empty()) {
        query = Xapian::Query(Xapian::Query::OP_AND, words, query);
        candidate.count = matches(query);
      }
      const std::uint64_t recent_count =
          recent && candidate.count > 0
              ? matches(Xapian::Query(Xapian::Query::OP_FILTER, query, *recent))
              : 0;
      candidate.score = static_cast<double>(candidate.count + 4 * recent_count);
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
    for (const Candidate& candidate : candidates) {
      if (out.size() >= limit || candidate.count == 0) break;
      const bool topic = candidate.term.compare(0, candidate.prefix, schema::kPrefixTopic) == 0;
      std::string text = std::string(head) + candidate.term.substr(candidate.prefix);
      // A word that is also a topic is offered once, as the better-ranked of the two.
      if (std::any_of(out.begin(), out.end(), [&](const Suggestion& s) { return s.text == text; }))
        continue;
      out.push_back({std::move(text), topic ? "topic" : "title", candidate.count});
    }
    return out;
  }

  /// The title terms ("S" + unstemmed word) the indexer makes of `text`.
  std::vector<std::string> title_terms(std::string_view text) const {
    if (blank(text)) return {};
    Xapian::TermGenerator generator;  // no stemmer: the unstemmed words only
    generator.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);  // as DocumentBuilder
    Xapian::Document document;
    generator.set_document(document);
    generator.index_text(analyzer.fold(text), 1, std::string(schema::kPrefixTitle));
    return {document.termlist_begin(), document.termlist_end()};
  }

  static std::string lower(const std::string& text) { return Xapian::Unicode::tolower(text); }

  // Parses folded query text, its capitals that name nothing lower-cased first (the first word,
  // a query in capitals: with_incidental_capitals_lowered). A plain run of words ("Tartous naval
  // base", "New York") also gets the same words as a phrase, as a boost: stories that have them
  // side by side rank above stories that merely have them all (the weighting alone knows
  // nothing of word order).
  TextQuery text_query(const std::string& typed, const Xapian::Stem& stemmer, Xapian::Query::op op,
                       std::string* corrected) {
    if (blank(typed)) return {Xapian::Query::MatchAll, {}};
    const std::string text = with_incidental_capitals_lowered(typed);
    constexpr unsigned kFlags =
        Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
        Xapian::QueryParser::FLAG_SPELLING_CORRECTION | Xapian::QueryParser::FLAG_CJK_NGRAM |
        Xapian::QueryParser::FLAG_AUTO_SYNONYMS | Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS;
    auto qp = parser(stemmer, op);
    const std::string cleaned = without_stray_operators(with_cjk_runs_grouped(text));
    Xapian::Query parsed =
        qp.parse_query(cleaned, kFlags & ~unsigned(Xapian::QueryParser::FLAG_SPELLING_CORRECTION));
    // Xapian's spelling lookup costs more than most searches, and offers a more frequent word
    // for any word it finds one for ("ford" -> "for"): it is asked only when the index lacks a
    // word of the query, the typo a reader means to have corrected.
    if (corrected) {
      corrected->clear();
      if (has_unknown_term(parsed)) {
        qp.parse_query(cleaned, kFlags);
        *corrected = qp.get_corrected_query_string();
      }
    }
    const std::size_t words = plain_words(text);
    if (words == 0) return {parsed, {}};
    std::vector<Xapian::Query> boosts;
    if (words >= 2) {
      auto phrase_parser = parser(stemmer, op);
      Xapian::Query phrase = phrase_parser.parse_query(
          "\"" + text + "\"", Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_CJK_NGRAM);
      if (phrase.get_type() == Xapian::Query::OP_PHRASE) boosts.push_back(phrase);
    }
    // With synonyms in the index, the spelling the reader typed counts more than its synonyms:
    // "Tartous" finds "Tartús" too, but the stories that say "Tartous" come first.
    if (db.synonym_keys_begin() != db.synonym_keys_end()) {
      auto typed_parser = parser(stemmer, Xapian::Query::OP_OR);
      Xapian::Query typed = typed_parser.parse_query(text, Xapian::QueryParser::FLAG_CJK_NGRAM);
      if (!typed.empty()) boosts.push_back(typed);
    }
    if (boosts.empty()) return {parsed, {}};
    // Two runs pay when the words alone match many stories: any of them, or a few words that
    // must all match. A pasted title matches a handful, and one run checks them faster.
    const bool split = op == Xapian::Query::OP_OR || words <= kSplitMaxAllWords;
    return {parsed, Xapian::Query(Xapian::Query::OP_OR, boosts.begin(), boosts.end()), split};
  }

  /// True when some term of `query` is in no document of the index.
  bool has_unknown_term(const Xapian::Query& query) const {
    for (auto term = query.get_unique_terms_begin(); term != query.get_unique_terms_end(); ++term)
      if (db.get_termfreq(*term) == 0) return true;
    return false;
  }

  // The number of words when the text is words only (no quotes, brackets, field prefixes,
  // wildcards, +/- or upper-case operators), else 0.
  static std::size_t plain_words(std::string_view text) {
    if (text.find_first_of("\"():*+-") != std::string_view::npos) return 0;
    std::size_t start = 0, words = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find(' ', start), text.size());
      const std::string_view word = text.substr(start, end - start);
      if (word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
          word == "ADJ")
        return 0;
      if (!word.empty()) ++words;
      start = end + 1;
    }
    return words;
  }
};

Searcher::Searcher(const std::string& index_path) : impl_(std::make_unique<Impl>(index_path)) {}
Searcher::~Searcher() = default;
Searcher::Searcher(Searcher&&) noexcept = default;
Searcher& Searcher::operator=(Searcher&&) noexcept = default;

SearchResult Searcher::search(const SearchRequest& request) {
  check_query_length(request.query);
  check_at_most("limit", request.limit, kMaxLimit);
  check_at_most("offset", request.offset, kMaxOffset);
  if (request.from && request.to && *request.from > *request.to)
    throw Error(ErrorCode::bad_parameter, "the date range is empty: 'from' is after 'to'");
  if (!(request.recency.weight >= 0 && request.recency.weight <= 1))
    throw Error(ErrorCode::bad_parameter, "the recency weight must be between 0 and 1");
  if (!(request.recency.half_life_days > 0 && std::isfinite(request.recency.half_life_days)))
    throw Error(ErrorCode::bad_parameter, "the recency half-life must be a positive number of days");

  SearchResult result = impl_->guarded("search", [&] { return impl_->run(request); });
  result.shards_missing = impl_->missing.size();
  return result;
}

std::optional<Article> Searcher::get(const std::string& id) {
  return impl_->guarded("lookup", [&]() -> std::optional<Article> {
    // With shards the id term is looked up in every shard at once (the multi-database merges
    // the posting lists), so get() does not need to know the sharding scheme.
    const std::string term = schema::id_term(id);
    auto posting = impl_->db.postlist_begin(term);
    if (posting == impl_->db.postlist_end(term)) return std::nullopt;
    return article_from_document(impl_->db.get_document(*posting), impl_->records);
  });
}

SearchResult Searcher::related(const RelatedRequest& request) {
  check_at_most("limit", request.limit, kMaxLimit);
  SearchResult result =
      impl_->guarded("related search", [&] { return impl_->related(request); });
  result.shards_missing = impl_->missing.size();
  return result;
}

std::vector<Suggestion> Searcher::suggest(std::string_view prefix, std::size_t limit) {
  check_query_length(prefix);
  check_at_most("limit", limit, kMaxSuggestions);
  return impl_->guarded("suggestion", [&] { return impl_->suggest(prefix, limit); });
}

std::uint64_t index_disk_bytes(const std::string& index_path) { return disk_bytes(index_path); }

IndexStats Searcher::stats() {
  try {
    impl_->recover();
    IndexStats stats;
    stats.path = impl_->path;
    stats.documents = impl_->db.get_doccount();
    // Xapian refuses get_revision() on a multi-database; the sum of the shards' revisions grows
    // with every commit to any shard, which is what a caller comparing revisions needs.
    for (const Shard& shard : impl_->shards) {
      // The remote protocol of 1.4 has no revision: remote shards count as 0.
      if (!shard.remote) stats.revision += shard.db.get_revision();
      stats.last_update =
          std::max(stats.last_update, shard.db.get_metadata(std::string(schema::kMetaLastUpdate)));
    }
    stats.schema_version =
        std::stoi(impl_->db.get_metadata(std::string(schema::kMetaSchemaVersion)));
    return stats;
  } catch (const Xapian::NetworkError& error) {
    throw impl_->shard_down(error);
  } catch (const Xapian::Error& error) {
    throw Error(ErrorCode::index_unavailable, "cannot read the index: " + error.get_description());
  }
}

bool Searcher::refresh() {
  try {
    const fs::path stub = fs::is_regular_file(impl_->path) ? fs::path(impl_->path)
                                                           : fs::path(impl_->path) / "XAPIANDB";
    if (impl_->broken || (!impl_->stub_text.empty() && read_whole_file(stub) != impl_->stub_text)) {
      impl_->open();
      return true;
    }
    return impl_->db.reopen();
  } catch (const Xapian::NetworkError& error) {
    if (!impl_->config.partial) throw impl_->shard_down(error);
    impl_->broken = true;  // reopen without the shard that went away
    impl_->open();
    return true;
  } catch (const Xapian::Error& error) {
    throw Error(ErrorCode::index_unavailable,
                "cannot reopen the index: " + error.get_description());
  }
}

}  // namespace newsq
