// Store calls for pending sessions (pending_session.hpp) and for the connect
// state nonces that make every OAuth `state` single-use. Run inside the
// caller's connection or transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "connect/pending_session.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace postfuze::connect {

core::Status insert_pending_session(store::Connection& c, const PendingSession& s);

// By token hash within `org` (API calls) — whatever its state; the caller
// decides what expired or consumed means for it. Another org's session reads
// as missing.
core::Result<std::optional<PendingSession>> find_pending_session(store::Connection& c, const core::OrgId& org,
                                                                 std::string_view token_hash);
// By token hash alone (the hosted page, where the token itself is the credential).
core::Result<std::optional<PendingSession>> find_pending_session_by_token(store::Connection& c,
                                                                          std::string_view token_hash);

// Marks the session consumed at `now` if it is neither consumed nor expired
// (expires_at > now). True for exactly one caller, however many race
// (a conditional UPDATE; on PostgreSQL the loser waits on the row lock and
// then sees it consumed).
core::Result<bool> consume_pending_session(store::Connection& c, const core::OrgId& org, std::string_view id,
                                           core::TimePoint now);

// Deletes sessions that expired before `before`. Returns how many.
core::Result<std::int64_t> purge_pending_sessions(store::Connection& c, core::TimePoint before);

// Records a state nonce as used until `expires_at`. False when it was already
// recorded (a replayed state) — decided by the primary key, so two concurrent
// callbacks with one state cannot both win. Also deletes nonces that expired
// before `now` (they can no longer open).
core::Result<bool> use_state_nonce(store::Connection& c, std::string_view nonce, core::TimePoint expires_at,
                                   core::TimePoint now);

}  // namespace postfuze::connect
