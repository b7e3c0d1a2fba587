// request_thumbnail (processing.hpp): checks the request against the asset,
// then puts the asset into processing and queues a "thumbnail" job; the
// worker (media_worker.cpp) renders it and sets the asset ready again.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/blocking.hpp"
#include "media/media_job_store.hpp"
#include "media/media_store.hpp"
#include "media/processing.hpp"

namespace postfuze::media {

namespace asio = boost::asio;

namespace {

std::optional<core::Error> check_request(const ThumbnailRequest& r) {
  if (r.frame_time_ms && r.media_id)
    return core::Error::validation("media_id", "Give frame_time_ms or media_id, not both.", "exclusive");
  if (!r.frame_time_ms && !r.media_id)
    return core::Error::validation("frame_time_ms", "Give frame_time_ms (a frame of the video) or media_id (an image).",
                                   "required");
  if (r.frame_time_ms && *r.frame_time_ms < 0)
    return core::Error::validation("frame_time_ms", "frame_time_ms must not be negative.", "out_of_range");
  return std::nullopt;
}

std::string job_params(const ThumbnailRequest& r) {
  boost::json::object o;
  if (r.frame_time_ms) o["frame_time_ms"] = *r.frame_time_ms;
  if (r.media_id) o["media_id"] = *r.media_id;
  return boost::json::serialize(o);
}

// The decision and the writes, in one transaction.
core::Result<Media> queue_thumbnail(store::Connection& c, const MediaDeps& deps, const core::OrgId& org,
                                    const std::string& id, const ThumbnailRequest& request) {
  auto found = find_media(c, org, id);
  if (!found) return std::move(found).error();
  if (!*found) return core::Error::not_found("No media with id '" + id + "'.");
  Media m = std::move(**found);
  if (m.status != kReady && m.status != kProcessing)
    return core::Error::conflict("The media is " + m.status + "; a thumbnail can be set once it is ready.");
  if (request.frame_time_ms) {
    if (m.kind != kVideo && m.kind != kGif)
      return core::Error::validation("frame_time_ms", "Only videos and GIFs have frames; use media_id.", "invalid");
    if (!m.duration_ms)
      return core::Error::conflict("The video is still being processed; pick a frame once it is ready.");
    if (*request.frame_time_ms >= *m.duration_ms)
      return core::Error::validation(
          "frame_time_ms", "The video is " + std::to_string(*m.duration_ms) + " ms long; pick a frame within it.",
          "out_of_range");
  } else {
    if (*request.media_id == id)
      return core::Error::validation("media_id", "An asset cannot be its own custom thumbnail.", "invalid");
    auto source = find_media(c, org, *request.media_id);
    if (!source) return std::move(source).error();
    if (!*source)
      return core::Error::validation("media_id", "No media with id '" + *request.media_id + "'.", "not_found");
    if ((*source)->kind != kImage || ((*source)->status != kReady && (*source)->status != kUploaded))
      return core::Error::validation("media_id", "A custom thumbnail must be an uploaded image.", "invalid");
  }
  const auto now = deps.clock.now();
  m.status = std::string(kProcessing);
  auto saved = save_media(c, m, now);
  if (!saved) return std::move(saved).error();
  if (!*saved) return core::Error::conflict("The media changed while the thumbnail was requested; retry.");
  if (auto s = insert_job(c, new_job(deps.random, now, m, kJobThumbnail, job_params(request))); !s)
    return std::move(s).error();
  m.version += 1;
  m.updated_at = now;
  return m;
}

}  // namespace

asio::awaitable<core::Result<Media>> request_thumbnail(const MediaDeps& deps, const core::OrgId& org,
                                                       std::string_view id, const ThumbnailRequest& request) {
  if (auto e = check_request(request)) co_return std::move(*e);
  const std::string media_id(id);
  std::optional<Media> out;
  auto s = co_await core::run_blocking(deps.blocking, [&] {
    return deps.db.transaction([&](store::Connection& c) -> core::Status {
      auto r = queue_thumbnail(c, deps, org, media_id, request);
      if (!r) return std::move(r).error();
      out = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) co_return std::move(s).error();
  deps.log.info("media thumbnail requested", {{"media_id", media_id}});
  deps.wake_worker();
  co_return std::move(*out);
}

}  // namespace postfuze::media
