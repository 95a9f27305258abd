// newsq-bench-fts5: SQLite FTS5 configured as a competent user would, through the C API.
//   newsq-bench-fts5 index DB CORPUS.jsonl
//   newsq-bench-fts5 query DB QUERIES.jsonl [--ids-only] [--repeats N] [--warmup N]
// Index: one FTS5 table (title, body; `porter unicode61 remove_diacritics 2`) that stores the
// text needed to show results, the date as an UNINDEXED column, topics in a WITHOUT ROWID table;
// one transaction, then FTS5's 'optimize' (the counterpart of xapian-compact). Ranking: bm25 with
// the title weighted 3 (the persistent 'rank' option, so ORDER BY rank uses it).
// Query: words ANDed (each quoted), phrases quoted; top 10 with title, date and a highlighted
// snippet() unless --ids-only; facets are GROUP BY queries over the matches.
#include <sqlite3.h>

#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "latency.hpp"
#include "newsq/timeutil.hpp"

namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Db open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open(path.c_str(), &raw);
  Db db(raw);
  if (rc != SQLITE_OK) throw std::runtime_error("cannot open " + path);
  return db;
}

void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "?";
    sqlite3_free(message);
    throw std::runtime_error(text + " in: " + sql);
  }
}

Stmt prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK)
    throw std::runtime_error(std::string(sqlite3_errmsg(db)) + " in: " + sql);
  return Stmt(raw);
}

void step_done(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
  sqlite3_reset(stmt);
}

int index(const std::string& path, const std::string& corpus) {
  std::remove(path.c_str());
  Db db = open(path);
  exec(db.get(),
       "CREATE VIRTUAL TABLE docs USING fts5(title, body, published UNINDEXED, doc_id UNINDEXED, "
       "tokenize='porter unicode61 remove_diacritics 2');"
       "INSERT INTO docs(docs, rank) VALUES('rank', 'bm25(3.0, 1.0)');"
       "CREATE TABLE doc_topic(topic TEXT, docid INTEGER, PRIMARY KEY(topic, docid)) WITHOUT ROWID;"
       "BEGIN");
  Stmt insert_doc =
      prepare(db.get(), "INSERT INTO docs(title, body, published, doc_id) VALUES(?,?,?,?)");
  Stmt insert_topic =
      prepare(db.get(), "INSERT OR IGNORE INTO doc_topic(topic, docid) VALUES(?,?)");
  std::ifstream in(corpus);
  if (!in) throw std::runtime_error("cannot open " + corpus);
  std::string line;
  std::uint64_t count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto record = nlohmann::json::parse(line);
    const std::string title = record.value("title", "");
    std::string body = record.value("summary", "");
    if (!body.empty()) body += "\n\n";
    body += record.value("body", "");
    const std::string id = record.at("id").get<std::string>();
    sqlite3_bind_text(insert_doc.get(), 1, title.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_doc.get(), 2, body.c_str(), -1, SQLITE_TRANSIENT);
    if (record.contains("published")) {
      if (const auto ts = newsq::parse_iso8601(record["published"].get<std::string>()))
        sqlite3_bind_int64(insert_doc.get(), 3, ts->utc_seconds);
    } else {
      sqlite3_bind_null(insert_doc.get(), 3);
    }
    sqlite3_bind_text(insert_doc.get(), 4, id.c_str(), -1, SQLITE_TRANSIENT);
    step_done(db.get(), insert_doc.get());
    sqlite3_clear_bindings(insert_doc.get());
    const sqlite3_int64 rowid = sqlite3_last_insert_rowid(db.get());
    if (record.contains("topics")) {
      for (const auto& topic : record["topics"]) {
        const std::string text = topic.get<std::string>();
        sqlite3_bind_text(insert_topic.get(), 1, text.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert_topic.get(), 2, rowid);
        step_done(db.get(), insert_topic.get());
      }
    }
    ++count;
  }
  exec(db.get(), "COMMIT; INSERT INTO docs(docs) VALUES('optimize'); VACUUM;");
  std::cerr << "newsq-bench-fts5: indexed " << count << " documents\n";
  return 0;
}

