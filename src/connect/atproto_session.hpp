// AT Protocol sessions at a PDS (platforms.md §14): createSession with an
// identifier and an app password, refreshSession with the refresh JWT (which
// rotates it), and reading a JWT's expiry. Shared by Bluesky connect and the
// token service's renewal. Coroutines over net::HttpClient.
//
// Errors: invalid_credentials when the PDS refuses the password (401
// AuthenticationRequired, AuthFactorTokenRequired, an inactive account);
// platform_unavailable when it cannot be reached, answers 5xx or 429, or
// answers 200 without the session. Never a password or token in an error.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "connect/oauth_client.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "net/http_client.hpp"

namespace postfuze::connect {

// PDS defaults, used when a JWT carries no `exp`.
inline constexpr std::chrono::minutes kAccessLifetime{120};
inline constexpr std::chrono::hours kRefreshLifetime{24 * 90};

struct Session {
  core::Secret access;
  core::Secret refresh;
  std::string did;
  std::string handle;
  std::optional<boost::json::value> did_doc;
};

// "status 401 error=AuthenticationRequired after 12 ms" — for logs.
std::string describe_xrpc(const net::OutboundResult& r);
core::Error bluesky_unreachable(std::string internal);
std::optional<std::string> json_string_member(const boost::json::object& o, std::string_view key);

// POST {service}/xrpc/com.atproto.server.createSession. `customer_host`: the
// URL came from a document a customer controls (apply the address policy).
boost::asio::awaitable<core::Result<Session>> create_session(PlatformCalls calls, std::string service,
                                                             std::string identifier, const core::Secret& password,
                                                             bool customer_host);

// The outcome of refreshSession: a new session, or the refresh JWT refused
// (expired or revoked: log in again), or unreachable.
struct RefreshedSession {
  std::optional<Session> session;
  bool refused = false;
  std::string reason;  // for logs
};

// POST {pds}/xrpc/com.atproto.server.refreshSession with Bearer `refresh_jwt`.
boost::asio::awaitable<RefreshedSession> refresh_session(PlatformCalls calls, std::string pds,
                                                         const core::Secret& refresh_jwt);

// The JWT's `exp` as a time point, when present and in the future.
std::optional<core::TimePoint> expiry(const std::optional<boost::json::object>& claims, core::TimePoint now);

}  // namespace postfuze::connect
