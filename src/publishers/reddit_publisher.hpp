// Reddit publisher (platforms.md §13, api-contract.md §25.10): container 0 is
// POST /api/submit (form, api_type=json) to config.subreddit — a self post
// (default), a link post (config.kind "link": config.url, else the first
// link in the content) or an image post (config.kind "image", or media on
// container 0: its first image or GIF goes through Reddit's media-asset
// lease, then kind=image with the uploaded URL; Reddit's answer lacks the
// post's id, so the post is looked up with find(), ambiguous while it is not
// listed yet) — titled config.title or the start of the content
// (≤ 300); containers 1+ are POST /api/comment chained under the previous
// item (thing_id = its fullname, kept in ref.extra["fullname"]). Refusals
// arrive as HTTP 200 with json.errors: RATELIMIT is a rate limit,
// SUBREDDIT_NOEXIST is subreddit_not_found, ALREADY_SUB duplicate_content.
// Every call carries a descriptive User-Agent (Reddit throttles generic
// ones). find() reads the user's /submitted or /comments listing, which
// needs the history scope. Stateless; thread-safe.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& reddit_publisher();

}  // namespace postfuze::publishers
