// The platform calls of the connect flow, exactly as each platform expects
// them (the catalogue's OAuthSpec says how): the authorization-code exchange
// (POST form or GET query; HTTP Basic or credentials as parameters; the PKCE
// verifier), the optional long-lived token exchange (Meta), and bearer GETs
// for identity and sub-accounts. Coroutines over net::HttpClient: no thread
// waits on a platform.
//
// Errors are core::Error values (unavailable for the caller to map to a
// stable connect error code); Error::internal says what happened for the
// log — status, the platform's error code, elapsed time — and never holds a
// token, a secret or the authorization code.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "connect/oauth_app.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/secret.hpp"
#include "net/http_client.hpp"
#include "providers/provider_spec.hpp"

namespace postfuze::connect {

struct TokenGrant {
  core::Secret access_token;
  std::optional<core::Secret> refresh_token;
  std::optional<core::TimePoint> expires_at;
  std::optional<core::TimePoint> refresh_expires_at;
  std::vector<std::string> scopes;  // as granted, when the platform says
};

struct PlatformCalls {
  net::HttpClient& http;
  const core::Clock& clock;
  std::chrono::milliseconds timeout{15'000};
};

// Parses a token endpoint's success body. `requested` are the scopes asked
// for, used when the platform does not echo them. Exposed for tests.
core::Result<TokenGrant> parse_token_response(std::string_view body, const providers::OAuthSpec& spec,
                                              core::TimePoint now, const std::vector<std::string>& requested);

boost::asio::awaitable<core::Result<TokenGrant>> exchange_code(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                               const OAuthApp& app, std::string code,
                                                               std::optional<std::string> code_verifier,
                                                               std::vector<std::string> requested_scopes);

// Replaces grant.access_token and its expiry by the long-lived token when the
// platform has such an exchange (spec.oauth->long_lived); otherwise returns
// the grant unchanged.
boost::asio::awaitable<core::Result<TokenGrant>> long_lived(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                            const OAuthApp& app, TokenGrant grant);

// Renewing a token without the user (refresh grant, or the platform's own
// request such as Threads' th_refresh_token). Failures are classified for
// the account's status (docs/decisions.md D22):
//   transient — network, timeout, 408, 429, 5xx, or our app's credentials
//               refused (invalid_client): retry later, status unchanged;
//   expired   — the platform refuses the grant (invalid_grant, Graph 190, …):
//               the account needs the user again.
enum class RefreshFailure { transient, expired };

struct RefreshResult {
  std::optional<TokenGrant> grant;
  std::optional<RefreshFailure> failure;
  std::string reason;  // for logs and /health; never a token
};

// `credential` is the refresh token, or the access token for platforms whose
// renewal trades it (spec.refresh.request).
boost::asio::awaitable<RefreshResult> refresh_grant(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                    const OAuthApp& app, const core::Secret& credential);

// Best-effort revocation of a grant at the platform (spec.oauth->revoke):
// `token` is the refresh token when there is one (revoking it ends the grant),
// else the access token. Ok when the platform answered 2xx; an error (for the
// log) otherwise, or when the platform has no revocation endpoint.
boost::asio::awaitable<core::Status> revoke_token(PlatformCalls calls, const providers::ProviderSpec& spec,
                                                  const OAuthApp& app, const core::Secret& token,
                                                  std::string_view token_type_hint);

// GET `url` with the bearer token; the parsed JSON body of a 2xx answer.
boost::asio::awaitable<core::Result<boost::json::value>> get_json(PlatformCalls calls, std::string url,
                                                                  const core::Secret& access_token);

}  // namespace postfuze::connect
