// Bluesky mode: a PDS (and entryway) speaking XRPC under /bluesky/xrpc/, and
// a PLC directory under /plc/, with the shapes and errors of platforms.md §14
// and §18 — XRPC errors are {"error","message"}; a bad or expired token is
// HTTP 400 InvalidToken / ExpiredToken; a missing one 401 AuthMissing; wrong
// credentials 401 AuthenticationRequired; a rate limit 429 RateLimitExceeded.
//
//   GET  /bluesky/xrpc/com.atproto.identity.resolveHandle?handle=
//   POST /bluesky/xrpc/com.atproto.server.createSession   {"identifier","password"}
//   POST /bluesky/xrpc/com.atproto.server.refreshSession  Bearer refreshJwt (rotates)
//   GET  /bluesky/xrpc/app.bsky.actor.getProfile?actor=   Bearer accessJwt
//   GET  /plc/{did}                                        the DID document
//   POST /bluesky/xrpc/com.atproto.repo.createRecord, GET …listRecords  (publish_bluesky.cpp)
//
// Sessions are real-shaped JWTs (header.payload.signature, base64url) whose
// payload carries `scope` (com.atproto.appPass for an app password,
// com.atproto.access for the main password; com.atproto.refresh on refresh
// JWTs), `sub` (the DID), `aud`, `iat` and `exp` (access 2 h, refresh 90 days);
// the signature is random and never checked by anyone.
//
// Control (control.cpp routes here): POST /_sim/bluesky/accounts registers an
// account; GET /_sim/bluesky/stats counts calls; the scenario knobs for
// platform "bluesky" are down, revoke_app_password and rate_limited.
// Requests to /bluesky/ and /plc/ are recorded under "bluesky".
#pragma once

#include <boost/json/object.hpp>

#include "http/router.hpp"
#include "sim/sim.hpp"

namespace postfuze::sim {

inline constexpr std::string_view kBluesky = "bluesky";

// The handler for every request whose first path segment is "bluesky" or "plc".
http::Handler bluesky_handler(Sim& sim);

// For the publish methods (publish_bluesky.cpp): an XRPC error envelope, and
// the account behind a live access JWT or the refusal (counted as rejected).
http::Response xrpc_error(http::bhttp::status code, std::string_view error, std::string_view message);
struct BlueskyAuth {
  std::optional<BlueskyAccount> account;
  std::optional<http::Response> refusal;
};
BlueskyAuth bluesky_authenticate(Sim& sim, const http::Request& req);
// The registered account with this handle or DID.
std::optional<BlueskyAccount> bluesky_account(Sim& sim, std::string_view handle_or_did);

// Control API pieces.
void add_bluesky_control_routes(http::Router& router, Sim& sim);
// POST /_sim/scenario with "platform":"bluesky"; GET /_sim/scenario?platform=bluesky.
http::Response set_bluesky_scenario(Sim& sim, const boost::json::object& knobs);
http::Response get_bluesky_scenario(Sim& sim);

}  // namespace postfuze::sim
