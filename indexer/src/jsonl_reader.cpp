#include <istream>

#include <nlohmann/json.hpp>

#include "newsq/errors.hpp"
#include "newsq/indexer/readers.hpp"
#include "text.hpp"

namespace newsq::indexer {

namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; the id means nothing to
// someone fixing their input.
std::string without_exception_id(std::string_view message) {
  if (message.starts_with("[json.exception.")) {
    const auto end = message.find("] ");
    if (end != std::string_view::npos) message.remove_prefix(end + 2);
  }
  return std::string(message);
}

}  // namespace

void read_jsonl(std::istream& in, const std::string& name, const ReadOptions& options,
                RecordSink& sink) {
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    text::normalise_line(line, line_number == 1);
    if (text::blank(line)) continue;

    // Replaced before parsing: nlohmann rejects ill-formed UTF-8, and a stray byte should not
    // cost the whole record.
    if (text::replace_invalid_utf8(line))
      sink.on_problem({name, line_number, "invalid UTF-8 replaced", Severity::warning});

    nlohmann::json json;
    try {
      json = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range (1e999)
      sink.on_problem(
          {name, line_number, "invalid JSON: " + without_exception_id(e.what()), Severity::error});
      continue;
    }

    Article article;
    try {
      article = article_from_json(json);
    } catch (const Error& e) {
      sink.on_problem({name, line_number, e.what(), Severity::error});
      continue;
    } catch (const nlohmann::json::exception& e) {
      sink.on_problem({name, line_number, without_exception_id(e.what()), Severity::error});
      continue;
    }
    if (article.source.empty()) article.source = options.source;
    sink.on_article(std::move(article), line_number);
  }
}

}  // namespace newsq::indexer
