// The stored-document format: one Article per indexed record, serialised as JSON in the Xapian
// document's data. Readers of every input format produce Articles; search results are read back
// from the same JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "newsq/timeutil.hpp"

namespace newsq {

struct Article {
  std::string id;       ///< unique id; derived by derive_id() when the source gives none
  std::string url;
  std::string title;    ///< may be empty (untitled wire briefs)
  std::string body;     ///< full text
  std::string summary;  ///< lead or summary, may be empty
  std::optional<Timestamp> published;
  std::vector<std::string> topics;
  std::vector<std::string> authors;
  std::string source;
  std::string kind = "article";  ///< "article" or "brief"
  std::string lang = "en";       ///< ISO 639-1 code
  nlohmann::json extra = nlohmann::json::object();  ///< unknown input fields, kept verbatim

  /// The text shown when there is no title: the first words of summary or body.
  std::string display_title(std::size_t max_chars = 80) const;
};

/// A stable id for a record without one: "u" + hash of the url, else "t" + hash of title and
/// published time. Same input, same id, across runs and machines (FNV-1a 64, hex).
std::string derive_id(const Article& article);

/// The stored JSON: {id, url, title, body, summary, published, topics, authors, source, kind,
/// lang, ...extra}. Empty optional fields are omitted.
nlohmann::json to_json(const Article& article);

/// Reads an Article from JSON in the input/stored format. Unknown fields go to `extra`.
/// Throws Error(bad_record) naming the field when a field has the wrong type, `published` is not
/// ISO-8601, `kind` is not article/brief, or the record has neither title nor text.
/// `require_text` = false reads stored documents, which may hold an empty archived record.
Article article_from_json(const nlohmann::json& json, bool require_text = true);

/// What a search hit shows of a stored Article, read from the stored JSON (`to_json`'s output)
/// without building a JSON tree and without decoding the fields it does not need: id, url,
/// title, published, topics, source, kind and lang always; body and summary only `with_text`,
/// or when the title is blank (display_title() then needs them); authors and unknown fields
/// never. nullopt whenever the data is anything but a well-formed object whose known fields
/// have the stored types and values: the caller then reads it the full way (article_from_json),
/// which gives the same Article or the error.
std::optional<Article> hit_fields_from_stored(std::string_view stored, bool with_text);

}  // namespace newsq
