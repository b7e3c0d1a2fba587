#include "media/media_worker.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <system_error>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "core/blocking.hpp"
#include "core/ids.hpp"
#include "media/media_store.hpp"
#include "media/scratch_dir.hpp"

namespace postfuze::media {

namespace asio = boost::asio;

namespace {

// The changes a finished job makes to the asset, applied to the row as it
// is when the job ends (not as it was when the job began).
using Apply = std::function<void(Media&)>;

core::Error lease_lost() { return core::Error::conflict("lease lost"); }

std::string thumb_key(const Media& m, const MediaJob& job) {
  return m.org.value + "/" + m.id + "/thumb-" + job.id + ".jpg";
}

struct ThumbnailParams {
  std::optional<std::int64_t> frame_time_ms;
  std::optional<std::string> media_id;
};

ThumbnailParams parse_params(const std::string& text) {
  ThumbnailParams p;
  std::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return p;
  const auto& o = v.as_object();
  if (const auto* f = o.if_contains("frame_time_ms"); f && f->is_int64()) p.frame_time_ms = f->as_int64();
  if (const auto* id = o.if_contains("media_id"); id && id->is_string()) p.media_id = std::string(id->as_string());
  return p;
}

// One claimed job's turn, start to end.
class JobRun {
 public:
  JobRun(const MediaDeps& deps, const MediaWorkerOptions& options, const std::string& owner, MediaJob job)
      : deps_(deps), options_(options), owner_(owner), job_(std::move(job)) {}

  asio::awaitable<void> run() {
    auto media = co_await load(job_.media_id);
    if (!media) {
      log_warn("loading the media failed", media.error());
      co_return;  // the lease runs out and the job is claimed again
    }
    if (!*media || (*media)->status == kDeleted || (*media)->status == kFailed) {
      co_await finish(nullptr, "the media is gone");
      co_return;
    }
    const Media m = std::move(**media);
    if (job_.attempts > options_.max_attempts) {
      co_await give_up(m, "no attempts left");
      co_return;
    }
    ScratchDir dir;
    core::Result<Apply> outcome = core::Error::internal_error("unreachable");
    if (auto s = dir.create(deps_.work_dir, "job-" + job_.id); !s)
      outcome = std::move(s).error();
    else if (job_.kind == kJobProcess)
      outcome = co_await process(m, dir.path());
    else
      outcome = co_await thumbnail(m, dir.path());
    if (outcome) {
      co_await finish(std::move(*outcome), std::nullopt);
    } else if (outcome.error().code == core::ErrorCode::conflict) {
      deps_.log.warn("media job lost its lease", {{"job_id", job_.id}, {"media_id", job_.media_id}});
    } else if (outcome.error().code == core::ErrorCode::validation_failed) {
      co_await refuse(outcome.error());
    } else {
      co_await retry(m, outcome.error());
    }
  }

 private:
  // "process": a decodable video → dimensions, duration and a cover frame.
  asio::awaitable<core::Result<Apply>> process(const Media& m, std::filesystem::path dir) {
    const auto original = dir / "original";
    if (auto s = co_await deps_.objects.download(m.object_key, original); !s) co_return std::move(s).error();
    if (auto s = co_await renew(); !s) co_return std::move(s).error();
    auto p = co_await probe_file(original, options_.tools);
    if (!p) co_return std::move(p).error();
    if (!p->has_video) co_return corrupt_file("No video stream could be read from the file.");
    // A cover about a second in skips fade-ins; short videos use their first frame.
    const std::int64_t at = p->duration_ms && *p->duration_ms >= 2000 ? 1000 : 0;
    auto thumb = co_await render(m, original, dir / "cover.jpg", at);
    if (!thumb) co_return std::move(thumb).error();
    thumb->frame_time_ms = at;
    thumb->source = "generated";
    ProbeResult measured = std::move(*p);
    Thumbnail cover = std::move(*thumb);
    co_return Apply([measured, cover](Media& fresh) {
      fresh.width = measured.width;
      fresh.height = measured.height;
      fresh.duration_ms = measured.duration_ms;
      fresh.thumbnail = cover;
      fresh.failure.reset();
      fresh.status = std::string(kReady);
    });
  }

