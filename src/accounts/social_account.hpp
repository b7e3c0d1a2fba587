// SocialAccount: one connected end-user account the org publishes to — an X
// profile, a Facebook Page, a LinkedIn organisation, a YouTube channel, a
// Google Business location… (contract §13). Its id is what posts target.
// Tokens cross the store boundary only sealed, each under its own associated
// data (token_aad) naming the org, the account and the token's role, so a
// sealed token moved to another row or column never opens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/sealed.hpp"

namespace postfuze::accounts {

// Lifecycle (contract §13 suggestion): active → token_expired (refresh failed)
// or reauth_required (grant revoked); disabled by the operator; disconnected
// (soft-deleted: tokens erased, hidden from lists).
inline constexpr std::string_view kActive = "active";
inline constexpr std::string_view kTokenExpired = "token_expired";
inline constexpr std::string_view kReauthRequired = "reauth_required";
inline constexpr std::string_view kDisabled = "disabled";
inline constexpr std::string_view kDisconnected = "disconnected";

bool is_account_status(std::string_view status);

struct SocialAccount {
  std::string id;  // UUID
  core::OrgId org;
  std::string platform;
  std::optional<std::string> tenant_id;
  std::string social_network_id;  // the BYOK record or the shared app's fixed id
  std::string network_unique_id;  // the platform's own id for the account
  std::optional<std::string> username;
  std::optional<std::string> display_name;
  std::optional<std::string> profile_image_url;
  std::string account_type;  // profile, page, organization, location, channel, business_account
  std::string status = std::string(kActive);
  std::vector<std::string> scopes;
  std::optional<core::Sealed> access_token;   // under token_aad(org, id, "access_token")
  std::optional<core::Sealed> refresh_token;  // under token_aad(org, id, "refresh_token")
  // A credential that outlives the tokens: Bluesky's app password (contract
  // §12), under token_aad(org, id, "app_password"). Absent on OAuth accounts.
  std::optional<core::Sealed> app_password;
  std::optional<core::TimePoint> token_expires_at;
  std::optional<core::TimePoint> refresh_token_expires_at;
  std::int64_t token_version = 0;  // bumped on every token write (compare-and-swap for refresh)
  // Non-secret platform facts the publishers need later (e.g. the owning
  // user's id, a Bluesky PDS URL). Never tokens.
  boost::json::object platform_data;
  std::optional<core::TimePoint> last_synced_at;
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

// Associated data for a sealed token: "social_account.<role>|<org>|<account id>".
std::string token_aad(const core::OrgId& org, std::string_view account_id, std::string_view role);

}  // namespace postfuze::accounts
