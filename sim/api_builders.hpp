// Response builders for the API table (api_routes.cpp), one file per
// platform family: api_x.cpp, api_linkedin.cpp, api_graph.cpp (Facebook,
// Instagram, Threads), api_tiktok.cpp, api_google.cpp (YouTube, Google
// Business Profile), api_pinterest.cpp, api_reddit.cpp. Each validates its
// query the way the platform does and renders the platform's JSON.
#pragma once

#include "sim/api_routes.hpp"

namespace postfuze::sim::api {

http::Response x_users_me(ApiCall& api);                  // GET /2/users/me
http::Response linkedin_userinfo(ApiCall& api);           // GET /v2/userinfo
http::Response linkedin_organization_acls(ApiCall& api);  // GET /v2/organizationalEntityAcls
http::Response graph_me(ApiCall& api);                    // GET /me (Facebook, Instagram)
http::Response facebook_accounts(ApiCall& api);           // GET /me/accounts (Pages)
http::Response instagram_accounts(ApiCall& api);          // GET /me/accounts (Pages with IG accounts)
http::Response threads_me(ApiCall& api);                  // GET /me
http::Response tiktok_user_info(ApiCall& api);            // GET /user/info/
http::Response youtube_channels(ApiCall& api);            // GET /youtube/v3/channels
http::Response google_business_accounts(ApiCall& api);    // GET /v1/accounts
http::Response google_business_locations(ApiCall& api);   // GET /v1/accounts/{account}/locations
http::Response pinterest_user_account(ApiCall& api);      // GET /user_account
http::Response reddit_me(ApiCall& api);                   // GET /api/v1/me

}  // namespace postfuze::sim::api
