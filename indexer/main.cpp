// newsq-index: builds and maintains a newsq index. Parses arguments and calls newsq_indexer.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>

#include "newsq/indexer/commands.hpp"
#include "newsq/indexer/shards.hpp"
#include "newsq/paths.hpp"

int main(int argc, char** argv) {
  using namespace newsq::indexer;

  CLI::App app{
      "newsq-index: adds news to a newsq index, deletes from it and describes it.\n"
      "Exit status: 0 done, 1 some records rejected (or ids not found), 2 usage or fatal error.",
      "newsq-index"};
  app.require_subcommand(1);
  std::string index_path;
  app.add_option("--index", index_path,
                 "Index directory. Default: $NEWSQ_INDEX if set, else $XDG_DATA_HOME/newsq/index, "
                 "else ~/.local/share/newsq/index")
      ->type_name("PATH");
  double lock_wait_seconds = 10;
  app.add_option(
         "--lock-wait", lock_wait_seconds,
         "Seconds to wait while another writer (newsq-server's ingest or another "
         "newsq-index) holds the index's write lock, retrying with backoff; 0 fails at once")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();

  // The options add and rebuild share: how to read the inputs.
  const auto add_read_options = [](CLI::App* command, AddRequest& request, std::string& format_name,
                                   std::string& date) {
    command->add_option("--format", format_name, "Force the format of every input")
        ->check(CLI::IsMember({"jsonl", "page", "sgml", "feed"}));
    command
        ->add_option("--date", date,
                     "Page format: the day of the page, YYYY-MM-DD (briefs get this day at their "
                     "HH:MM, the article 12:00). Without it page records have no date")
        ->type_name("YYYY-MM-DD");
    command
        ->add_option("--tz", request.read.zone,
                     "Page format: the IANA time zone of the page's times, e.g. Europe/Madrid")
        ->type_name("AREA/CITY")
        ->default_str("UTC");
    command
        ->add_option("--source", request.read.source,
                     "Source (publication) of the records: always for pages, for JSON records "
                     "that name none, for feeds instead of the channel title; replaces "
                     "\"reuters\" for SGML")
        ->type_name("NAME");
  };

  AddRequest add_request;
  std::string format_name;
  std::string date;
  auto* add = app.add_subcommand(
      "add",
      "Index files (\"-\" = standard input). The format comes from the name: .jsonl .ndjson "
      ".json (JSON Lines), .sgm (Reuters-21578 SGML), .txt .page (scraped page), .rss .atom .xml "
      "(RSS or Atom feed), each optionally .xz; standard input is a feed when it starts like one, "
      "else JSON Lines, unless --format says otherwise. A record with the id of an indexed one "
      "replaces it.");
  add->add_option("files", add_request.inputs, "Input files")->required()->type_name("FILE");
  add_read_options(add, add_request, format_name, date);
  add->add_option("--batch", add_request.batch_size,
                  "Records per committed batch: an interrupted run keeps whole batches")
      ->check(CLI::PositiveNumber)
      ->default_val(kDefaultBatchSize);

  RebuildRequest rebuild_request;
  std::string rebuild_format;
  std::string rebuild_date;
  std::string rebuild_synonyms;
  auto* rebuild = app.add_subcommand(
      "rebuild",
      "Reindex from scratch without taking search down: build a new generation of the index "
      "beside the live one from SOURCES, check it, then switch to it atomically (the index path "
      "becomes a Xapian stub file naming INDEX.gen-N). The previous generation is kept for "
      "rollback, older ones removed. Does not switch when records are rejected unless "
      "--allow-rejected.");
  rebuild->add_option("--from", rebuild_request.add.inputs, "Input files (as for add)")
      ->required()
      ->expected(1, -1)
      ->type_name("FILE");
  add_read_options(rebuild, rebuild_request.add, rebuild_format, rebuild_date);
  rebuild
      ->add_option("--synonyms", rebuild_synonyms,
                   "Synonyms file for the new generation (default: copy the live one's)")
      ->type_name("FILE");
  rebuild->add_flag("--allow-rejected", rebuild_request.allow_rejected,
                    "Switch even when some records were rejected");

  auto* rollback = app.add_subcommand(
      "rollback", "Switch the index back to the previous generation (after a rebuild or compact)");
  auto* compact = app.add_subcommand(
      "compact",
      "Compact the live index (as xapian-compact) into a new generation and switch to it");
  std::string backup_destination, restore_source;
  auto* backup = app.add_subcommand(
      "backup",
      "Copy the live index consistently into DEST (a new directory) while newsq-server serves "
      "and ingests: writers pause only while it is copied (waits up to --lock-wait for them)");
  backup->add_option("dest", backup_destination, "Directory to create")
      ->required()
      ->type_name("DEST");
  auto* restore = app.add_subcommand(
      "restore",
      "Make a copy of BACKUP (made by backup) the live index: a new generation, checked and "
      "switched atomically (a running newsq-server follows it; rollback undoes it)");
  restore->add_option("backup", restore_source, "Backup directory (left as it is)")
      ->required()
      ->type_name("BACKUP");

  std::vector<std::string> ids;
  auto* remove = app.add_subcommand("delete", "Delete documents by id (exit 1 if any is missing)");
  remove->add_option("ids", ids, "Document ids")->required()->type_name("ID");

  std::string synonyms_file;
  auto* synonyms = app.add_subcommand(
      "synonyms",
      "Replace the index's synonyms with the rules of FILE: one rule a line, \"a, b, c\" "
      "(two-way) or \"a => b\" (one-way), '#' comments");
  synonyms->add_option("file", synonyms_file, "Synonyms file")->required()->type_name("FILE");

  bool stats_json = false;
  auto* stats = app.add_subcommand(
      "stats", "Show document count, last update, size on disk, schema version and revision");
  stats->add_flag("--json", stats_json, "Print one JSON object");

  // Sharded indexes (newsq/indexer/shards.hpp): MAP is a Xapian stub file that searchers open
  // like any index (--index MAP).
  auto* shard = app.add_subcommand(
      "shard", "Write a sharded index: shards by month, year or hash of id, listed in a shard map");
  shard->require_subcommand(1);
  std::string shard_map;
  std::string shard_scheme;
  auto* shard_init = shard->add_subcommand(
      "init", "Create an empty shard map MAP (a Xapian stub file) and MAP.shards.json");
  shard_init->add_option("map", shard_map, "Shard map file")->required()->type_name("MAP");
  shard_init
      ->add_option("--by", shard_scheme,
                   "month or year (of publication; undated articles go to shard 'undated') or "
                   "hash:N (N buckets by id)")
      ->required()
      ->type_name("SCHEME");
  AddRequest shard_add_request;
  std::string shard_format;
  std::string shard_date;
  auto* shard_add = shard->add_subcommand(
      "add",
      "Index files into the shards of MAP, creating shards as needed; an updated article "
      "moves to the shard of its new date");
  shard_add->add_option("map", shard_map, "Shard map file")->required()->type_name("MAP");
  shard_add->add_option("files", shard_add_request.inputs, "Input files")
      ->required()
      ->type_name("FILE");
  add_read_options(shard_add, shard_add_request, shard_format, shard_date);
  std::vector<std::string> shard_ids;
  auto* shard_delete =
      shard->add_subcommand("delete", "Delete documents by id from the shards of MAP");
  shard_delete->add_option("map", shard_map, "Shard map file")->required()->type_name("MAP");
  shard_delete->add_option("ids", shard_ids, "Document ids")->required()->type_name("ID");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitFatal;
  }

  if (index_path.empty()) index_path = newsq::default_index_path();
  const auto lock_wait = std::chrono::milliseconds(std::llround(lock_wait_seconds * 1000));
  const auto complete = [&](AddRequest& request, const std::string& format,
                            const std::string& day) {
    request.index_path = index_path;
    if (!format.empty()) request.format = parse_format(format);
    if (!day.empty()) request.read.date = day;
    request.progress = ::isatty(STDERR_FILENO) == 1;
    request.lock_wait = lock_wait;
  };
  if (*add) {
    complete(add_request, format_name, date);
    return run_add(add_request, std::cerr);
  }
  if (*rebuild) {
    complete(rebuild_request.add, rebuild_format, rebuild_date);
    if (!rebuild_synonyms.empty()) rebuild_request.synonyms_file = rebuild_synonyms;
    return run_rebuild(rebuild_request, std::cerr);
  }
  if (*shard_init) return run_shard_init(shard_map, shard_scheme, std::cerr);
  if (*shard_add) {
    complete(shard_add_request, shard_format, shard_date);
    shard_add_request.index_path = shard_map;
    return run_shard_add(shard_add_request, std::cerr);
  }
  if (*shard_delete) return run_shard_delete(shard_map, shard_ids, std::cerr);
  if (*rollback) return run_rollback(index_path, std::cerr);
  if (*compact) return run_compact(index_path, std::cerr, lock_wait);
  if (*backup) return run_backup(index_path, backup_destination, std::cerr, lock_wait);
  if (*restore) return run_restore(index_path, restore_source, std::cerr);
  if (*remove) return run_delete(index_path, ids, std::cerr, lock_wait);
  if (*synonyms) return run_synonyms(index_path, synonyms_file, std::cerr, lock_wait);
  return run_stats(index_path, stats_json, std::cout, std::cerr);
}
