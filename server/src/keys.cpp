#include "newsq/server/keys.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "newsq/errors.hpp"

namespace newsq::server {

namespace {

std::string_view trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

/// Constant time in the configured secret: every byte of `secret` is compared whatever `given`
/// is, and a length difference is folded into the same accumulator.
bool same_secret(std::string_view given, std::string_view secret) noexcept {
  unsigned char difference = given.size() == secret.size() ? 0 : 1;
  for (std::size_t i = 0; i < secret.size(); ++i) {
    unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    difference |= static_cast<unsigned char>(a ^ static_cast<unsigned char>(secret[i]));
  }
  return difference == 0;
}

/// The key of "Bearer KEY" (scheme case-insensitive), or nullopt for anything else.
std::optional<std::string_view> bearer_key(std::string_view authorization) noexcept {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() < kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i])
      return std::nullopt;
  auto key = trim(authorization.substr(kScheme.size()));
  if (key.empty()) return std::nullopt;
  return key;
}

bool valid_origin(std::string_view origin) {
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
  auto scheme = origin.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  auto host = origin.substr(scheme_end + 3);
  // An origin has no path: "https://example.org/" would never equal a browser's Origin header.
  return !host.empty() && host.find_first_of("/ ?#") == std::string_view::npos;
}

}  // namespace

void KeyRing::add(ApiKey key, std::string_view where) {
  // The messages name the source, never the key.
  if (key.secret.size() < 16)
    throw Error(ErrorCode::bad_parameter,
                std::string(where) +
                    ": key shorter than 16 characters; use a long random one (e.g. `openssl rand "
                    "-hex 32`)");
  if (std::any_of(key.secret.begin(), key.secret.end(),
                  [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    throw Error(ErrorCode::bad_parameter,
                std::string(where) + ": key contains whitespace or control characters");
  keys_.push_back(std::move(key));
}

bool KeyRing::has_admin_keys() const noexcept {
  return std::any_of(keys_.begin(), keys_.end(),
                     [](const ApiKey& key) { return key.kind == ApiKey::Kind::admin; });
}

bool KeyRing::has_search_keys() const noexcept {
  return std::any_of(keys_.begin(), keys_.end(),
                     [](const ApiKey& key) { return key.kind == ApiKey::Kind::search; });
}

Access KeyRing::authorize(std::string_view authorization, std::string_view origin) const noexcept {
  auto given = bearer_key(authorization);
  if (!given) return Access::none;
  // No early exit: every key is compared so the time does not say which one matched.
  Access best = Access::invalid;
  for (const auto& key : keys_) {
    bool match = same_secret(*given, key.secret);
    if (!match) continue;
    if (key.kind == ApiKey::Kind::admin) {
      best = Access::admin;
    } else if (key.origins.empty() ||
               std::find(key.origins.begin(), key.origins.end(), origin) != key.origins.end()) {
      if (best != Access::admin) best = Access::search;
    } else if (best == Access::invalid) {
      best = Access::search_elsewhere;
    }
  }
  return best;
}

KeyRing load_keys(const KeySources& sources) {
  KeyRing ring;
  if (sources.keys_file) {
    const auto& path = *sources.keys_file;
    std::ifstream in(path);
    if (!in) throw Error(ErrorCode::bad_parameter, "cannot read the keys file " + path);
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
      auto where = path + ":" + std::to_string(number);
      auto text = trim(line);
      if (text.empty() || text.front() == '#') continue;
      std::istringstream words{std::string(text)};
      std::string kind, secret, origin;
      words >> kind >> secret;
      ApiKey key;
      if (kind == "admin") {
        key.kind = ApiKey::Kind::admin;
      } else if (kind == "search") {
        key.kind = ApiKey::Kind::search;
      } else {
        throw Error(ErrorCode::bad_parameter,
                    where + ": expected 'admin KEY' or 'search KEY [ORIGIN...]'");
      }
      if (secret.empty()) throw Error(ErrorCode::bad_parameter, where + ": the key is missing");
      key.secret = std::move(secret);
      while (words >> origin) {
        if (key.kind == ApiKey::Kind::admin)
          throw Error(ErrorCode::bad_parameter,
                      where + ": admin keys take no origins (never give one to a browser)");
        if (!valid_origin(origin))
          throw Error(ErrorCode::bad_parameter,
                      where + ": '" + origin + "' is not an origin like https://example.org");
        key.origins.push_back(origin);
      }
      ring.add(std::move(key), where);
    }
  }
  if (sources.admin_token_file) {
    const auto& path = *sources.admin_token_file;
    std::ifstream in(path);
    if (!in) throw Error(ErrorCode::bad_parameter, "cannot read the admin token file " + path);
    std::string token;
    std::getline(in, token);
    ring.add({ApiKey::Kind::admin, std::string(trim(token)), {}}, "the admin token file " + path);
  }
  auto from_env = [&ring](const char* value, ApiKey::Kind kind, std::string_view name) {
    if (value == nullptr || *value == '\0') return;  // empty counts as unset
    ring.add({kind, std::string(trim(value)), {}}, name);
  };
  from_env(sources.admin_key_env, ApiKey::Kind::admin, "NEWSQ_ADMIN_KEY");
  from_env(sources.admin_token_env, ApiKey::Kind::admin, "NEWSQ_ADMIN_TOKEN");
  from_env(sources.search_key_env, ApiKey::Kind::search, "NEWSQ_SEARCH_KEY");
  return ring;
}

}  // namespace newsq::server
