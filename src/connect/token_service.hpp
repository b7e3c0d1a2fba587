// Usable access tokens for social accounts (issue: accounts — token
// lifecycle; docs/decisions.md D22). Every caller that needs to act for an
// account asks here: a token comfortably before its expiry is returned as it
// is; one within the platform's margin (or known stale) is renewed first.
//
// Single flight across threads and processes sharing a database: the
// refresher is whoever wins refresh_store's claim on (account,
// token_version); everyone else re-reads until the version moves and uses the
// winner's token. A rotated refresh token is saved in the same UPDATE as the
// new access token. Failures change the status exactly once
// (active → token_expired, with one `account.token_expired` event); transient
// ones leave it active, record the outcome and schedule a retry with backoff.
// Coroutines: waiting for another refresher is an asio timer, never a sleep.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "connect/connect_services.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"

namespace postfuze::connect {

struct AccessToken {
  core::Secret token;
  std::int64_t version = 0;  // the account's token_version this token belongs to
  std::string platform;
};

// A usable token of the account. `stale_version`: the caller saw the platform
// refuse the token of that version (a 401), so renew it even if its expiry
// says otherwise. Errors: not_found; conflict when the account is not active
// (its status in the detail); unavailable when the platform could not be
// reached (the account stays active).
boost::asio::awaitable<core::Result<AccessToken>> access_token(ConnectDeps deps, core::OrgId org, std::string id,
                                                               std::optional<std::int64_t> stale_version = std::nullopt);

// Moves an active account to `status` (token_expired or reauth_required) and
// emits the matching `account.*` event, once however many callers race.
boost::asio::awaitable<core::Status> mark_account(ConnectDeps deps, core::OrgId org, std::string id,
                                                  std::string status, std::string reason);

// Retry delay after the n-th consecutive transient failure (1 → 1 min, doubling, at most 1 h).
std::chrono::seconds refresh_backoff(std::int64_t failures);

}  // namespace postfuze::connect
