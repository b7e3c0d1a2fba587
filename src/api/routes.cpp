#include "api/routes.hpp"

#include "api/api_key_endpoints.hpp"
#include "api/bluesky_endpoints.hpp"
#include "api/connect_endpoints.hpp"
#include "api/health_endpoint.hpp"
#include "api/media_endpoints.hpp"
#include "api/pending_session_endpoints.hpp"
#include "api/post_endpoints.hpp"
#include "api/social_account_endpoints.hpp"
#include "api/social_network_endpoints.hpp"
#include "api/webhook_endpoints.hpp"

namespace postfuze::api {

void mount_all(http::Router& router, ApiContext& ctx) {
  mount_health(router, ctx);
  mount_api_keys(router, ctx);
  mount_webhooks(router, ctx);
  mount_social_networks(router, ctx);
  mount_connect(router, ctx);
  mount_pending_sessions(router, ctx);
  mount_social_accounts(router, ctx);
  mount_bluesky(router, ctx);
  mount_posts(router, ctx);
  mount_media(router, ctx);
}

}  // namespace postfuze::api
