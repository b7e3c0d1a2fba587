// PendingSession: a multi-account authorization waiting for the developer (or
// the customer on the hosted page) to choose which pages/organisations/
// locations/channels to connect (contract §11.5). Created by the callback,
// consumed once by finalize, expires kPendingLifetime after creation.
//
// The session token handed out ("ps_" + base64url of 32 random bytes) is a
// bearer credential: only its SHA-256 (hex) is stored. The choices are plain
// data; the platform tokens needed to connect them (the user's tokens and any
// per-choice token, e.g. a Facebook Page token) are sealed together as one
// JSON document under secrets_aad(org, id).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/sealed.hpp"

namespace postfuze::connect {

inline constexpr std::chrono::minutes kPendingLifetime{10};

// One choice, as GET /social-accounts/pending/{token} shows it (camelCase on the wire).
struct PendingChoice {
  std::string id;    // the platform's id of the page/organisation/location/channel
  std::string type;  // page, organization, profile, location, channel, business_account
  std::string name;
  std::optional<std::string> username;
  std::optional<std::string> profile_picture_url;
  friend bool operator==(const PendingChoice&, const PendingChoice&) = default;
};

struct PendingSession {
  std::string id;          // UUID
  core::OrgId org;
  std::string token_hash;  // hex SHA-256 of the session token
  std::string platform;
  std::string social_network_id;
  std::optional<std::string> tenant_id;
  std::vector<PendingChoice> choices;  // stored as a JSON array
  // Sealed JSON, under secrets_aad(org, id). Empty (never opens) until set:
  // Sealed has no default constructor, and without this initializer
  // PendingSession could not be default-constructed.
  core::Sealed secrets = core::Sealed::from_storage({});
  std::vector<std::string> scopes;     // granted scopes
  core::TimePoint expires_at;
  std::optional<core::TimePoint> consumed_at;
  core::TimePoint created_at;
};

// "pending_session.secrets|<org>|<id>".
std::string secrets_aad(const core::OrgId& org, std::string_view session_id);

// A fresh session token: "ps_" + base64url(32 random bytes).
std::string new_session_token(core::Random& random);
// Lowercase hex SHA-256 of the token.
std::string hash_session_token(std::string_view token);

}  // namespace postfuze::connect
