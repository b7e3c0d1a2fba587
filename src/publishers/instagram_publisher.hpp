// Instagram publisher, Instagram API with Facebook Login (platforms.md §5A,
// api-contract.md §25.4): graph.facebook.com as the IG professional account
// (account.network_unique_id) with the account's token. Every post carries
// media, which Instagram downloads from MediaItem::url:
//
//   publishAsStory → one STORIES container (image_url or video_url)
//   one video      → a REELS container (video_url, caption, thumb_offset)
//   one image      → an image container (image_url, caption)
//   2–10 items     → one is_carousel_item container per item, then a
//                    CAROUSEL container with children and the caption
//
// then every container is polled to FINISHED (container_poll.hpp) and the
// top one published with POST /{ig-user-id}/media_publish — the only step
// whose lost answer is ambiguous (containers are unpublished). Containers 1+
// are comments on the post (POST /{media-id}/comments). find() reads the
// account's /media since the intent (caption match) or the post's comments;
// a story, which has no caption there, cannot be told: unavailable.
// Stateless; thread-safe.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& instagram_publisher();

}  // namespace postfuze::publishers
