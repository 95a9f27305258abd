#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

#include "engines.hpp"

namespace newsq::relevance {

namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "?";
    sqlite3_free(message);
    throw std::runtime_error("fts5: " + text + " in: " + sql);
  }
}

Stmt prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("fts5: ") + sqlite3_errmsg(db) + " in: " + sql);
  return Stmt(raw);
}

}  // namespace

Runs run_fts5(const Collection& collection, double title_weight) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open(":memory:", &raw);
  Db db(raw);
  if (rc != SQLITE_OK) throw std::runtime_error("fts5: cannot open an in-memory database");
  // The same table as bench/tools/fts5.cpp (title, body = summary + body), minus the columns
  // only a results page needs.
  exec(db.get(),
       "CREATE VIRTUAL TABLE docs USING fts5(title, body, "
       "tokenize='porter unicode61 remove_diacritics 2');"
       "INSERT INTO docs(docs, rank) VALUES('rank', 'bm25(" +
           std::to_string(title_weight) + ", 1.0)');BEGIN");
  {
    Stmt insert = prepare(db.get(), "INSERT INTO docs(rowid, title, body) VALUES(?,?,?)");
    sqlite3_int64 rowid = 0;
    for (const auto& article : collection.docs) {
      std::string body = article.summary;
      if (!body.empty()) body += "\n\n";
      body += article.body;
      sqlite3_bind_int64(insert.get(), 1, ++rowid);
      sqlite3_bind_text(insert.get(), 2, article.title.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert.get(), 3, body.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(insert.get()) != SQLITE_DONE)
        throw std::runtime_error(std::string("fts5: ") + sqlite3_errmsg(db.get()));
      sqlite3_reset(insert.get());
    }
  }
  exec(db.get(), "COMMIT; INSERT INTO docs(docs) VALUES('optimize');");

  Stmt top = prepare(db.get(), "SELECT rowid FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT " +
                                   std::to_string(kDepth));
  Runs runs;
  for (const auto& query : collection.queries) {
    std::string match;
    for (const auto& word : query_words(query.text))
      match += (match.empty() ? "\"" : " OR \"") + word + "\"";  // quoted: never an operator
    std::vector<std::string>& ranked = runs[query.id];
    if (match.empty()) continue;
    sqlite3_reset(top.get());
    sqlite3_bind_text(top.get(), 1, match.c_str(), -1, SQLITE_TRANSIENT);
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(top.get())) == SQLITE_ROW) {
      const auto rowid = static_cast<std::size_t>(sqlite3_column_int64(top.get(), 0));
      ranked.push_back(collection.docs.at(rowid - 1).id);
    }
    if (step != SQLITE_DONE)
      throw std::runtime_error(std::string("fts5: ") + sqlite3_errmsg(db.get()));
  }
  return runs;
}

std::vector<std::string> query_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && std::find(words.begin(), words.end(), word) == words.end())
      words.push_back(word);
    word.clear();
  };
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80)
      word += static_cast<char>(std::tolower(byte));
    else
      flush();
  }
  flush();
  return words;
}

}  // namespace newsq::relevance
