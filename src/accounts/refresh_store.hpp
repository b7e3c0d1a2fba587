// Store calls for the token lifecycle of social accounts (migration 0006;
// docs/decisions.md D22). Kept apart from account_store.hpp: these touch only
// the refresh bookkeeping, the tokens and the status — each with a
// compare-and-swap condition, because several threads and processes sharing
// a database may race for one account:
//   claim_refresh   — one caller per (account, token_version) gets the lease;
//   store_refreshed — the new tokens land only on the version that was claimed;
//   transition      — a status change happens once, so its event fires once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/sealed.hpp"
#include "store/database.hpp"

namespace postfuze::accounts {

struct RefreshState {
  std::optional<core::TimePoint> last_refresh_at;
  std::optional<std::string> last_refresh_outcome;  // "ok" or "<class>: <reason>"
  std::optional<core::TimePoint> lease_until;
  std::optional<core::TimePoint> next_refresh_at;
  std::int64_t failures = 0;
};

core::Result<std::optional<RefreshState>> read_refresh_state(store::Connection& c, const core::OrgId& org,
                                                             std::string_view id);

// Takes the refresh lease of an active account still at `version` whose lease
// is free (absent or expired at `now`). True for exactly one caller.
core::Result<bool> claim_refresh(store::Connection& c, std::string_view id, std::int64_t version, core::TimePoint now,
                                 core::TimePoint lease_until);

struct RefreshedTokens {
  core::Sealed access_token;
  std::optional<core::Sealed> refresh_token;  // nullopt: keep the stored one (platforms that do not rotate)
  std::optional<core::TimePoint> expires_at;
  std::optional<core::TimePoint> refresh_expires_at;  // kept when nullopt
};

// Writes refreshed tokens if the account is still at `version` (then at
// version + 1), clears the lease and failures, records the outcome "ok".
// False when another writer changed the version first.
core::Result<bool> store_refreshed(store::Connection& c, std::string_view id, std::int64_t version,
                                   const RefreshedTokens& tokens, core::TimePoint now);

// Records a failed attempt: clears the lease, keeps the tokens, counts the
// failure, and sets when the background job may retry (nullopt: no retry).
core::Status record_refresh_failure(store::Connection& c, std::string_view id, std::string_view outcome,
                                    std::optional<core::TimePoint> retry_at, core::TimePoint now);

// Moves the account from `from` to `to`. True only for the call that made the
// change (so the caller emits the event exactly once).
core::Result<bool> transition_status(store::Connection& c, const core::OrgId& org, std::string_view id,
                                     std::string_view from, std::string_view to, core::TimePoint now);

// Active accounts of `platforms` whose token expires before `horizon`, not
// waiting for a retry and not leased at `now`: (org, id) pairs, soonest first.
core::Result<std::vector<std::pair<core::OrgId, std::string>>> due_for_refresh(
    store::Connection& c, const std::vector<std::string>& platforms, core::TimePoint horizon, core::TimePoint now,
    int limit);

}  // namespace postfuze::accounts
