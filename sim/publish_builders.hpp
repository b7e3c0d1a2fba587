// Response builders for the publish table (publish_routes.cpp), one file per
// platform: publish_x.cpp, publish_threads.cpp, publish_reddit.cpp (and the
// other platforms' publish_<platform>.cpp). Each validates the request the way
// the platform does, stores what it creates (PublishCall::store) and renders
// the platform's JSON. Bluesky's XRPC methods are in publish_bluesky.cpp.
#pragma once

#include "sim/publish_routes.hpp"

namespace postfuze::sim::publish {

// X (platforms.md §3)
http::Response x_create_tweet(PublishCall& pc);  // POST /2/tweets
http::Response x_user_tweets(PublishCall& pc);   // GET /2/users/{id}/tweets

// Threads (platforms.md §11)
boost::asio::awaitable<http::Response> threads_create_container(PublishCall& pc);  // POST /{user}/threads (downloads media)
http::Response threads_publish(PublishCall& pc);           // POST /{user}/threads_publish?creation_id=
http::Response threads_media(PublishCall& pc);             // GET /{id}?fields=
http::Response threads_user_threads(PublishCall& pc);      // GET /{user}/threads
http::Response threads_user_replies(PublishCall& pc);      // GET /{user}/replies

// Reddit (platforms.md §13)
http::Response reddit_submit(PublishCall& pc);          // POST /api/submit
http::Response reddit_comment(PublishCall& pc);         // POST /api/comment
http::Response reddit_user_submitted(PublishCall& pc);  // GET /user/{name}/submitted
http::Response reddit_user_comments(PublishCall& pc);   // GET /user/{name}/comments
// Reddit's 429 for a missing or library-default User-Agent; nullopt when the agent is descriptive.
std::optional<http::Response> reddit_throttled(PublishCall& pc);

}  // namespace postfuze::sim::publish
