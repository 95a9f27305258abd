// newsq-bench-xapian: raw Xapian, configured the obvious way a competent user would, with no
// newsq layer — the floor newsq's own overhead is measured against.
//   newsq-bench-xapian index DIR CORPUS.jsonl
//   newsq-bench-xapian query DIR QUERIES.jsonl [--repeats N] [--warmup N]
// Index: TermGenerator with the English stemmer and its default STEM_SOME; the title indexed
// twice (as the S-prefixed field and in the body with wdf 3); id, topic and date as boolean terms
// and values; the record stored as document data; one thread, one commit at the end with the
// default flush threshold. Query: QueryParser (default op AND, like newsq's "all" mode) and
// Enquire top 10, ids only; filters as OP_FILTER; facets with ValueCountMatchSpy over at least
// 1000 matches (newsq's sample size).
#include <xapian.h>

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "latency.hpp"
#include "newsq/timeutil.hpp"

namespace {

constexpr unsigned kSlotPublished = 0;
constexpr unsigned kSlotMonth = 1;
constexpr unsigned kSlotTopic = 2;

int index(const std::string& dir, const std::string& corpus) {
  Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
  Xapian::TermGenerator generator;
  generator.set_stemmer(Xapian::Stem("en"));
  std::ifstream in(corpus);
  if (!in) throw std::runtime_error("cannot open " + corpus);
  std::string line;
  std::uint64_t count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto record = nlohmann::json::parse(line);
    Xapian::Document doc;
    generator.set_document(doc);
    const std::string title = record.value("title", "");
    generator.index_text(title, 1, "S");
    generator.index_text(title, 3);
    generator.increase_termpos();
    generator.index_text(record.value("summary", ""));
    generator.increase_termpos();
    generator.index_text(record.value("body", ""));
    const std::string id = record.at("id").get<std::string>();
    doc.add_boolean_term("Q" + id);
    if (record.contains("topics")) {
      for (const auto& topic : record["topics"])
        doc.add_boolean_term("K" + topic.get<std::string>());
      if (!record["topics"].empty())
        doc.add_value(kSlotTopic, record["topics"][0].get<std::string>());
    }
    if (record.contains("published")) {
      if (const auto ts = newsq::parse_iso8601(record["published"].get<std::string>())) {
        doc.add_value(kSlotPublished,
                      Xapian::sortable_serialise(static_cast<double>(ts->utc_seconds)));
        doc.add_value(kSlotMonth, newsq::utc_day(ts->utc_seconds).substr(0, 6));
      }
    }
    doc.set_data(line);
    db.replace_document("Q" + id, doc);
    ++count;
  }
  db.commit();
  std::cerr << "newsq-bench-xapian: indexed " << count << " documents\n";
  return 0;
}

int query(const std::string& dir, const std::string& queries_path,
          const newsq::bench::MeasureOptions& options) {
  Xapian::Database db(dir);
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(Xapian::Stem("en"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(Xapian::Query::OP_AND);
  parser.add_prefix("title", "S");
  Xapian::Enquire enquire(db);
  const auto queries = newsq::bench::read_queries(queries_path);
  auto run = [&](const newsq::bench::BenchQuery& bench_query) {
    Xapian::Query query = parser.parse_query(bench_query.text);
    std::vector<Xapian::Query> filters;
    if (bench_query.topic) filters.emplace_back("K" + *bench_query.topic);
    if (bench_query.from || bench_query.to) {
      filters.emplace_back(
          Xapian::Query::OP_VALUE_RANGE, kSlotPublished,
          Xapian::sortable_serialise(static_cast<double>(bench_query.from.value_or(0))),
          Xapian::sortable_serialise(static_cast<double>(bench_query.to.value_or(1LL << 40))));
    }
    for (const auto& filter : filters)
      query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    enquire.set_query(query);
    enquire.clear_matchspies();
    Xapian::ValueCountMatchSpy topics(kSlotTopic);
    Xapian::ValueCountMatchSpy months(kSlotMonth);
    Xapian::doccount check_at_least = 10;
    if (bench_query.facets) {
      enquire.add_matchspy(&topics);
      enquire.add_matchspy(&months);
      check_at_least = 1000;
    }
    const Xapian::MSet mset = enquire.get_mset(0, 10, check_at_least);
    std::size_t hits = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it) hits += *it != 0 ? 1 : 0;
    if (bench_query.facets) {
      for (auto it = topics.top_values_begin(20); it != topics.top_values_end(20); ++it) (void)*it;
      for (auto it = months.values_begin(); it != months.values_end(); ++it) (void)*it;
    }
    enquire.clear_matchspies();  // the spies die at the end of this call
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
  try {
    if (args.size() == 3 && args[0] == "index") return index(args[1], args[2]);
    if (args.size() == 3 && args[0] == "query") return query(args[1], args[2], options);
  } catch (const std::exception& error) {
    std::cerr << "newsq-bench-xapian: " << error.what() << '\n';
    return 1;
  } catch (const Xapian::Error& error) {
    std::cerr << "newsq-bench-xapian: " << error.get_description() << '\n';
    return 1;
  }
  std::cerr << "usage: newsq-bench-xapian index DIR CORPUS.jsonl\n"
               "       newsq-bench-xapian query DIR QUERIES.jsonl [--repeats N] [--warmup N]\n";
  return 2;
}
