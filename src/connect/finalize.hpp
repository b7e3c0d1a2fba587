// Finishing a pending session (contract §11.5): the chosen ids become one
// account each, in one transaction — validated first (non-empty, no
// duplicates, every id offered; otherwise 422 and the session stays usable),
// then the session is consumed (exactly one of any number of concurrent
// finalizes wins; the others get session_expired), then the accounts and
// their `account.connected` events are written.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "accounts/social_account.hpp"
#include "connect/connect_services.hpp"
#include "connect/pending_session.hpp"
#include "core/result.hpp"

namespace postfuze::connect {

inline constexpr std::size_t kMaxSelected = 100;

// A session as its owner sees it; session_expired unless it is live.
// `org` nullopt: the hosted page, where the token alone is the credential.
boost::asio::awaitable<core::Result<PendingSession>> find_live_session(ConnectDeps deps,
                                                                       std::optional<core::OrgId> org,
                                                                       std::string token);

// `field` names the selection in validation errors ("selectedPageIds" in the
// API, "page" on the hosted form).
boost::asio::awaitable<core::Result<std::vector<accounts::SocialAccount>>> finalize_session(
    ConnectDeps deps, std::optional<core::OrgId> org, std::string token, std::vector<std::string> selected,
    std::string field);

}  // namespace postfuze::connect
