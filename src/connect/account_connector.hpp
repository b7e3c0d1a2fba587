// Turning a finished authorization into social accounts: one account per
// chosen candidate, upserted on (org, platform, platform id) so reconnecting
// keeps the account id, tokens sealed under the account's own associated
// data, and one `account.connected` event per account through the webhook
// outbox — all inside the caller's transaction, so either everything lands or
// nothing does. Also the sealed token bundle a pending session carries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accounts/social_account.hpp"
#include "connect/oauth_client.hpp"
#include "connect/platform_profile.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "crypto/key_ring.hpp"
#include "store/database.hpp"

namespace postfuze::connect {

struct Authorization {
  std::string platform;
  std::string network_id;
  std::optional<std::string> tenant_id;
  std::string login_id;  // the identity that authorized (kept as platform_data.login_id)
  TokenGrant grant;
};

core::Result<std::vector<accounts::SocialAccount>> connect_accounts(store::Connection& c, const crypto::KeyRing& keys,
                                                                    const core::Clock& clock, core::Random& random,
                                                                    const core::OrgId& org, const Authorization& auth,
                                                                    const std::vector<Candidate>& chosen);

// The tokens of an authorization waiting in a pending session, as one JSON
// document (sealed by the caller under secrets_aad), and back.
std::string token_bundle(const Authorization& auth, const std::vector<Candidate>& candidates);
// Restores grant, login id and each candidate's own token (matched by choice id).
core::Status read_token_bundle(const core::Secret& bundle, Authorization& auth, std::vector<Candidate>& candidates);

}  // namespace postfuze::connect
