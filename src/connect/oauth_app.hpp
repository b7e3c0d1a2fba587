// OAuthApp: the client credentials one connect flow runs with — an
// organisation's enabled social network record (BYOK) or, failing that, the
// operator's shared app (contract §10, §11.7). Resolved by auth-url, and
// again by the callback from the network id sealed in `state`, so a record
// disabled or deleted in between stops the flow.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/shared_apps.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "crypto/key_ring.hpp"
#include "store/database.hpp"

namespace postfuze::connect {

struct OAuthApp {
  std::string network_id;  // the record's id, or shared_network_id(platform)
  bool shared = false;
  std::string client_id;
  core::Secret client_secret;
  std::string redirect_uri;         // the platform-registered callback URL
  std::vector<std::string> scopes;  // empty: the catalogue's defaults
};

// For auth-url: the org's enabled record for `platform`, else the shared app,
// else nullopt (→ network_not_configured). `callback_url` is the redirect URI
// used when the record does not name one.
core::Result<std::optional<OAuthApp>> resolve_app(store::Connection& c, const crypto::KeyRing& keys,
                                                  const SharedApps& shared, const core::OrgId& org,
                                                  std::string_view platform, const std::string& callback_url);

// Why the callback cannot use the app sealed in `state`.
enum class AppProblem {
  none,
  wrong_platform,  // the record is another platform's: the state was not made for it
  disabled,        // disabled, deleted, its credentials removed, or the shared app withdrawn
};

struct StateApp {
  std::optional<OAuthApp> app;
  AppProblem problem = AppProblem::none;
};

// For the callback: the app named by `network_id` in the state.
core::Result<StateApp> app_for_state(store::Connection& c, const crypto::KeyRing& keys, const SharedApps& shared,
                                     const core::OrgId& org, std::string_view platform, std::string_view network_id,
                                     const std::string& callback_url);

}  // namespace postfuze::connect
