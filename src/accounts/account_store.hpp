// Store calls for social accounts (social_account.hpp). Every call takes the
// owning OrgId first; another organisation's account reads as missing. Tokens
// cross this boundary only sealed. Run inside the caller's connection or
// transaction; upsert_account needs a transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/social_account.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/keyset.hpp"

namespace postfuze::accounts {

core::Result<std::optional<SocialAccount>> find_account(store::Connection& c, const core::OrgId& org,
                                                        std::string_view id);

// The account of `org` with this platform identity, whatever its status
// (a disconnected account is found too, so a reconnect revives it).
core::Result<std::optional<SocialAccount>> find_account_by_identity(store::Connection& c, const core::OrgId& org,
                                                                    std::string_view platform,
                                                                    std::string_view network_unique_id);

struct Upserted {
  SocialAccount account;
  bool created = false;
};

// Create-or-update on (org, platform, network_unique_id) — reconnecting the
// same platform identity keeps the same account id. Safe against concurrent
// callers: when no row exists, `create` builds the complete new account (its
// id already chosen, so tokens can be sealed under it) and it is inserted;
// when one exists — including one a concurrent caller inserted first —
// `update` changes the stored account in place and every column except id,
// org, platform, network_unique_id and created_at is written back.
core::Result<Upserted> upsert_account(store::Connection& c, const core::OrgId& org, std::string_view platform,
                                      std::string_view network_unique_id,
                                      const std::function<core::Result<SocialAccount>()>& create,
                                      const std::function<core::Status(SocialAccount&)>& update);

// Writes back every mutable column of an existing account (as upsert's
// update). not_found when it does not exist.
core::Status update_account(store::Connection& c, const SocialAccount& a);

struct AccountFilter {
  std::optional<std::string> id;
  std::optional<std::string> tenant_id;
  std::optional<std::string> platform;
  std::optional<std::string> status;  // when absent: every status except disconnected
};

// Newest first (created_at DESC, id DESC), keyset-paginated; disconnected
// accounts are listed only when filter.status asks for them.
core::Result<store::Page<SocialAccount>> list_accounts(store::Connection& c, const core::OrgId& org,
                                                       const AccountFilter& filter,
                                                       const std::optional<store::KeysetPosition>& after, int limit);

}  // namespace postfuze::accounts
