// confirm_upload (processing.hpp): the stored bytes decide, never the
// client's word. Order of checks, each ending the asset `failed` with its
// code (docs/errors.md "Media"): upload_missing → payload_too_large (object
// removed) → size_mismatch → type_mismatch → corrupt_file. A confirm that
// comes before the bytes while the upload URL is still valid changes
// nothing: the client may still PUT and confirm again.
#include <boost/asio/awaitable.hpp>

#include "core/blocking.hpp"
#include "media/media_job_store.hpp"
#include "media/media_store.hpp"
#include "media/probe.hpp"
#include "media/processing.hpp"
#include "media/scratch_dir.hpp"
#include "media/sniff.hpp"

namespace postfuze::media {

namespace asio = boost::asio;

namespace {

// What confirm decided: the asset's next state, the job to queue, and for a
// refusal the error to answer (the asset is then failed).
struct Verdict {
  Media media;
  std::optional<MediaJob> job;
  std::optional<core::Error> error;
  bool remove_object = false;
  bool write = true;  // false: answer `error` and leave the asset as it is
};

Verdict refuse(Media m, std::string code, std::string message) {
  core::Error e = code == "payload_too_large" ? core::Error{core::ErrorCode::payload_too_large, message, {}, {}}
                                              : core::Error::validation("file", message, code);
  const bool remove = code == "payload_too_large";
  m.status = std::string(kFailed);
  m.failure = Failure{std::move(code), std::move(message)};
  return Verdict{std::move(m), std::nullopt, std::move(e), remove};
}

asio::awaitable<core::Result<std::optional<Media>>> find(const MediaDeps& deps, const core::OrgId& org,
                                                         const std::string& id) {
  std::optional<Media> out;
  auto s = co_await core::run_blocking(deps.blocking, [&] {
    return deps.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = find_media(c, org, id);
      if (!r) return std::move(r).error();
      out = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) co_return std::move(s).error();
  co_return out;
}

// Writes the verdict when nobody changed the row since it was read; false
// when someone did (nothing written).
asio::awaitable<core::Result<bool>> save(const MediaDeps& deps, const Verdict& v, core::TimePoint now) {
  bool saved = false;
  auto s = co_await core::run_blocking(deps.blocking, [&] {
    return deps.db.transaction([&](store::Connection& c) -> core::Status {
      auto r = save_media(c, v.media, now);
      if (!r) return std::move(r).error();
      saved = *r;
      if (!saved || !v.job) return core::Ok{};
      return insert_job(c, *v.job);
    });
  });
  if (!s) co_return std::move(s).error();
  co_return saved;
}

// Measures an image, GIF or audio file from a local copy.
asio::awaitable<core::Result<Verdict>> measure(const MediaDeps& deps, Media m) {
  ScratchDir scratch;
  if (auto s = scratch.create(deps.work_dir, "confirm-" + m.id + "-" + core::new_uuid(deps.random)); !s)
    co_return std::move(s).error();
  const auto file = scratch.path() / "original";
  if (auto s = co_await deps.objects.download(m.object_key, file); !s) co_return std::move(s).error();
  auto p = co_await probe_file(file);
  if (!p) {
    if (!is_corrupt_file(p.error())) co_return std::move(p).error();
    deps.log.info("media refused: unreadable file", {{"media_id", m.id}, {"tool", p.error().internal}});
    co_return refuse(std::move(m), std::string(kCorruptFile), p.error().fields[0].message);
  }
  if (m.kind == kAudio) {
    if (!p->has_audio) co_return refuse(std::move(m), std::string(kCorruptFile), "No audio could be read from the file.");
    m.duration_ms = p->duration_ms;
  } else {
    if (!p->has_video)
      co_return refuse(std::move(m), std::string(kCorruptFile), "No picture could be read from the file.");
    m.width = p->width;
    m.height = p->height;
    if (m.kind == kGif) m.duration_ms = p->duration_ms;
    m.thumbnail = Thumbnail{m.object_key, p->width, p->height, std::nullopt, "original"};
  }
  m.status = std::string(kReady);
  co_return Verdict{std::move(m), std::nullopt, std::nullopt, false};
}

asio::awaitable<core::Result<Verdict>> inspect(const MediaDeps& deps, Media m) {
  auto info = co_await deps.objects.stat(m.object_key);
  if (!info) co_return std::move(info).error();
  if (!*info || (*info)->size == 0) {
    const bool url_valid = deps.clock.now() < m.upload_expires_at;
    auto v = refuse(std::move(m), "upload_missing",
                    url_valid ? "Nothing was uploaded for this asset yet: PUT the file to its upload URL, then confirm."
                              : "Nothing was uploaded for this asset before its upload URL expired; upload it again.");
    v.write = !url_valid;
    co_return v;
  }
  const std::int64_t size = (*info)->size;
  m.size = size;
  const std::int64_t cap = deps.limits.cap_for(m.kind);
  if (size > cap)
    co_return refuse(std::move(m), "payload_too_large",
                     "The uploaded file is " + std::to_string(size) + " bytes; " + m.kind + " files may be at most " +
                         std::to_string(cap) + " bytes.");
  if (m.declared_size && *m.declared_size != size)
    co_return refuse(std::move(m), "size_mismatch",
                     "The uploaded file is " + std::to_string(size) + " bytes, not the " +
                         std::to_string(*m.declared_size) + " bytes declared.");
  auto head = co_await deps.objects.read(m.object_key, 0, static_cast<std::int64_t>(kSniffBytes));
  if (!head) co_return std::move(head).error();
  const std::string sniffed = sniff_content_type(*head);
  const auto kind = kind_for(sniffed);
  if (!kind)
    co_return refuse(std::move(m), "type_mismatch",
                     "The uploaded file is " + sniffed + ", which is not an allowed media type.");
  if (*kind != m.kind)
    co_return refuse(std::move(m), "type_mismatch",
                     "The uploaded file is " + sniffed + " (" + *kind + "), but " + m.content_type + " (" + m.kind +
                         ") was declared.");
  m.content_type = sniffed;  // same kind, maybe another type (a PNG declared as JPEG): the bytes' word wins
  m.failure.reset();
  if (m.kind == kVideo) {
    m.status = std::string(kProcessing);
    auto job = new_job(deps.random, deps.clock.now(), m, kJobProcess);
    co_return Verdict{std::move(m), std::move(job), std::nullopt, false};
  }
  if (m.kind == kDocument) {
    m.status = std::string(kReady);
    co_return Verdict{std::move(m), std::nullopt, std::nullopt, false};
  }
  co_return co_await measure(deps, std::move(m));
}

bool confirmable(const Media& m) {
  return m.status == kPendingUpload || m.status == kUploading || m.status == kUploaded;
}

}  // namespace

asio::awaitable<core::Result<Media>> confirm_upload(const MediaDeps& deps, const core::OrgId& org, std::string_view id) {
  const std::string media_id(id);
  // A concurrent writer (another confirm, a delete) makes the save miss:
  // decide again on the fresh row, which then usually answers at once.
  for (int round = 0; round < 3; ++round) {
    auto found = co_await find(deps, org, media_id);
    if (!found) co_return std::move(found).error();
    if (!*found) co_return core::Error::not_found("No media with id '" + media_id + "'.");
    Media current = std::move(**found);
    if (current.status == kProcessing || current.status == kReady) co_return current;  // confirmed already
    if (!confirmable(current))
      co_return core::Error::conflict("The media is " + current.status + "; only an uploaded file can be confirmed.");
    auto verdict = co_await inspect(deps, std::move(current));
    if (!verdict) co_return std::move(verdict).error();
    if (!verdict->write) co_return std::move(*verdict->error);
    const auto now = deps.clock.now();
    auto saved = co_await save(deps, *verdict, now);
    if (!saved) co_return std::move(saved).error();
    if (!*saved) continue;
    Media& m = verdict->media;
    m.version += 1;
    m.updated_at = now;
    deps.log.info("media confirmed", {{"media_id", m.id}, {"kind", m.kind}, {"status", m.status},
                                      {"code", m.failure ? m.failure->code : std::string{}}});
    if (verdict->remove_object) {
      // Best effort: the purge removes what is left behind.
      if (auto r = co_await deps.objects.remove(m.object_key); !r)
        deps.log.warn("media: removing a refused upload failed", {{"media_id", m.id}, {"error", r.error().internal}});
    }
    if (verdict->job) deps.wake_worker();
    if (verdict->error) co_return std::move(*verdict->error);
    co_return std::move(m);
  }
  co_return core::Error::conflict("The media changed while it was being confirmed; retry.");
}

}  // namespace postfuze::media