  // "thumbnail": a frame of this asset, or another image of the same org.
  asio::awaitable<core::Result<Apply>> thumbnail(const Media& m, std::filesystem::path dir) {
    const ThumbnailParams params = parse_params(job_.params);
    const auto source = dir / "source";
    std::int64_t at = 0;
    std::string kind = "generated";
    if (params.media_id) {
      auto other = co_await load(*params.media_id);
      if (!other) co_return std::move(other).error();
      if (!*other || !((*other)->org == m.org) || (*other)->kind != kImage || (*other)->status == kDeleted ||
          (*other)->status == kFailed)
        co_return core::Error::validation("media_id", "The custom thumbnail's image is gone.", "not_found");
      if (auto s = co_await deps_.objects.download((*other)->object_key, source); !s) co_return std::move(s).error();
      kind = "custom";
    } else if (params.frame_time_ms) {
      if (auto s = co_await deps_.objects.download(m.object_key, source); !s) co_return std::move(s).error();
      at = *params.frame_time_ms;
    } else {
      co_return core::Error::validation("params", "The thumbnail job names no frame and no image.", "invalid");
    }
    if (auto s = co_await renew(); !s) co_return std::move(s).error();
    auto thumb = co_await render(m, source, dir / "thumb.jpg", at);
    if (!thumb) co_return std::move(thumb).error();
    if (kind == "generated") thumb->frame_time_ms = at;
    thumb->source = kind;
    Thumbnail chosen = std::move(*thumb);
    co_return Apply([chosen](Media& fresh) {
      fresh.thumbnail = chosen;
      if (fresh.status == kProcessing) fresh.status = std::string(kReady);
    });
  }

  // Cuts the frame at `at` from `in` into a JPEG, measures it and stores it
  // under this job's key.
  asio::awaitable<core::Result<Thumbnail>> render(const Media& m, std::filesystem::path in, std::filesystem::path out,
                                                  std::int64_t at) {
    if (auto s = co_await cut_frame(in, out, at, options_.thumbnail_width, options_.tools); !s)
      co_return std::move(s).error();
    auto t = co_await probe_file(out, options_.tools);
    if (!t || !t->has_video)
      co_return core::Error::internal_error("the JPEG ffmpeg wrote cannot be measured");  // ours: worth a retry
    if (auto s = co_await renew(); !s) co_return std::move(s).error();
    const std::string key = thumb_key(m, job_);
    if (auto s = co_await deps_.objects.upload(out, key, "image/jpeg"); !s) co_return std::move(s).error();
    Thumbnail thumb;
    thumb.object_key = key;
    thumb.width = t->width;
    thumb.height = t->height;
    co_return thumb;
  }

  // The file is unreadable or the request impossible: a video fails for
  // good; a thumbnail request leaves the old thumbnail.
  asio::awaitable<void> refuse(const core::Error& e) {
    const std::string code = e.fields.empty() ? std::string(kCorruptFile) : e.fields[0].code;
    const std::string message = e.fields.empty() ? e.detail : e.fields[0].message;
    deps_.log.info("media job refused the file", {{"job_id", job_.id}, {"media_id", job_.media_id}, {"code", code},
                                                  {"tool", e.internal}});
    co_await finish(settle(code, message), message);
  }

  asio::awaitable<void> retry(const Media& m, const core::Error& e) {
    const std::string why = e.internal.empty() ? e.detail : e.internal;
    if (job_.attempts >= options_.max_attempts) {
      co_await give_up(m, why);
      co_return;
    }
    const auto delay = std::min<std::chrono::milliseconds>(options_.retry_base * (1LL << std::min(job_.attempts - 1, 16)),
                                                           std::chrono::minutes(10));
    const auto now = deps_.clock.now();
    auto s = co_await core::run_blocking(deps_.blocking, [&] {
      return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
        auto r = reschedule_job(c, job_.id, owner_, now, now + delay, why);
        if (!r) return std::move(r).error();
        return core::Ok{};
      });
    });
    deps_.log.warn("media job will be retried", {{"job_id", job_.id}, {"media_id", job_.media_id},
                                                 {"attempts", job_.attempts}, {"error", why},
                                                 {"store_error", s ? std::string{} : s.error().internal}});
  }

  asio::awaitable<void> give_up(const Media&, const std::string& why) {
    deps_.log.warn("media job gave up", {{"job_id", job_.id}, {"media_id", job_.media_id},
                                         {"attempts", job_.attempts}, {"error", why}});
    co_await finish(settle("processing_failed", "The file could not be processed; upload it again."), why);
  }