/// FTS5 syntax for a bench query: each word quoted (so no word is read as an operator), words
/// ANDed by juxtaposition, a phrase as one quoted string.
std::string match_expression(const newsq::bench::BenchQuery& query) {
  std::string expression;
  if (query.phrase) {
    expression = "\"";
    for (const auto& word : query.words) expression += (expression.size() > 1 ? " " : "") + word;
    return expression + "\"";
  }
  for (const auto& word : query.words)
    expression += (expression.empty() ? "\"" : " \"") + word + "\"";
  return expression;
}

int query(const std::string& path, const std::string& queries_path, bool ids_only,
          const newsq::bench::MeasureOptions& options) {
  Db db = open(path);
  const std::string filters =
      " AND (?2 IS NULL OR published >= ?2) AND (?3 IS NULL OR published <= ?3)"
      " AND (?4 IS NULL OR rowid IN (SELECT docid FROM doc_topic WHERE topic = ?4))";
  const std::string columns = ids_only ? "rowid"
                                       : "rowid, doc_id, title, published, "
                                         "snippet(docs, 1, '<mark>', '</mark>', '...', 24)";
  Stmt top = prepare(db.get(), "SELECT " + columns + " FROM docs WHERE docs MATCH ?1" + filters +
                                   " ORDER BY rank LIMIT 10");
  Stmt topic_facet = prepare(db.get(),
                             "SELECT topic, count(*) AS n FROM doc_topic WHERE docid IN (SELECT "
                             "rowid FROM docs WHERE docs MATCH ?1" +
                                 filters + ") GROUP BY topic ORDER BY n DESC LIMIT 20");
  Stmt month_facet = prepare(db.get(),
                             "SELECT strftime('%Y-%m', published, 'unixepoch') AS m, count(*) FROM "
                             "docs WHERE docs MATCH ?1" +
                                 filters + " GROUP BY m ORDER BY m");
  const auto queries = newsq::bench::read_queries(queries_path);
  auto bind = [](sqlite3_stmt* stmt, const std::string& match, const newsq::bench::BenchQuery& q) {
    sqlite3_reset(stmt);
    sqlite3_bind_text(stmt, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    if (q.from)
      sqlite3_bind_int64(stmt, 2, *q.from);
    else
      sqlite3_bind_null(stmt, 2);
    if (q.to)
      sqlite3_bind_int64(stmt, 3, *q.to);
    else
      sqlite3_bind_null(stmt, 3);
    if (q.topic)
      sqlite3_bind_text(stmt, 4, q.topic->c_str(), -1, SQLITE_TRANSIENT);
    else
      sqlite3_bind_null(stmt, 4);
  };
  auto drain = [&](sqlite3_stmt* stmt) {
    std::size_t rows = 0;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (int column = 0; column < sqlite3_column_count(stmt); ++column)
        (void)sqlite3_column_text(stmt, column);  // materialise what a results page would show
      ++rows;
    }
    if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db.get()));
    return rows;
  };
  auto run = [&](const newsq::bench::BenchQuery& query) {
    const std::string match = match_expression(query);
    bind(top.get(), match, query);
    const std::size_t hits = drain(top.get());
    if (query.facets) {
      bind(topic_facet.get(), match, query);
      drain(topic_facet.get());
      bind(month_facet.get(), match, query);
      drain(month_facet.get());
    }
    return hits;
  };
  std::cout << newsq::bench::measure(queries, run, options).dump() << '\n';
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  newsq::bench::MeasureOptions options;
  newsq::bench::take_measure_options(args, options);
  const bool ids_only = newsq::bench::take_flag(args, "--ids-only");
  try {
    if (args.size() == 3 && args[0] == "index") return index(args[1], args[2]);
    if (args.size() == 3 && args[0] == "query") return query(args[1], args[2], ids_only, options);
  } catch (const std::exception& error) {
    std::cerr << "newsq-bench-fts5: " << error.what() << '\n';
    return 1;
  }
  std::cerr << "usage: newsq-bench-fts5 index DB CORPUS.jsonl\n"
               "       newsq-bench-fts5 query DB QUERIES.jsonl [--ids-only] [--repeats N]\n";
  return 2;
}
