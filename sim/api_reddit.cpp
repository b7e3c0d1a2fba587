// Reddit (platforms.md §13): GET https://oauth.reddit.com/api/v1/me.
#include "sim/api_builders.hpp"
#include "sim/api_support.hpp"

namespace postfuze::sim::api {

http::Response reddit_me(ApiCall& api) {
  const Identity& u = api.user();
  // Reddit HTML-escapes the query of icon_img ("&amp;"): a quirk clients must strip.
  const std::string icon =
      "https://styles.redditmedia.com/sim/profileIcon_" + u.id + ".png?width=256&amp;height=256&amp;s=0";
  return ok_json(boost::json::object{{"id", u.id},
                                     {"name", u.username},
                                     {"icon_img", icon},
                                     {"snoovatar_img", ""},
                                     {"created_utc", 1577836800.0},
                                     {"link_karma", 1},
                                     {"comment_karma", 1},
                                     {"total_karma", 2},
                                     {"verified", true},
                                     {"has_verified_email", true},
                                     {"is_suspended", false},
                                     {"subreddit", {{"display_name_prefixed", "u/" + u.username}, {"title", u.name}}}});
}

}  // namespace postfuze::sim::api
