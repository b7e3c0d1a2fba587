// Media processing (contract §19; docs/media.md): confirming an upload,
// thumbnails, and the jobs that do the slow part. Confirm reads the stored
// bytes — never the client's word — to decide type and size: libmagic sniffs
// the type, ffprobe measures images and videos, ffmpeg cuts video cover
// frames and thumbnails. Images and GIFs are measured during confirm and
// become ready at once; videos go to processing and a job in media_jobs
// (the durable queue: due_at + lease, like post_targets) finishes them, so
// a crash mid-way is resumed by whichever process next claims the job.
// External tools run as child processes awaited asynchronously: no thread
// waits on them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "media/media.hpp"
#include "media/media_types.hpp"
#include "media/object_store.hpp"
#include "store/database.hpp"

namespace postfuze::media {

struct MediaDeps {
  store::Database& db;
  boost::asio::thread_pool& blocking;  // every store call runs here
  ObjectStore& objects;
  const core::Clock& clock;
  core::Random& random;
  core::Logger& log;
  MediaLimits limits;
  std::filesystem::path work_dir;  // scratch space for downloads and tool output (under the data dir)
  std::function<void()> wake_worker = [] {};  // a job was queued
};

// POST /media/{id}/confirm. not_found (another org's, deleted, unknown);
// conflict when the asset is not awaiting confirmation (already confirmed:
// the current asset is answered instead, idempotently, when it is
// processing/ready); validation_failed (422) when nothing was uploaded or the
// bytes are not what was declared (type or kind mismatch, size differing from
// the declared size) — the asset then ends `failed` with that reason;
// payload_too_large when the stored object exceeds its kind's cap (also
// failed, the object removed). Otherwise the asset as it now is: ready
// (image, GIF; width/height set) or processing (video; a job is queued).
boost::asio::awaitable<core::Result<Media>> confirm_upload(const MediaDeps& deps, const core::OrgId& org,
                                                           std::string_view id);

// POST /media/{id}/thumbnail: a video frame (frame_time_ms, within the
// video) or another ready image of the same org (media_id → source
// "custom"); exactly one of them. The asset goes to processing and a job
// renders the thumbnail. not_found, conflict (not ready/processing),
// validation_failed.
struct ThumbnailRequest {
  std::optional<std::int64_t> frame_time_ms;
  std::optional<std::string> media_id;
};
boost::asio::awaitable<core::Result<Media>> request_thumbnail(const MediaDeps& deps, const core::OrgId& org,
                                                              std::string_view id, const ThumbnailRequest& request);

}  // namespace postfuze::media