  // How a job that could not do its work leaves the asset.
  Apply settle(const std::string& code, const std::string& message) const {
    if (job_.kind == kJobProcess)
      return [code, message](Media& fresh) {
        fresh.status = std::string(kFailed);
        fresh.failure = Failure{code, message};
      };
    return [](Media& fresh) {
      if (fresh.status == kProcessing) fresh.status = std::string(kReady);
    };
  }

  // Ends the job and applies its changes in one transaction under the lease,
  // then removes the thumbnail the new one replaced.
  asio::awaitable<void> finish(Apply apply, std::optional<std::string> job_error) {
    for (int round = 0; round < 3; ++round) {
      std::optional<std::string> replaced;
      bool changed_meanwhile = false;
      const auto now = deps_.clock.now();
      auto s = co_await core::run_blocking(deps_.blocking, [&] {
        return deps_.db.transaction([&](store::Connection& c) -> core::Status {
          auto ended = finish_job(c, job_.id, owner_, now, job_error);
          if (!ended) return std::move(ended).error();
          if (!*ended) return lease_lost();
          auto fresh = load_media(c, job_.media_id);
          if (!fresh) return std::move(fresh).error();
          if (!apply || !*fresh || (*fresh)->status == kDeleted) return core::Ok{};
          Media m = std::move(**fresh);
          const auto before = m.thumbnail;
          apply(m);
          auto saved = save_media(c, m, now);
          if (!saved) return std::move(saved).error();
          if (!*saved) {
            changed_meanwhile = true;
            return core::Error::conflict("the media changed meanwhile");
          }
          if (before && before->source != "original" && (!m.thumbnail || m.thumbnail->object_key != before->object_key))
            replaced = before->object_key;
          deps_.log.info("media job done", {{"job_id", job_.id}, {"media_id", m.id}, {"kind", job_.kind},
                                            {"status", m.status}});
          return core::Ok{};
        });
      });
      if (!s && changed_meanwhile) continue;
      if (!s) {
        log_warn("ending the job failed", s.error());  // the lease runs out and the job runs again
        co_return;
      }
      if (replaced) {
        if (auto r = co_await deps_.objects.remove(*replaced); !r)
          log_warn("removing a replaced thumbnail failed", r.error());
      }
      co_return;
    }
    deps_.log.warn("media job could not save: the media kept changing", {{"job_id", job_.id}});
  }

  asio::awaitable<core::Status> renew() {
    const auto now = deps_.clock.now();
    bool held = false;
    auto s = co_await core::run_blocking(deps_.blocking, [&] {
      return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
        auto r = renew_lease(c, job_.id, owner_, now, now + options_.lease);
        if (!r) return std::move(r).error();
        held = *r;
        return core::Ok{};
      });
    });
    if (!s) co_return std::move(s).error();
    if (!held) co_return lease_lost();
    co_return core::Ok{};
  }

  asio::awaitable<core::Result<std::optional<Media>>> load(std::string id) {
    std::optional<Media> out;
    auto s = co_await core::run_blocking(deps_.blocking, [&] {
      return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
        auto r = load_media(c, id);
        if (!r) return std::move(r).error();
        out = std::move(*r);
        return core::Ok{};
      });
    });
    if (!s) co_return std::move(s).error();
    co_return out;
  }

  void log_warn(std::string_view what, const core::Error& e) {
    deps_.log.warn("media job: " + std::string(what),
                   {{"job_id", job_.id}, {"media_id", job_.media_id}, {"error", e.internal.empty() ? e.detail : e.internal}});
  }

  const MediaDeps& deps_;
  const MediaWorkerOptions& options_;
  const std::string& owner_;
  MediaJob job_;
};

}  // namespace

MediaWorker::MediaWorker(asio::io_context& io, MediaDeps deps, MediaWorkerOptions options)
    : io_(io),
      deps_(std::move(deps)),
      options_(std::move(options)),
      owner_("media-" + core::new_uuid(deps_.random)),
      strand_(asio::make_strand(io)),
      timer_(strand_),
      purge_timer_(strand_) {}

void MediaWorker::start() {
  // Scratch dirs a crashed run left behind (the work dir is this data dir's own).
  std::error_code ec;
  std::vector<std::filesystem::path> left;
  for (const auto& entry : std::filesystem::directory_iterator(deps_.work_dir, ec)) left.push_back(entry.path());
  for (const auto& path : left) std::filesystem::remove_all(path, ec);
  asio::co_spawn(strand_, run(), [this](std::exception_ptr e) {
    if (e) deps_.log.error("media worker stopped by an exception");
  });
  asio::co_spawn(strand_, purge_loop(), [this](std::exception_ptr e) {
    if (e) deps_.log.error("media purge stopped by an exception");
  });
}

