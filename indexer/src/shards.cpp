#include "newsq/indexer/shards.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "newsq/errors.hpp"
#include "newsq/indexer/ingest.hpp"
#include "newsq/indexer/input_file.hpp"
#include "newsq/indexer/problem.hpp"
#include "newsq/indexer/readers.hpp"
#include "newsq/timeutil.hpp"
#include "guarded.hpp"

namespace newsq::indexer {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kShardInfix = ".shard-";
constexpr unsigned kMaxHashShards = 4096;

std::string config_path(const std::string& map) { return map + ".shards.json"; }

// The stub line's target for a shard: relative to the map's directory, as Xapian resolves it,
// so the map and its shards can be moved (or replicated) together.
std::string shard_target(const std::string& map, const std::string& name) {
  return fs::path(map).filename().string() + std::string(kShardInfix) + name;
}

std::string shard_directory(const std::string& map, const std::string& name) {
  return (fs::path(map).parent_path() / shard_target(map, name)).string();
}

void fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Replaces `path` with `text` atomically: a reader (a Searcher refreshing) sees the old map or
// the new one, never half a file.
void write_atomically(const std::string& path, const std::string& text) {
  const fs::path target = fs::absolute(path);
  const fs::path temp = target.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw Error(ErrorCode::io_error, "cannot write '" + temp.string() + "'");
  }
  fsync_path(temp, O_RDONLY);
  std::error_code error;
  fs::rename(temp, target, error);
  if (error) throw Error(ErrorCode::io_error, "cannot replace '" + path + "': " + error.message());
  fsync_path(target.parent_path(), O_RDONLY | O_DIRECTORY);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::index_missing, "no shard map at '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Routes the records a reader finds; counts what happened for the summary.
class ShardingSink : public RecordSink {
 public:
  ShardingSink(ShardedWriter& writer, std::ostream& err) : writer_(writer), err_(err) {}
  void on_article(Article&& article, std::size_t) override {
    writer_.add(std::move(article));
    ++indexed;
  }
  void on_problem(Problem&& problem) override {
    err_ << format_problem(problem) << '\n';
    if (problem.severity == Severity::error) ++rejected;
  }
  std::uint64_t indexed = 0;
  std::uint64_t rejected = 0;

 private:
  ShardedWriter& writer_;
  std::ostream& err_;
};


}  // namespace

ShardScheme parse_shard_scheme(std::string_view text) {
  if (text == "month") return {ShardScheme::Kind::month, 0};
  if (text == "year") return {ShardScheme::Kind::year, 0};
  if (text.rfind("hash:", 0) == 0) {
    unsigned n = 0;
    const auto digits = text.substr(5);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (error == std::errc() && end == digits.data() + digits.size() && n >= 1 &&
        n <= kMaxHashShards)
      return {ShardScheme::Kind::hash, n};
  }
  throw Error(ErrorCode::bad_parameter,
              "invalid shard scheme '" + std::string(text) +
                  "' (expected month, year or hash:N with N from 1 to 4096)");
}

std::string shard_for(const ShardScheme& scheme, const Article& article) {
  if (scheme.kind == ShardScheme::Kind::hash) {
    char name[16];
    std::snprintf(name, sizeof name, "h%03u",
                  static_cast<unsigned>(fnv1a(article.id) % scheme.hash_shards));
    return name;
  }
  if (!article.published) return "undated";
  const std::string day = utc_day(article.published->utc_seconds);  // YYYYMMDD
  return scheme.kind == ShardScheme::Kind::year ? day.substr(0, 4)
                                                : day.substr(0, 4) + "-" + day.substr(4, 2);
}

ShardScheme read_shard_scheme(const std::string& map) {
  std::ifstream in(config_path(map));
  if (!in)
    throw Error(ErrorCode::index_missing, "'" + map + "' is not a shard map (no " +
                                              config_path(map) +
                                              "; create one with `newsq-index shard init`)");
  const nlohmann::json config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object() || !config.contains("scheme") || !config["scheme"].is_string())
    throw Error(ErrorCode::io_error, "'" + config_path(map) + "' is malformed");
  const std::string kind = config["scheme"];
  if (kind == "hash")
    return parse_shard_scheme("hash:" + std::to_string(config.value("hash_shards", 0u)));
  return parse_shard_scheme(kind);
}

