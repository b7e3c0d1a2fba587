// Bluesky connect (contract §12, platforms.md §14, docs/decisions.md D20):
// no OAuth round trip — the customer gives an identifier (handle, email or
// DID) and an app password, and one call turns them into a social account.
//
//   handle ─resolveHandle (service) / well-known─▶ DID ─PLC / did:web─▶ DID document ─#atproto_pds─▶ PDS
//   DID ───────────────────────────────────────────────────────────────┘
//   email ─createSession at the service (entryway)─▶ DID + didDoc ─▶ PDS
//   then: createSession at the PDS → scope check (app passwords only) →
//   getProfile → upsert on (org, bluesky, DID) + account.connected, one transaction.
//
// The PDS is fixed here, at connect time, in platform_data.pds; nothing later
// accepts another. Stored sealed, each under token_aad(org, account, role):
// the access JWT (with its `exp`), the refresh JWT and the app password (the
// credential that mints a new session when the refresh JWT dies).
//
// Errors: validation_failed on `app_password` (rule account_password) for the
// main account password; invalid_credentials when the identity does not
// resolve or the PDS refuses the password; platform_unavailable when a
// resolver or the PDS cannot be reached. Nothing is stored on any error, and
// neither the password nor a token reaches a log line or an error.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "accounts/social_account.hpp"
#include "connect/connect_services.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"

namespace postfuze::connect {

// The scope claims of an AT Protocol session JWT.
inline constexpr std::string_view kScopeAppPass = "com.atproto.appPass";
inline constexpr std::string_view kScopeAppPassPrivileged = "com.atproto.appPassPrivileged";
inline constexpr std::string_view kScopeFullAccess = "com.atproto.access";  // the main account password

struct BlueskyCredentials {
  std::string identifier;  // handle, email or DID, as the customer typed it
  core::Secret app_password;
  std::optional<std::string> tenant_id;
};

struct BlueskyConnection {
  accounts::SocialAccount account;
  bool created = false;  // false: the same DID was connected before (same account id)
};

boost::asio::awaitable<core::Result<BlueskyConnection>> connect_bluesky(ConnectDeps d, core::OrgId org,
                                                                        BlueskyCredentials credentials);

}  // namespace postfuze::connect
