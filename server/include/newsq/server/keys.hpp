// API keys: who may call which route. Two kinds of key, both sent as `Authorization: Bearer KEY`:
//  - admin keys: the ingest routes (POST /articles, PUT/DELETE /articles/{id}) and, with
//    --metrics-admin, GET /metrics. Never give one to a browser.
//  - search keys: GET /search and GET /articles/{id}. Safe to embed in a site's JavaScript; a
//    search key may be restricted to origins, and is then accepted only with a matching
//    `Origin` header. Search stays public while no search key is configured.
// Keys come from a key file (--keys-file), the environment (NEWSQ_ADMIN_KEY, NEWSQ_SEARCH_KEY)
// and the older single admin token (--admin-token-file, NEWSQ_ADMIN_TOKEN), never from the
// command line of a running process (any user can read it in /proc). Keys are compared in
// constant time and never logged or echoed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsq::server {

/// What a request's credentials allow.
enum class Access {
  none,     ///< no Authorization header (or not a Bearer one)
  invalid,  ///< a Bearer key that matches no configured key (or an origin-restricted search key
            ///< used from another origin)
  search_elsewhere,  ///< an origin-restricted search key sent without one of its origins
  search,            ///< a search key
  admin,             ///< an admin key (allows search too)
};

/// One configured key.
struct ApiKey {
  enum class Kind { admin, search };
  Kind kind = Kind::search;
  std::string secret;
  /// Search keys only: origins ("https://example.org") allowed to use it; empty = any.
  std::vector<std::string> origins;
};

/// The keys a server accepts. Immutable after loading; safe to read from many threads.
class KeyRing {
 public:
  KeyRing() = default;
  explicit KeyRing(std::vector<ApiKey> keys) : keys_(std::move(keys)) {}

  /// Adds a key (while loading). Throws Error(bad_parameter) for a secret shorter than 16
  /// characters or containing whitespace; `where` names the source in the message.
  void add(ApiKey key, std::string_view where);

  bool has_admin_keys() const noexcept;
  bool has_search_keys() const noexcept;
  std::size_t size() const noexcept { return keys_.size(); }

  /// What `authorization` (the header's value) allows for a request carrying `origin` (the
  /// Origin header, "" when absent). Every configured key is compared, each in constant time,
  /// so the time taken does not depend on which key matched or where a guess differs.
  Access authorize(std::string_view authorization, std::string_view origin) const noexcept;

 private:
  std::vector<ApiKey> keys_;
};

/// Where keys may come from; every source given is used (their keys are added together).
struct KeySources {
  std::optional<std::string> keys_file;         ///< --keys-file
  std::optional<std::string> admin_token_file;  ///< --admin-token-file (first line: admin key)
  const char* admin_key_env = nullptr;          ///< NEWSQ_ADMIN_KEY (empty = unset)
  const char* search_key_env = nullptr;         ///< NEWSQ_SEARCH_KEY (empty = unset)
  const char* admin_token_env = nullptr;        ///< NEWSQ_ADMIN_TOKEN (alias of NEWSQ_ADMIN_KEY)
};

/// Loads the key ring. The key file has one key a line: `admin KEY` or `search KEY [ORIGIN...]`;
/// blank lines and lines starting with '#' are ignored. Throws Error(bad_parameter) naming
/// FILE:LINE for an unreadable file, an unknown kind, a missing or short key (< 16 characters)
/// or an origin that is not scheme://host[:port]. Messages never contain a key.
KeyRing load_keys(const KeySources& sources);

}  // namespace newsq::server
