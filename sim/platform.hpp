// Platform: what one simulated platform does on the OAuth wire, as a row of
// a table (platform.cpp). Every difference between the ten platforms that the
// authorize page, the token endpoint and the error renderers need is a field
// here, so the handlers read values and never branch on a platform's name.
// The API side (identity and sub-account calls) has its own table in
// api_routes.cpp.
//
// These rows describe the platforms as /work/shared/platforms.md reports them,
// independently of src/providers/providers.json: the simulator is the check on
// the catalogue, so it must not read the catalogue.
//
// The table is constant data: safe to read from any thread.
#pragma once

#include <chrono>
#include <span>
#include <string_view>
#include <utility>

namespace postfuze::sim {

// Where the token endpoint expects the client credentials (RFC 6749 §2.3.1).
enum class ClientAuth {
  basic,  // Authorization: Basic base64(client_id:client_secret); credentials in the form are refused
  body,   // client id parameter + client_secret as form (or Graph query) parameters; Basic is refused
};

// PKCE (RFC 7636) on the authorize request.
enum class Pkce {
  required_s256,  // code_challenge + code_challenge_method=S256 must be sent (X)
  optional,       // recorded when sent, S256 or plain (plain when no method); Google
  ignored,        // the parameters are ignored, as Nango's and Postiz's traffic suggests
};

// When the token endpoint includes a refresh_token.
enum class RefreshIssued {
  never,
  always,
  with_offline_access_scope,  // X: only with scope offline.access
  with_access_type_offline,   // Google: only when the authorize request had access_type=offline
  with_duration_permanent,    // Reddit: only when the authorize request had duration=permanent
};

// What a refresh grant does with the refresh token.
enum class RefreshGrant {
  unsupported,  // no refresh grant on the token endpoint
  keeps,        // the same refresh token stays valid (Google, Reddit)
  rotates,      // a new refresh token comes back and the old one dies (X, TikTok, Pinterest)
};

// The JSON the token endpoint answers for a code (and refresh) grant.
enum class TokenShape { x, linkedin, google, tiktok, graph_user, threads_short, pinterest, reddit };

// How token-endpoint errors look.
enum class OAuthErrorStyle {
  oauth,   // RFC 6749 §5.2 {"error","error_description"}
  tiktok,  // {"error","error_description","log_id"}
  graph,   // {"error":{"message","type":"OAuthException","code","error_subcode"?,"fbtrace_id"}}
  reddit,  // {"error":"invalid_grant"} with HTTP 200; bad client credentials 401 {"message","error":401}
};

// How API errors (bad bearer, missing scope, unknown path) look.
enum class ApiErrorStyle { x_problem, graph, google, linkedin, tiktok, pinterest, reddit };

struct Platform {
  std::string_view id;            // the URL prefix and the stats key: "x", "google_business"
  std::string_view display_name;  // for the consent page
  std::string_view client_id_param;
  ClientAuth client_auth;
  char scope_separator;          // between scopes in the authorize request
  char granted_scope_separator;  // between scopes in the token response and callback
  Pkce pkce;
  std::size_t max_state_length;  // 0: no limit
  bool response_type_optional;   // Facebook Login defaults response_type to code
  std::span<const std::string_view> known_scopes;
  // Extra authorize parameters the platform insists on: name and allowed values
  // (separated by '|'). A missing or other value is invalid_request.
  std::span<const std::pair<std::string_view, std::string_view>> required_authorize_params;
  // Authorize parameters that, when present, must take one of these values.
  std::span<const std::pair<std::string_view, std::string_view>> optional_authorize_params;

  // The callback (approve and deny).
  bool callback_scope;                 // Google adds scope=... to the callback
  std::string_view callback_fragment;  // Facebook appends "#_=_"
  std::span<const std::pair<std::string_view, std::string_view>> denial_params;  // beyond error/description/state

  std::chrono::seconds code_ttl;
  std::chrono::seconds access_ttl;
  std::chrono::seconds refresh_ttl;     // 0: the refresh token does not expire
  std::chrono::seconds long_lived_ttl;  // Graph and Threads long-lived user tokens; 0: none
  RefreshIssued refresh_issued;
  RefreshGrant refresh_grant;
  TokenShape token_shape;

  // The token endpoint.
  bool token_via_get;           // Graph: GET with query parameters works as well as a POST form
  bool grant_type_optional;     // Graph: code exchange without grant_type
  bool graph_exchange;          // grant_type=fb_exchange_token on the token endpoint (long-lived user token)
  bool access_token_parameter;  // Graph: ?access_token=... works as well as a Bearer header

  OAuthErrorStyle oauth_errors;
  ApiErrorStyle api_errors;
  int default_accounts;  // sub-accounts one login exposes unless the scenario says otherwise
};

// All ten platforms, in the order of the stats and overrides documents.
std::span<const Platform> all_platforms();

// The platform with this id, or nullptr.
const Platform* find_platform(std::string_view id);

}  // namespace postfuze::sim
