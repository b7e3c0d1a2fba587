// The API side of each platform: the identity and sub-account calls PostFuze
// makes after the token exchange, as one table (api_routes.cpp) of
// (platform, path below /P/api, kind, required scopes, response builder).
// api_handler() wraps a row with what every API call shares: the stats
// counter, injected latency and status, the bearer check and the scope check;
// builders only render the platform's JSON (api_*.cpp).
#pragma once

#include <span>
#include <string_view>

#include "http/response.hpp"
#include "sim/sim.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

enum class ApiKind { identity, sub_accounts };

// One authenticated API call as a response builder sees it.
struct ApiCall {
  Call& call;
  Token token;  // a copy of the live bearer token (its grant says who logged in)
  Params query;

  const Grant& grant() const { return *token.grant; }
  const Identity& user() const { return token.grant->user; }
};

using ApiBuilder = http::Response (*)(ApiCall&);

struct ApiRoute {
  std::string_view platform;
  std::string_view path;  // below /P/api; "{name}" segments bind path parameters
  ApiKind kind;
  // Scopes the token must carry: space-separated groups, each satisfied by
  // any one of its '|'-separated alternatives. Empty: none.
  std::string_view scopes;
  ApiBuilder build;
};

std::span<const ApiRoute> api_routes();

// The first group of a scope `rule` the grant does not satisfy, or "".
std::string_view missing_scope(const Grant& grant, std::string_view rule);
// The token `presented` names when it is a live bearer token of this platform.
std::optional<Token> live_bearer(Call& call, const std::optional<std::string>& presented);

PlatformHandler api_handler(const ApiRoute& route);

}  // namespace postfuze::sim
