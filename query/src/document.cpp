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

  doc.set_data(records_.pack(
      to_json(article).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  // Xapian's reference counts are not atomic: the generator must not share the document with a
  // thread it is handed to.
  generator_.set_document(Xapian::Document());
  return doc;
}

std::vector<std::pair<std::string, Xapian::termcount>> spelling_words(
    const Xapian::Document& document) {
  // The TermGenerator adds a spelling once per occurrence of a word indexed without a prefix.
  // The title is indexed twice: S-prefixed with wdf 1 per occurrence and unprefixed with
  // kTitleWeight, so an unprefixed word's occurrences are its wdf less (kTitleWeight - 1) per
  // title occurrence. Prefixes are capitals, and the generator lower-cases every word.
  std::vector<std::pair<std::string, Xapian::termcount>> title_wdf;
  std::vector<std::pair<std::string, Xapian::termcount>> words;
  const auto title_prefix = schema::kPrefixTitle;
  for (auto it = document.termlist_begin(); it != document.termlist_end(); ++it) {
    const std::string term = *it;
    if (term.empty()) continue;
    const unsigned char first = static_cast<unsigned char>(term[0]);
    if (first >= 'A' && first <= 'Z') {
      if (term.size() > title_prefix.size() &&
          term.compare(0, title_prefix.size(), title_prefix) == 0 &&
          !(static_cast<unsigned char>(term[title_prefix.size()]) >= 'A' &&
            static_cast<unsigned char>(term[title_prefix.size()]) <= 'Z'))
        title_wdf.emplace_back(term.substr(title_prefix.size()), it.get_wdf());
      continue;
    }
    words.emplace_back(term, it.get_wdf());
  }
  // Both lists are in term order (the termlist is sorted and the prefix is a constant).
  auto title = title_wdf.begin();
  for (auto& [word, occurrences] : words) {
    while (title != title_wdf.end() && title->first < word) ++title;
    if (title != title_wdf.end() && title->first == word) {
      const Xapian::termcount extra = (schema::kTitleWeight - 1) * title->second;
      occurrences = occurrences > extra ? occurrences - extra : 0;
    }
  }
  std::erase_if(words, [](const auto& word) { return word.second == 0; });
  return words;
}

Article article_from_document(const Xapian::Document& document, RecordCodec& records) {
  const std::string data = records.unpack(document);
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
