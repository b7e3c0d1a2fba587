// Facebook Pages publisher (platforms.md §4, api-contract.md §25.7): the root
// post is POST /{page-id}/feed with the Page's own token (the account's access
// token), containers 1+ are comments on it (POST /{post-id}/comments), and
// find() reads the Page feed and the post's comments. Graph's error codes
// decide the outcome (graph_outcome). A root post with media: one video →
// POST /{page-id}/videos (file_url, description); one photo → POST
// /{page-id}/photos (url, caption); several photos → each uploaded with
// published=false, then /feed with attached_media. Facebook downloads
// MediaItem::url during the call. Stateless; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& facebook_publisher();

// What Graph's error code (and subcode) says about a refused call
// (platforms.md §4 "Errors"): 190/102 and auth subcodes → auth; 1/2 →
// transient; 4/17/32/613/80001 → rate_limited; 506 (duplicate status) →
// permanent duplicate_content; 368 (blocked for policy), 10 and 200-299
// (permission missing) → permanent platform_rejected. nullopt: the code
// alone does not decide (the HTTP status does).
struct GraphVerdict {
  Outcome outcome;
  std::string error_code;
};
std::optional<GraphVerdict> graph_outcome(int code, int subcode);

}  // namespace postfuze::publishers
