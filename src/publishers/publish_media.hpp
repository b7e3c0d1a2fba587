// What a publisher gets to attach media to a post: each asset's facts, a
// public time-limited URL for platforms that fetch media themselves, and a
// MediaBytes reader for platforms that take the bytes (chunk by chunk, so a
// large video never sits in memory whole).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/result.hpp"

namespace postfuze::publishers {

struct MediaItem {
  std::string id;
  std::string kind;          // image, video, gif, audio, document
  std::string content_type;  // verified from the bytes (image/jpeg, video/mp4…)
  std::int64_t size = 0;     // bytes
  std::optional<int> width;
  std::optional<int> height;
  std::optional<std::int64_t> duration_ms;
  std::string alt_text;  // the container's alt text for this item, "" when none (already fitted)
  std::string url;       // public GET URL, valid for hours (platforms that ingest by URL)
  std::optional<std::string> thumbnail_url;  // public URL of the cover image (video), when there is one
  std::string object_key;                    // for MediaBytes
};

class MediaBytes {
 public:
  virtual ~MediaBytes() = default;
  // Bytes [offset, offset + length) of the item (fewer at its end).
  virtual boost::asio::awaitable<core::Result<std::string>> read(const MediaItem& item, std::int64_t offset,
                                                                 std::int64_t length) const = 0;
};

}  // namespace postfuze::publishers
