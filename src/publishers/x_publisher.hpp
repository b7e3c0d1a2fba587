// X publisher (platforms.md §3, api-contract.md §25.2): each item is
// POST /2/tweets; containers 1+ reply to the previous tweet
// (reply.in_reply_to_tweet_id). find() reads GET /2/users/{id}/tweets since
// the intent and matches the exact text and the replied-to tweet. Answers are
// problem+json: "duplicate content" is permanent, "Unsupported
// Authentication" means the token, usage-capped and 429 are rate limits
// (x-rate-limit-reset). A container's first media item is uploaded first
// through API v2's chunked media upload (initialize / append / finalize,
// STATUS polls for video and GIF, alt text by /2/media/metadata) and the
// tweet names it in media.media_ids. Stateless; safe from any thread.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& x_publisher();

}  // namespace postfuze::publishers
