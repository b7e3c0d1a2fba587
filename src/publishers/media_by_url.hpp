// What the publishers of platforms that download media by URL share
// (Facebook, Instagram, Threads, Pinterest, Google Business): the stable
// error codes for media the platform could not fetch or process, which of a
// container's items are images or videos, and what Graph's media error
// codes (Instagram, Threads, Facebook) mean. The URL a platform gets is
// MediaItem::url, a presigned GET valid for hours (docs/decisions.md "Media
// publishing: by URL"). Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

// The platform could not download the media URL (expired or refused link,
// wrong type): permanent — the same URL will not work later.
inline constexpr std::string_view kMediaFetchFailed = "media_fetch_failed";
// The platform downloaded the file but could not process it (container ERROR).
inline constexpr std::string_view kMediaProcessingFailed = "media_processing_failed";
// This mix or kind of media has no surface on the platform (nothing sent).
inline constexpr std::string_view kMediaNotSupported = "media_not_supported";
// The platform was still processing when polling gave up: transient.
inline constexpr std::string_view kMediaNotReady = "media_not_ready";

bool is_video(const MediaItem& m);
bool is_image(const MediaItem& m);  // stills and GIFs

// Permanent, with `code` and `message` (no request was sent, or the platform refused the media).
PublishResult media_failure(std::string_view code, std::string message);

// Graph's media codes (Instagram "Error codes", also Threads and Facebook
// photos/videos): 9004 / subcode 2207052 or 2207003 (download failed) and
// (#324) missing or invalid image → media_fetch_failed; 2207027 (not ready)
// → transient media_not_ready; 6000, 2207032 and other processing
// subcodes → media_processing_failed. nullopt: not a media code.
struct MediaVerdict {
  Outcome outcome;
  std::string_view error_code;
};
std::optional<MediaVerdict> graph_media_outcome(int code, int subcode);

}  // namespace postfuze::publishers
