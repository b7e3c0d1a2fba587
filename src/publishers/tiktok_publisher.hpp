// TikTok publisher (platforms.md §10, api-contract.md §25.5): a direct post
// of container 0 — one video or 1-35 photos. It asks creator_info first and
// refuses a privacy_level the creator may not use. A video goes by
// FILE_UPLOAD: /post/publish/video/init/ with video_size, chunk_size and
// total_chunk_count, then one PUT per chunk to the upload_url with
// Content-Range (206 until the last, which answers 201); files up to 64 MiB go
// in one piece, larger ones in 10 MiB chunks with the remainder in the last.
// Photos go by PULL_FROM_URL (/post/publish/content/init/ with the items'
// public URLs). Then /post/publish/status/fetch/ is polled until
// PUBLISH_COMPLETE (publicaly_available_post_id) or FAILED. Containers 1+
// are not published (no comments API); find() cannot look a post up
// (unavailable). Stateless; safe from any thread.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& tiktok_publisher();

}  // namespace postfuze::publishers
