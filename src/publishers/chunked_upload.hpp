// What the publishers that send media BYTES share (X, LinkedIn, Bluesky,
// Reddit, YouTube, TikTok; docs/decisions.md "Media publishing: byte
// uploads"): reading an item's bytes range by range through MediaBytes, the
// chunk plan of a file, multipart/form-data bodies, waiting between
// processing polls on a timer (never a thread), and the results for media
// steps that failed. Uploads before the post's create call are safe to redo,
// so their failures are never ambiguous: a lost answer there is transient.
//
// UploadTuning holds the protocol sizes and polling limits; production uses
// the defaults (each platform's documented values) and tests shrink them to
// force several chunks or fast polls. Set it before publishing, not during.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "publishers/media_by_url.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publishers {

inline constexpr std::int64_t kMiB = 1024 * 1024;

// Stable codes of the media steps (and media_by_url.hpp's media_processing_failed,
// with its is_video() and media_failure()).
inline constexpr std::string_view kMediaUnavailable = "media_unavailable";        // our store could not read it
inline constexpr std::string_view kMediaRejected = "media_rejected";              // the platform refused the upload
inline constexpr std::string_view kMediaTooLarge = "media_too_large";             // over the platform's cap
inline constexpr std::string_view kMediaProcessingTimeout = "media_processing_timeout";
inline constexpr std::string_view kMediaMissing = "media_missing";                // the platform needs media

struct UploadTuning {
  std::int64_t x_segment_bytes = 4 * kMiB;        // X APPEND segments ≤ 4 MB (contract §25.2)
  std::int64_t youtube_chunk_bytes = 8 * kMiB;    // a multiple of 256 KiB (resumable upload rule)
  std::int64_t tiktok_chunk_bytes = 10 * kMiB;    // 5-64 MiB (TikTok media transfer guide)
  std::int64_t tiktok_single_max = 64 * kMiB;     // files up to this go in one piece (contract §25.5)
  std::chrono::milliseconds poll_unit{1000};      // one "check_after_secs" second
  std::chrono::milliseconds max_poll_wait{30'000};  // one wait never exceeds this
  int max_polls = 60;                             // then the processing counts as stuck (transient)
};

UploadTuning& upload_tuning();

// Bytes [offset, offset + length) of `item`, or the failure to report
// (transient: the store may answer next time; permanent when no reader was given).
struct Bytes {
  std::string data;
  std::optional<PublishResult> failure;
};
boost::asio::awaitable<Bytes> read_bytes(const PublishContext& ctx, const MediaItem& item, std::int64_t offset,
                                         std::int64_t length);

// Byte ranges of a `size`-byte file cut into `chunk`-byte pieces (the last one shorter).
struct Range {
  std::int64_t offset = 0;
  std::int64_t length = 0;
};
std::vector<Range> chunk_plan(std::int64_t size, std::int64_t chunk);

// A multipart/form-data body; `content_type` is the header value to send (with its boundary).
struct FormPart {
  std::string name;
  std::string value;
  std::string filename;      // non-empty: a file part
  std::string content_type;  // file parts
};
struct Multipart {
  std::string content_type;
  std::string body;
};
Multipart multipart(const std::vector<FormPart>& parts);

// Waits `seconds` platform seconds (scaled by UploadTuning::poll_unit, capped) on a timer.
boost::asio::awaitable<void> wait_platform_seconds(std::int64_t seconds);

// The first item of `kind` ("image", "video"; "" for any), or nullptr.
const MediaItem* first_media(const PublishItem& item, std::string_view kind = {});

// A failed upload step: the status classes of by_status(), but a lost answer
// is transient (the step is redone) and a permanent refusal says media_rejected.
PublishResult upload_failure(const net::OutboundResult& r, const core::Clock& clock, std::string message);

}  // namespace postfuze::publishers
