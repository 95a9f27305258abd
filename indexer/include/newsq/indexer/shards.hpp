// Sharded indexes: one Xapian database per publication month, per year, or per hash bucket of
// the article id, listed in a shard map that newsq::Searcher (and any Xapian program) opens as
// one database, so ranking statistics stay global.
//
// Layout. The shard map MAP is a Xapian stub database file: one "auto MAP.shard-NAME" line per
// local shard (relative to MAP's directory, as Xapian resolves it). Beside it, MAP.shards.json
// records the scheme ({"scheme":"month"|"year"|"hash","hash_shards":N}) and, for searchers,
// optional "remote_timeout_ms" / "connect_timeout_ms". A search-side map may list shards served
// by xapian-tcpsrv as "remote HOST:PORT" (Xapian 1.4's stub syntax); newsq-index writes local
// shards only (a shard server runs beside the shard it serves and the indexer writes it there).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsq/article.hpp"
#include "newsq/indexer/commands.hpp"
#include "newsq/indexer/index_writer.hpp"

namespace newsq::indexer {

/// How articles are spread over shards.
struct ShardScheme {
  enum class Kind { month, year, hash };
  Kind kind = Kind::month;
  unsigned hash_shards = 0;  ///< hash only: number of buckets (1..4096)
};

/// "month" | "year" | "hash:N". Throws Error(bad_parameter) naming the text otherwise.
ShardScheme parse_shard_scheme(std::string_view text);

/// The name of the shard an article belongs to: "2025-01" (month), "2025" (year), "undated" for
/// an article without a publication date under a time scheme, "h007" (hash: FNV-1a 64 of the id
/// modulo N, stable across runs and machines). The article must have an id.
std::string shard_for(const ShardScheme& scheme, const Article& article);

/// The scheme recorded in MAP.shards.json. Throws Error(index_missing) when MAP is not a shard
/// map newsq created, Error(io_error) when the file is unreadable or malformed.
ShardScheme read_shard_scheme(const std::string& map);

/// Creates an empty shard map MAP and MAP.shards.json. Throws Error(bad_parameter) when MAP
/// already exists, Error(io_error) when a file cannot be written.
void init_shard_map(const std::string& map, const ShardScheme& scheme);

/// The local shard names listed in MAP ("auto MAP.shard-NAME" lines), in map order.
std::vector<std::string> local_shards(const std::string& map);

/// Writes to a sharded index: routes each article to its shard, creating the shard (and adding
/// its line to the map: written to a temporary file, fsynced and renamed over MAP) when it does
/// not exist yet. Not thread-safe; holds the write lock of every shard it has opened until
/// destroyed.
class ShardedWriter {
 public:
  /// Opens the shard map MAP (see init_shard_map). `batch_size` as for IndexWriter, per shard.
  explicit ShardedWriter(const std::string& map, std::size_t batch_size = kDefaultBatchSize);
  ~ShardedWriter();
  ShardedWriter(const ShardedWriter&) = delete;
  ShardedWriter& operator=(const ShardedWriter&) = delete;

  /// Adds or replaces the article in its shard. Under a time scheme an update may change the
  /// article's month, so any copy of the id in another local shard is removed first (one id
  /// lookup per local shard); under hash the id fixes the shard. Returns the id used.
  std::string add(Article article);

  /// Removes the article with this id from whichever local shard holds it (hash: the computed
  /// one). Returns false when no shard held it.
  bool remove(const std::string& id);

  /// Commits every shard written.
  void commit();

 private:
  IndexWriter& writer(const std::string& shard);
  std::string map_;
  ShardScheme scheme_;
  std::size_t batch_size_;
  std::vector<std::string> listed_;  ///< shard names in the map
  std::map<std::string, std::unique_ptr<IndexWriter>> writers_;
};

/// `newsq-index shard init MAP --by SCHEME`. Returns kExitOk or kExitFatal with a message.
int run_shard_init(const std::string& map, const std::string& scheme, std::ostream& err);

/// `newsq-index shard add MAP FILE...`: reads the inputs as `add` does (request.index_path is
/// the map) and routes each record with ShardedWriter. Problems as "file:line: error: ..." and a
/// summary line "indexed N records into S shards (R rejected)". Returns kExitOk, kExitRejected
/// or kExitFatal.
int run_shard_add(const AddRequest& request, std::ostream& err);

/// `newsq-index shard delete MAP ID...`. Returns kExitRejected when an id was in no shard.
int run_shard_delete(const std::string& map, const std::vector<std::string>& ids,
                     std::ostream& err);

}  // namespace newsq::indexer
