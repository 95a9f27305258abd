// Ingest over HTTP: what the router needs from the index writer (IngestBackend, so routing and
// validation are tested with a fake), and the parsing and validation of request bodies. The
// admin keys that guard the ingest routes are in keys.hpp.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsq/article.hpp"
#include "newsq/errors.hpp"

namespace newsq::server {

/// One change to the index, already validated.
struct Change {
  enum class Kind { upsert, remove };
  Kind kind = Kind::upsert;
  Article article;  ///< upsert: the article, its id set (derived when the input gave none)
  std::string id;   ///< the id of the article upserted or removed
};

/// What became of a submitted batch of changes.
struct IngestOutcome {
  /// Set when nothing of the batch was committed (index locked for too long, write failure,
  /// server stopping). Otherwise every change is committed and durable.
  std::optional<Error> error;
  /// Per change, in order: for a removal, whether a document with that id existed; true for
  /// upserts.
  std::vector<bool> existed;
};

/// The single writer of the index, fed by the router. Thread-safe.
class IngestBackend {
 public:
  using Completion = std::function<void(IngestOutcome)>;
  virtual ~IngestBackend() = default;

  /// Queues `changes` to be committed as part of one transaction (all or nothing) and calls
  /// `done` exactly once, from the writer's thread, after the commit returned or failed. Never
  /// blocks on the index.
  virtual void submit(std::vector<Change> changes, Completion done) = 0;
};

/// How a POST body is read.
enum class BodyFormat {
  json,        ///< one JSON object or a JSON array of objects
  json_lines,  ///< one JSON object per line (blank lines skipped)
  sniff,       ///< JSON when the whole body parses as one JSON value, else JSON Lines
};

/// application/json -> json; application/x-ndjson, application/jsonl, application/json-lines
/// (and the x- variants) -> json_lines; anything else, or none -> sniff. Parameters such as
/// "; charset=utf-8" are ignored, the type case-insensitively.
BodyFormat body_format_for(std::string_view content_type);

/// One problem with an ingest body: `item` is the 0-based array index (JSON arrays) or the
/// 1-based line (JSON Lines); absent for a single object or the whole body.
struct BodyProblem {
  std::optional<std::size_t> item;
  std::string message;
};

/// Parses and validates a POST /articles body into upserts (ids derived when missing). All or
/// nothing: when any record is invalid, throws IngestRejected listing every problem (at most
/// `max_problems`). An empty body or array is a problem too.
std::vector<Change> parse_articles(std::string_view body, BodyFormat format,
                                   std::size_t max_problems = 20);

/// Parses the body of PUT /articles/{id}: one JSON object whose `id`, when present, must equal
/// `path_id` (else it is set from the path). Throws IngestRejected.
Change parse_put_article(std::string_view body, const std::string& path_id);

/// A rejected ingest body: the problems, with "item"/"line" naming where each one is.
class IngestRejected : public Error {
 public:
  IngestRejected(std::vector<BodyProblem> problems, bool lines);
  const std::vector<BodyProblem>& problems() const noexcept { return problems_; }
  /// True when BodyProblem::item is a line number (JSON Lines), false for an array index.
  bool lines() const noexcept { return lines_; }

 private:
  std::vector<BodyProblem> problems_;
  bool lines_ = false;
};

}  // namespace newsq::server
