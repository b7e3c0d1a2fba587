// Store calls for social networks (social_network.hpp). Every call takes the
// owning OrgId first; another organisation's record reads as missing. The
// client secret crosses this boundary only sealed. Run inside the caller's
// connection or transaction; upsert_social_network needs a transaction.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "connect/social_network.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace postfuze::connect {

// Inserts a new record. A second record for the same (org, platform) is a
// conflict (unique index).
core::Status insert_social_network(store::Connection& c, const SocialNetwork& n);
core::Result<std::optional<SocialNetwork>> find_social_network(store::Connection& c, const core::OrgId& org,
                                                               std::string_view id);
core::Result<std::optional<SocialNetwork>> find_social_network_by_platform(store::Connection& c,
                                                                           const core::OrgId& org,
                                                                           std::string_view platform);
// Every record of the org (at most one per platform), ordered by platform.
core::Result<std::vector<SocialNetwork>> list_social_networks(store::Connection& c, const core::OrgId& org);
// Writes display_name, client_id, client_secret, redirect_uri, scopes,
// extra_config, is_enabled and updated_at of an existing record (id, org and
// platform never change). not_found when it does not exist.
core::Status update_social_network(store::Connection& c, const SocialNetwork& n);
// Deletes the record. False when missing.
core::Result<bool> delete_social_network(store::Connection& c, const core::OrgId& org, std::string_view id);

struct Upserted {
  SocialNetwork network;
  bool created = false;
};

// Create-or-update on (org, platform), safe against concurrent callers: when
// the org has no record for `platform`, `create` builds the complete new one
// (or returns an error, e.g. a missing required field) and it is inserted;
// when a record exists — including one a concurrent caller inserted first —
// `update` changes the stored record in place and it is written back.
core::Result<Upserted> upsert_social_network(store::Connection& c, const core::OrgId& org, std::string_view platform,
                                             const std::function<core::Result<SocialNetwork>()>& create,
                                             const std::function<core::Status(SocialNetwork&)>& update);

}  // namespace postfuze::connect
