#include "newsq/document.hpp"

#include <set>

#include "fingerprint.hpp"
#include "newsq/errors.hpp"
#include "newsq/schema.hpp"
#include "ranking.hpp"

namespace newsq {

DocumentBuilder::DocumentBuilder(const Analyzer& analyzer, Xapian::WritableDatabase* spelling_db)
    : analyzer_(analyzer) {
  // STEM_ALL measured better on the Glasgow collections but changes which story ranks first for
  // names with spelling variants; see ranking.hpp and bench/RESULTS.md, relevance section.
  generator_.set_stemming_strategy(ranking::kIndexStemming);
  Xapian::TermGenerator::flags flags = Xapian::TermGenerator::FLAG_CJK_NGRAM;
  if (spelling_db) {
    generator_.set_database(*spelling_db);
    flags |= Xapian::TermGenerator::FLAG_SPELLING;
  }
  generator_.set_flags(flags);
  generator_.set_stemmer(Analyzer::stemmer_for(generator_lang_ = "en"));
}

Xapian::Document DocumentBuilder::build(const Article& article) {
  if (article.id.empty()) throw Error(ErrorCode::internal, "DocumentBuilder: article without id");
  if (article.lang != generator_lang_) {
    generator_.set_stemmer(Analyzer::stemmer_for(article.lang));
    generator_lang_ = article.lang;
  }

  Xapian::Document doc;
  generator_.set_document(doc);
  const std::string title = analyzer_.fold(article.title);
  if (!title.empty()) {
    generator_.index_text(title, 1, std::string(schema::kPrefixTitle));
    generator_.index_text(title, schema::kTitleWeight);
    generator_.increase_termpos();
  }
  if (!article.summary.empty()) {
    generator_.index_text(analyzer_.fold(article.summary));
    generator_.increase_termpos();
  }
  if (!article.body.empty()) generator_.index_text(analyzer_.fold(article.body));

  doc.add_boolean_term(schema::id_term(article.id));

  std::string topics_value;
  std::set<std::string> seen_topics;
  for (const auto& topic : article.topics) {
    std::string folded = analyzer_.fold_value(topic);
    if (folded.empty() || !seen_topics.insert(folded).second) continue;
    doc.add_boolean_term(schema::boolean_term(schema::kPrefixTopic, folded));
    if (!topics_value.empty()) topics_value += schema::kListSeparator;
    topics_value += folded;
  }
  if (!topics_value.empty()) doc.add_value(schema::kSlotTopics, topics_value);

  if (!article.source.empty()) {
    std::string folded = analyzer_.fold_value(article.source);
    doc.add_boolean_term(schema::boolean_term(schema::kPrefixSource, folded));
    doc.add_value(schema::kSlotSource, folded);
  }
  doc.add_boolean_term(schema::boolean_term(schema::kPrefixKind, article.kind));
  doc.add_value(schema::kSlotKind, article.kind);
  doc.add_boolean_term(schema::boolean_term(schema::kPrefixLang, article.lang));
  for (const auto& author : article.authors) {
    std::string folded = analyzer_.fold_value(author);
    if (!folded.empty()) doc.add_boolean_term(schema::boolean_term(schema::kPrefixAuthor, folded));
  }

  if (article.published) {
    const std::string day = utc_day(article.published->utc_seconds);
    doc.add_boolean_term(std::string(schema::kPrefixDay) + day);
    doc.add_boolean_term(std::string(schema::kPrefixMonth) + day.substr(0, 6));
    doc.add_boolean_term(std::string(schema::kPrefixYear) + day.substr(0, 4));
    doc.add_value(schema::kSlotPublished,
                  Xapian::sortable_serialise(static_cast<double>(article.published->utc_seconds)));
    doc.add_value(schema::kSlotDay, day);
  }

  // Near-duplicates share a collapse key (see fingerprint.hpp): the body's lead, else the
  // summary's, so a republished wire story folds into one hit at search time.
  if (const std::string key = collapse_key(!article.body.empty() ? article.body : article.summary);
      !key.empty())
    doc.add_value(schema::kSlotCollapse, key);

  doc.set_data(to_json(article).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return doc;
}

Article article_from_document(const Xapian::Document& document) {
  const std::string data = document.get_data();
  auto json = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    throw Error(ErrorCode::internal, "stored document " + std::to_string(document.get_docid()) +
                                         " does not hold valid JSON");
  try {
    return article_from_json(json, /*require_text=*/false);
  } catch (const Error& error) {
    throw Error(ErrorCode::internal, "stored document " + std::to_string(document.get_docid()) +
                                         ": " + error.what());
  }
}

}  // namespace newsq
