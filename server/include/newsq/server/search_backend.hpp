// What the router needs from the index: an interface so that routing and error mapping can be
// tested with a fake, and so that the server never sees how readers are pooled or refreshed.
#pragma once

#include <optional>
#include <string>

#include "newsq/article.hpp"
#include "newsq/searcher.hpp"

namespace newsq::server {

/// Thread-safe access to the index. Every method may throw newsq::Error (index_missing,
/// index_unavailable, schema_mismatch, bad_query, bad_parameter, internal); the router maps the
/// code to an HTTP status.
class SearchBackend {
 public:
  virtual ~SearchBackend() = default;

  /// Runs a search (see newsq::Searcher::search).
  virtual SearchResult search(const SearchRequest& request) = 0;

  /// The stored article with this id, or nullopt when there is none.
  virtual std::optional<Article> get(const std::string& id) = 0;

  /// Stories related to one story (see newsq::Searcher::related).
  virtual SearchResult related(const RelatedRequest& request) = 0;

  /// Search-box completions (see newsq::Searcher::suggest).
  virtual std::vector<Suggestion> suggest(std::string_view prefix, std::size_t limit) = 0;

  /// Document count, revision and path of the index as the reader currently sees it.
  virtual IndexStats stats() = 0;

  /// The configured index path (known even when the index cannot be opened).
  virtual std::string index_path() const = 0;
};

}  // namespace newsq::server
