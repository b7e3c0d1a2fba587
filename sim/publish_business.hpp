// Publish builders for the three platforms whose accounts act for a business
// surface — LinkedIn (member or organisation), Facebook Pages and Google
// Business Profile locations — one file each: publish_linkedin.cpp,
// publish_graph.cpp, publish_google.cpp. Rows in publish_routes.cpp; wire
// facts and sources in sim/README.md ("Publishing: LinkedIn, Facebook, Google
// Business").
#pragma once

#include "sim/publish_routes.hpp"

namespace postfuze::sim::publish {

// Google Business Profile's scope (either spelling), as for its account calls.
inline constexpr std::string_view kBusinessManageScopes =
    "https://www.googleapis.com/auth/business.manage|https://www.googleapis.com/auth/plus.business.manage";

// LinkedIn (platforms.md §6), below /linkedin/api
http::Response linkedin_create_post(PublishCall& pc);     // POST /rest/posts
http::Response linkedin_find_posts(PublishCall& pc);      // GET /rest/posts?q=author&author=
http::Response linkedin_create_comment(PublishCall& pc);  // POST /rest/socialActions/{urn}/comments
http::Response linkedin_comments(PublishCall& pc);        // GET /rest/socialActions/{urn}/comments

// Facebook Pages (platforms.md §4), below /facebook/api
http::Response facebook_create_post(PublishCall& pc);     // POST /{page-id}/feed
http::Response facebook_feed(PublishCall& pc);            // GET /{page-id}/feed
http::Response facebook_create_comment(PublishCall& pc);  // POST /{object-id}/comments
http::Response facebook_comments(PublishCall& pc);        // GET /{object-id}/comments

// Google Business Profile (platforms.md §9), below /google_business/api
// (downloads each media sourceUrl)
boost::asio::awaitable<http::Response> google_create_local_post(PublishCall& pc);  // POST /accounts/{a}/locations/{l}/localPosts
http::Response google_local_posts(PublishCall& pc);        // GET /accounts/{a}/locations/{l}/localPosts

}  // namespace postfuze::sim::publish
