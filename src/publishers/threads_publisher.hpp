// Threads publisher (platforms.md §11, api-contract.md §25.8): a TEXT
// container (POST /{user}/threads, reply_to_id = the previous post for
// containers 1+, config reply_control / link_attachment / topic_tag), then
// POST /{user}/threads_publish?creation_id=, then GET /{id}?fields=permalink
// for the post URL. A failed container step published nothing, so even a
// timeout there is transient; only the publish step can be ambiguous. find()
// reads the user's /threads (roots) or /replies (needs threads_read_replies)
// since the intent. Errors are Graph's envelope. A container with one image
// or video (IMAGE image_url / VIDEO video_url: Threads downloads MediaItem::url)
// is polled to FINISHED before publishing (container_poll.hpp); several
// media items (a carousel) are not supported yet. Stateless; thread-safe.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& threads_publisher();

}  // namespace postfuze::publishers