void MediaWorker::stop() {
  stopping_ = true;
  asio::post(strand_, [this] {
    timer_.cancel();
    purge_timer_.cancel();
  });
}

void MediaWorker::wake() {
  asio::post(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> MediaWorker::run() {
  while (!stopping_) {
    const int claimed = co_await claim_and_spawn(false);
    if (claimed > 0 && in_flight_ < options_.max_in_flight) continue;  // more may be due
    timer_.expires_after(options_.poll_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> MediaWorker::purge_loop() {
  while (!stopping_) {
    (void)co_await purge();
    purge_timer_.expires_after(options_.purge_interval);
    co_await purge_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<int> MediaWorker::drain() { co_return co_await claim_and_spawn(true); }

asio::awaitable<int> MediaWorker::claim_and_spawn(bool wait_for_all) {
  const int room = options_.max_in_flight - in_flight_.load();
  if (room <= 0) co_return 0;
  const auto now = deps_.clock.now();
  std::vector<MediaJob> claimed;
  auto s = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.transaction([&](store::Connection& c) -> core::Status {
      auto r = claim_due_jobs(c, deps_.db.dialect(), owner_, now, now + options_.lease, room);
      if (!r) return std::move(r).error();
      claimed = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) {
    deps_.log.warn("media claim failed", {{"error", s.error().internal}});
    co_return 0;
  }
  const auto n = claimed.size();
  if (n == 0) co_return 0;
  in_flight_ += static_cast<int>(n);
  auto executor = co_await asio::this_coro::executor;
  asio::experimental::channel<void(boost::system::error_code)> done(executor, n);
  for (auto& job : claimed) {
    deps_.log.info("media job claimed", {{"job_id", job.id}, {"media_id", job.media_id}, {"kind", job.kind},
                                         {"attempts", job.attempts}});
    asio::co_spawn(io_, run_job(std::move(job)), [this, &done, wait_for_all, executor](std::exception_ptr e) {
      if (e) deps_.log.error("media job stopped by an exception");
      --in_flight_;
      if (wait_for_all) asio::post(executor, [&done] { done.try_send(boost::system::error_code{}); });
    });
  }
  if (wait_for_all)
    for (std::size_t i = 0; i < n; ++i) co_await done.async_receive(asio::as_tuple(asio::use_awaitable));
  co_return static_cast<int>(n);
}

asio::awaitable<void> MediaWorker::run_job(MediaJob job) {
  if (options_.process_delay.count() > 0) {
    asio::steady_timer delay(io_, options_.process_delay);
    co_await delay.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  JobRun run(deps_, options_, owner_, std::move(job));
  co_await run.run();
}

asio::awaitable<int> MediaWorker::purge() {
  const auto now = deps_.clock.now();
  std::vector<Media> due;
  auto s = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = purge_candidates(c, now, 100);
      if (!r) return std::move(r).error();
      due = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) {
    deps_.log.warn("media purge: listing failed", {{"error", s.error().internal}});
    co_return 0;
  }
  int purged = 0;
  for (Media& m : due) {
    // Deleted first: from then on no post can link it, so removing the bytes
    // cannot pull them from under a new post.
    bool marked = false;
    auto w = co_await core::run_blocking(deps_.blocking, [&] {
      return deps_.db.transaction([&](store::Connection& c) -> core::Status {
        auto used = used_by_unsettled_post(c, m.org, m.id);
        if (!used) return std::move(used).error();
        if (*used) return core::Ok{};
        m.status = std::string(kDeleted);
        auto saved = save_media(c, m, now);
        if (!saved) return std::move(saved).error();
        marked = *saved;
        return core::Ok{};
      });
    });
    if (!w || !marked) continue;  // changed meanwhile: the next sweep looks again
    for (const std::string* key : {&m.object_key, m.thumbnail ? &m.thumbnail->object_key : nullptr}) {
      if (!key || (key != &m.object_key && *key == m.object_key)) continue;
      if (auto r = co_await deps_.objects.remove(*key); !r)
        deps_.log.warn("media purge: removing an object failed", {{"media_id", m.id}, {"error", r.error().internal}});
    }
    deps_.log.info("media purged", {{"media_id", m.id}});
    ++purged;
  }
  co_return purged;
}

}  // namespace postfuze::media
