// Pinterest publisher (platforms.md §12, api-contract.md §25.9): one pin per
// target, POST {api}/pins (API v5) with the config's board_id, title, link
// and alt_text and the container's text as the description. Pinterest
// downloads the images: one image → media_source image_url; 2–5 images →
// multiple_image_urls. A video pin needs the video uploaded to Pinterest out
// of band: config video_media_id (+ cover_image_url, else the video's
// thumbnail URL) → media_source video_id. Containers 1+ have no surface.
// Errors are Pinterest's {"code","message"}; find() lists the user's pins
// (GET /pins) and matches the description. Stateless; thread-safe.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& pinterest_publisher();

}  // namespace postfuze::publishers
