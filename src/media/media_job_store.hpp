// The media processing queue (docs/decisions.md "Media processing"):
// media_jobs rows with a due time are the jobs, the same durable-queue shape
// as post_targets (publish/target_queue.hpp). A worker claims due jobs with a
// lease (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one write transaction),
// and every later write names the owner, so a worker whose lease ran out
// (crashed, or too slow) changes nothing. A claim counts an attempt, so a
// file that kills the worker every time still runs out of attempts.
//
// Jobs of one asset run one at a time, oldest first: a job is claimable only
// when no older job of its asset is still pending.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "media/media.hpp"
#include "store/database.hpp"

namespace postfuze::media {

// Job kinds (stored; never rename one).
inline constexpr std::string_view kJobProcess = "process";      // probe, verify, cover frame (videos)
inline constexpr std::string_view kJobThumbnail = "thumbnail";  // params: {"frame_time_ms": n} or {"media_id": id}

struct MediaJob {
  std::string id;
  core::OrgId org;
  std::string media_id;
  std::string kind;
  std::string params = "{}";  // JSON object text
  int attempts = 0;           // claims so far, this one included
  std::optional<core::TimePoint> due_at;  // nullopt: done
  std::optional<std::string> lease_owner;
  std::optional<core::TimePoint> lease_until;
  std::optional<std::string> error;  // the last failure, for operators
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

// A job for asset `m`, due now.
MediaJob new_job(core::Random& random, core::TimePoint now, const Media& m, std::string_view kind,
                 std::string params = "{}");

core::Status insert_job(store::Connection& c, const MediaJob& job);

// Leases up to `limit` due jobs to `owner` until `lease_until`, counting an
// attempt on each; returns them as claimed.
core::Result<std::vector<MediaJob>> claim_due_jobs(store::Connection& c, store::Dialect dialect, std::string_view owner,
                                                   core::TimePoint now, core::TimePoint lease_until, int limit);

// Ends the job (due_at NULL, lease released), recording `error` when it ended
// badly. false (nothing written) when `owner` no longer holds the lease.
core::Result<bool> finish_job(store::Connection& c, std::string_view id, std::string_view owner, core::TimePoint now,
                              std::optional<std::string> error = std::nullopt);

// Extends a running job's lease (between long steps). false when `owner`
// no longer holds it: the job is someone else's now, stop working on it.
core::Result<bool> renew_lease(store::Connection& c, std::string_view id, std::string_view owner, core::TimePoint now,
                               core::TimePoint lease_until);

// Releases the job to run again at `due_at` after a transient failure.
// false when `owner` no longer holds the lease.
core::Result<bool> reschedule_job(store::Connection& c, std::string_view id, std::string_view owner,
                                  core::TimePoint now, core::TimePoint due_at, std::string error);

core::Result<std::optional<MediaJob>> find_job(store::Connection& c, std::string_view id);
// An asset's jobs, oldest first.
core::Result<std::vector<MediaJob>> jobs_for_media(store::Connection& c, std::string_view media_id);

}  // namespace postfuze::media
