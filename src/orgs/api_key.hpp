// API keys: format, hashing and scopes (contract §4).
//
// A key is "sk_live_" or "sk_test_" followed by the base64url text of 32
// random bytes (43 characters). The prefix decides the request mode. Only the
// SHA-256 of the whole key is stored; the plaintext is shown once. Because the
// lookup is by hash, the time a lookup takes says nothing about how much of a
// guessed key was right.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"

namespace postfuze::orgs {

enum class KeyMode { live, test };

std::string_view to_string(KeyMode mode);
std::optional<KeyMode> parse_key_mode(std::string_view s);

// Write scopes (contract §4). "*" grants every write; reads need no scope.
inline constexpr std::string_view kAllScopes = "*";
const std::vector<std::string_view>& known_scopes();
// Validates and normalises a scope list (deduplicated, order kept). Errors
// name the offending entry as field "scopes.<i>".
core::Result<std::vector<std::string>> parse_scopes(const std::vector<std::string>& scopes);

struct ApiKey {
  std::string id;
  core::OrgId org;
  std::string name;
  std::string prefix;  // first characters of the key, safe to show ("sk_live_AbCd")
  KeyMode mode = KeyMode::live;
  std::vector<std::string> scopes;
  core::TimePoint created_at;
  std::optional<core::TimePoint> expires_at;
  std::optional<core::TimePoint> revoked_at;

  bool allows(std::string_view scope) const;
  bool usable_at(core::TimePoint now) const { return !revoked_at && (!expires_at || now < *expires_at); }
};

struct GeneratedKey {
  core::Secret plaintext;
  std::string hash;    // hex SHA-256 of the plaintext
  std::string prefix;  // display prefix
};

GeneratedKey generate_api_key(KeyMode mode, core::Random& random);
std::string hash_api_key(std::string_view plaintext);
// True when the text has a key's shape (prefix, length, alphabet); checked
// before any store lookup.
bool looks_like_api_key(std::string_view text);

}  // namespace postfuze::orgs
