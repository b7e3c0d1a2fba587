// Publish builders for media the platform downloads by URL (media_fetch.hpp):
// Facebook Page photos and videos (publish_graph.cpp), Instagram containers
// (publish_instagram.cpp) and Pinterest pins (publish_pinterest.cpp). Rows
// in publish_routes.cpp; wire facts in sim/README.md ("Publishing media by
// URL"). Threads' and Google Business's media ride on their existing calls.
#pragma once

#include "sim/publish_routes.hpp"

namespace postfuze::sim::publish {

// Facebook Pages (platforms.md §4), below /facebook/api
boost::asio::awaitable<http::Response> facebook_create_photo(PublishCall& pc);  // POST /{page-id}/photos
boost::asio::awaitable<http::Response> facebook_create_video(PublishCall& pc);  // POST /{page-id}/videos

// Instagram with Facebook Login (platforms.md §5A), below /instagram/api
boost::asio::awaitable<http::Response> instagram_create_container(PublishCall& pc);  // POST /{ig-user-id}/media
http::Response instagram_publish(PublishCall& pc);          // POST /{ig-user-id}/media_publish?creation_id=
http::Response instagram_node(PublishCall& pc);             // GET /{id}?fields= (container status or media)
http::Response instagram_user_media(PublishCall& pc);       // GET /{ig-user-id}/media
http::Response instagram_create_comment(PublishCall& pc);   // POST /{ig-media-id}/comments
http::Response instagram_comments(PublishCall& pc);         // GET /{ig-media-id}/comments

// Pinterest v5 (platforms.md §12), below /pinterest/api
boost::asio::awaitable<http::Response> pinterest_create_pin(PublishCall& pc);  // POST /v5/pins
http::Response pinterest_list_pins(PublishCall& pc);                           // GET /v5/pins

}  // namespace postfuze::sim::publish