void init_shard_map(const std::string& map, const ShardScheme& scheme) {
  if (fs::exists(map)) throw Error(ErrorCode::bad_parameter, "'" + map + "' already exists");
  const fs::path parent = fs::absolute(map).parent_path();
  std::error_code error;
  fs::create_directories(parent, error);
  nlohmann::json config = {{"scheme", scheme.kind == ShardScheme::Kind::month  ? "month"
                                      : scheme.kind == ShardScheme::Kind::year ? "year"
                                                                               : "hash"}};
  if (scheme.kind == ShardScheme::Kind::hash) config["hash_shards"] = scheme.hash_shards;
  write_atomically(config_path(map), config.dump(2) + "\n");
  write_atomically(map, "# newsq shard map: one line per shard (Xapian stub syntax)\n");
}

std::vector<std::string> local_shards(const std::string& map) {
  const std::string text = read_text(map);
  const std::string prefix = "auto " + shard_target(map, "");
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0) names.push_back(line.substr(prefix.size()));
    start = end + 1;
  }
  return names;
}

ShardedWriter::ShardedWriter(const std::string& map, std::size_t batch_size)
    : map_(map),
      scheme_(read_shard_scheme(map)),
      batch_size_(batch_size),
      listed_(local_shards(map)) {}

ShardedWriter::~ShardedWriter() = default;

IndexWriter& ShardedWriter::writer(const std::string& shard) {
  auto found = writers_.find(shard);
  if (found != writers_.end()) return *found->second;
  // IndexWriter creates a missing shard with its schema version committed at once, so the map
  // never lists a database a Searcher would refuse.
  auto created = std::make_unique<IndexWriter>(shard_directory(map_, shard), batch_size_);
  if (std::find(listed_.begin(), listed_.end(), shard) == listed_.end()) {
    std::string text = read_text(map_);
    if (!text.empty() && text.back() != '\n') text += '\n';
    text += "auto " + shard_target(map_, shard) + "\n";
    write_atomically(map_, text);
    listed_.push_back(shard);
  }
  return *writers_.emplace(shard, std::move(created)).first->second;
}

std::string ShardedWriter::add(Article article) {
  if (article.id.empty()) article.id = derive_id(article);
  const std::string target = shard_for(scheme_, article);
  if (scheme_.kind != ShardScheme::Kind::hash) {
    const std::vector<std::string> shards = listed_;
    for (const auto& shard : shards)
      if (shard != target) writer(shard).remove(article.id);
  }
  return writer(target).add(article);
}

bool ShardedWriter::remove(const std::string& id) {
  if (scheme_.kind == ShardScheme::Kind::hash) {
    Article probe;
    probe.id = id;
    const std::string shard = shard_for(scheme_, probe);
    if (std::find(listed_.begin(), listed_.end(), shard) == listed_.end()) return false;
    return writer(shard).remove(id);
  }
  bool removed = false;
  const std::vector<std::string> shards = listed_;
  for (const auto& shard : shards) removed = writer(shard).remove(id) || removed;
  return removed;
}

void ShardedWriter::commit() {
  for (auto& [name, shard_writer] : writers_) shard_writer->commit();
}

int run_shard_init(const std::string& map, const std::string& scheme, std::ostream& err) {
  return guarded(err, [&] {
    init_shard_map(map, parse_shard_scheme(scheme));
    return kExitOk;
  });
}

int run_shard_add(const AddRequest& request, std::ostream& err) {
  return guarded(err, [&] {
    const auto started = std::chrono::steady_clock::now();
    ShardedWriter writer(request.index_path, request.batch_size);
    ShardingSink sink(writer, err);
    for (const auto& input : request.inputs) {
      InputFile file(input);
      const Format format = input == "-" && !request.format
                                ? sniff_format(file.head())
                                : format_for_input(input, request.format);
      read_records(format, file.stream(), file.name(), request.read, sink);
      if (const auto error = file.error())
        throw Error(ErrorCode::io_error, "cannot read '" + file.name() + "': " + *error);
    }
    writer.commit();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    err << "indexed " << sink.indexed << " records into " << local_shards(request.index_path).size()
        << " shards (" << sink.rejected << " rejected) in " << seconds << " s\n";
    return sink.rejected > 0 ? kExitRejected : kExitOk;
  });
}

int run_shard_delete(const std::string& map, const std::vector<std::string>& ids,
                     std::ostream& err) {
  return guarded(err, [&] {
    ShardedWriter writer(map);
    std::size_t missing = 0;
    for (const auto& id : ids) {
      if (!writer.remove(id)) {
        err << kProgram << "no document with id '" << id << "'\n";
        ++missing;
      }
    }
    writer.commit();
    err << "deleted " << ids.size() - missing << " of " << ids.size() << " documents\n";
    return missing > 0 ? kExitRejected : kExitOk;
  });
}

}  // namespace newsq::indexer
