#include "newsq/server/ingest.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "newsq/indexer/readers.hpp"

namespace newsq::server {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the id means nothing to
// someone fixing their input.
std::string without_exception_id(std::string_view message) {
  if (message.starts_with("[json.exception.")) {
    auto end = message.find("] ");
    if (end != std::string_view::npos) message.remove_prefix(end + 2);
  }
  return std::string(message);
}

Change upsert(Article article) {
  if (article.id.empty()) article.id = derive_id(article);
  Change change{Change::Kind::upsert, std::move(article), {}};
  change.id = change.article.id;
  return change;
}

std::string describe(const std::vector<BodyProblem>& problems, bool lines) {
  if (problems.empty()) return "invalid body";
  const auto& first = problems.front();
  std::string where;
  if (first.item) where = (lines ? "line " : "item ") + std::to_string(*first.item) + ": ";
  std::string text = where + first.message;
  if (problems.size() > 1)
    text += " (and " + std::to_string(problems.size() - 1) + " more problem" +
            (problems.size() > 2 ? "s" : "") + "; nothing was indexed)";
  else
    text += " (nothing was indexed)";
  return text;
}

/// Collects what read_jsonl finds; warnings (invalid UTF-8 replaced) keep the record.
class CollectingSink final : public indexer::RecordSink {
 public:
  explicit CollectingSink(std::size_t max_problems) : max_problems_(max_problems) {}
  void on_article(Article&& article, std::size_t) override {
    changes.push_back(upsert(std::move(article)));
  }
  void on_problem(indexer::Problem&& problem) override {
    if (problem.severity != indexer::Severity::error) return;
    ++errors;
    if (problems.size() < max_problems_)
      problems.push_back({problem.line, std::move(problem.message)});
  }
  std::vector<Change> changes;
  std::vector<BodyProblem> problems;
  std::size_t errors = 0;

 private:
  std::size_t max_problems_;
};

std::vector<Change> parse_json_lines(std::string_view body, std::size_t max_problems) {
  std::istringstream in{std::string(body)};
  CollectingSink sink(max_problems);
  indexer::read_jsonl(in, "<body>", {}, sink);
  if (!sink.problems.empty()) throw IngestRejected(std::move(sink.problems), true);
  if (sink.changes.empty())
    throw IngestRejected({{std::nullopt, "the body holds no article"}}, true);
  return std::move(sink.changes);
}

Article article_at(const nlohmann::json& json) {
  try {
    return article_from_json(json);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::bad_record, without_exception_id(e.what()));
  }
}

std::vector<Change> parse_json_value(const nlohmann::json& json, std::size_t max_problems) {
  std::vector<Change> changes;
  if (json.is_object()) {
    try {
      changes.push_back(upsert(article_at(json)));
    } catch (const Error& e) {
      throw IngestRejected({{std::nullopt, e.what()}}, false);
    }
    return changes;
  }
  if (!json.is_array())
    throw IngestRejected({{std::nullopt,
                           "the body must be a JSON object, an array of objects or "
                           "JSON Lines"}},
                         false);
  if (json.empty()) throw IngestRejected({{std::nullopt, "the array holds no article"}}, false);
  std::vector<BodyProblem> problems;
  for (std::size_t i = 0; i < json.size(); ++i) {
    try {
      changes.push_back(upsert(article_at(json[i])));
    } catch (const Error& e) {
      if (problems.size() < max_problems) problems.push_back({i, e.what()});
    }
  }
  if (!problems.empty()) throw IngestRejected(std::move(problems), false);
  return changes;
}

}  // namespace

IngestRejected::IngestRejected(std::vector<BodyProblem> problems, bool lines)
    : Error(ErrorCode::bad_record, describe(problems, lines)),
      problems_(std::move(problems)),
      lines_(lines) {}

BodyFormat body_format_for(std::string_view content_type) {
  auto type = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type == "application/json") return BodyFormat::json;
  for (std::string_view lines :
       {"application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonl",
        "application/json-lines", "application/jsonlines", "application/x-jsonlines"})
    if (type == lines) return BodyFormat::json_lines;
  return BodyFormat::sniff;
}

std::vector<Change> parse_articles(std::string_view body, BodyFormat format,
                                   std::size_t max_problems) {
  if (trim(body).empty())
    throw IngestRejected({{std::nullopt,
                           "the body is empty; send a JSON article, an array or "
                           "JSON Lines"}},
                         false);
  if (format == BodyFormat::json_lines) return parse_json_lines(body, max_problems);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range (1e999)
    // Several JSON objects one per line are JSON Lines, not a malformed JSON document.
    if (format == BodyFormat::sniff) return parse_json_lines(body, max_problems);
    throw IngestRejected({{std::nullopt, "invalid JSON: " + without_exception_id(e.what())}},
                         false);
  }
  return parse_json_value(json, max_problems);
}

Change parse_put_article(std::string_view body, const std::string& path_id) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range (1e999)
    throw IngestRejected({{std::nullopt, "invalid JSON: " + without_exception_id(e.what())}},
                         false);
  }
  if (!json.is_object())
    throw IngestRejected({{std::nullopt, "PUT /articles/{id} takes one JSON object"}}, false);
  if (auto id = json.find("id"); id != json.end() && !id->is_null()) {
    if (!id->is_string() || id->get<std::string>() != path_id)
      throw IngestRejected(
          {{std::nullopt, "field 'id' (" + id->dump() + ") does not match the id in the path (\"" +
                              path_id + "\")"}},
          false);
  }
  json["id"] = path_id;
  try {
    return upsert(article_at(json));
  } catch (const Error& e) {
    throw IngestRejected({{std::nullopt, e.what()}}, false);
  }
}

}  // namespace newsq::server
