// The platform endpoints that are the same for every platform, steered by the
// Platform row: the authorize page and its consent form (authorize.cpp), and
// the token endpoints (token_endpoint.cpp). The identity and sub-account
// calls are in api_routes.hpp.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/response.hpp"
#include "sim/sim.hpp"

namespace postfuze::sim {

// GET /P/oauth/authorize
boost::asio::awaitable<http::Response> authorize(Call& call);
// POST /P/oauth/consent (the consent page's form)
boost::asio::awaitable<http::Response> consent(Call& call);
// /P/oauth/token (POST form; GET for Graph) and Graph's /P/api/oauth/access_token:
// authorization_code, refresh_token and fb_exchange_token grants.
boost::asio::awaitable<http::Response> token(Call& call);
// GET /threads/api/access_token?grant_type=th_exchange_token
boost::asio::awaitable<http::Response> threads_exchange(Call& call);
// GET /threads/api/refresh_access_token?grant_type=th_refresh_token
boost::asio::awaitable<http::Response> threads_refresh(Call& call);
// Token revocation (RFC 7009 shape: POST form `token=…`): X, Google, Reddit,
// TikTok. The token stops working; unknown tokens are accepted silently, as
// RFC 7009 says. Client credentials are not checked here.
boost::asio::awaitable<http::Response> revoke(Call& call);

}  // namespace postfuze::sim
