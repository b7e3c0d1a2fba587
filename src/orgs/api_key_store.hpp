// Store calls for API keys. Every call but the authentication lookup takes the
// owning OrgId, so another organisation's key id reads as missing. Run them
// inside the caller's connection or transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orgs/api_key.hpp"
#include "store/database.hpp"
#include "store/keyset.hpp"

namespace postfuze::orgs {

using store::KeysetPosition;

using ApiKeyPage = store::Page<ApiKey>;

struct NewApiKey {
  std::string name;
  KeyMode mode = KeyMode::live;
  std::vector<std::string> scopes;  // already validated by parse_scopes
  std::optional<core::TimePoint> expires_at;
};

struct IssuedApiKey {
  ApiKey key;
  core::Secret plaintext;  // shown to the caller once, never stored
};

// Generates a key for the org and stores its hash.
core::Result<IssuedApiKey> issue_api_key(store::Connection& c, const core::Clock& clock, core::Random& random,
                                         const core::OrgId& org, NewApiKey request);

core::Status insert_api_key(store::Connection& c, const ApiKey& key, std::string_view key_hash);
// The one lookup without an org: authentication, by the hash of the presented key.
core::Result<std::optional<ApiKey>> find_api_key_by_hash(store::Connection& c, std::string_view key_hash);
core::Result<std::optional<ApiKey>> find_api_key(store::Connection& c, const core::OrgId& org, std::string_view id);
// Newest first; starts after `after` when given; at most `limit` items.
core::Result<ApiKeyPage> list_api_keys(store::Connection& c, const core::OrgId& org,
                                       const std::optional<KeysetPosition>& after, int limit);
// Sets revoked_at unless already set. Returns false when no such key in the org.
core::Result<bool> revoke_api_key(store::Connection& c, const core::OrgId& org, std::string_view id,
                                  core::TimePoint now);
// All keys of every org, newest first (for the operator's CLI).
core::Result<std::vector<ApiKey>> list_all_api_keys(store::Connection& c);

}  // namespace postfuze::orgs
