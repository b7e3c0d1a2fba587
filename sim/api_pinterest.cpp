// Pinterest API v5 (platforms.md §12): GET /v5/user_account.
#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"

namespace postfuze::sim::api {

http::Response pinterest_user_account(ApiCall& api) {
  const Identity& u = api.user();
  return ok_json(boost::json::object{{"account_type", "PINNER"},
                                     {"id", u.id},
                                     {"profile_image", picture_url("pinterest", u.id)},
                                     {"website_url", ""},
                                     {"username", u.username},
                                     {"about", ""},
                                     {"business_name", nullptr},
                                     {"board_count", 0},
                                     {"pin_count", 0},
                                     {"follower_count", 0},
                                     {"following_count", 0},
                                     {"monthly_views", 0}});
}

}  // namespace postfuze::sim::api
