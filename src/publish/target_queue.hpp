// The publishing queue (docs/decisions.md D26): post_targets rows with a due
// time are the jobs. A worker claims due targets with a lease (PostgreSQL:
// FOR UPDATE SKIP LOCKED, so processes sharing the database never claim the
// same row; SQLite: one write transaction), works on them, and writes every
// step back under that lease. A crashed worker's lease runs out and another
// process takes the target over; an intent it left behind (a create sent,
// its answer not recorded) is looked up at the platform before any retry.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "media/media.hpp"
#include "publish/post.hpp"
#include "store/database.hpp"

namespace postfuze::publish {

// Marks up to `limit` due targets as this owner's until `lease_until` and
// moves them to publishing. Returns their ids and their posts' ids.
struct Claimed {
  std::vector<std::string> target_ids;
  std::vector<std::string> post_ids;
};
core::Result<Claimed> claim_due_targets(store::Connection& c, store::Dialect dialect, std::string_view owner,
                                        core::TimePoint now, core::TimePoint lease_until, int limit);

// One claimed target with what publishing it needs from its post.
struct Work {
  PostTarget target;
  std::vector<Container> containers;
  std::optional<std::string> tenant_id;
  std::vector<media::Media> media;  // the assets the containers use, deleted ones included
};
core::Result<std::optional<Work>> load_work(store::Connection& c, std::string_view target_id);

// Writes every mutable column of `t` back while `owner` still holds the
// lease; keeps the lease until `lease_until`, or releases it when nullopt.
// false (nothing written) when the lease was lost.
core::Result<bool> save_target(store::Connection& c, const PostTarget& t, std::string_view owner, core::TimePoint now,
                               std::optional<core::TimePoint> lease_until);

// The platform answered a root create after this worker's lease was lost:
// record the id anyway (never overwriting one), so no one creates it again.
core::Status adopt_root_id(store::Connection& c, const PostTarget& t, core::TimePoint now);

}  // namespace postfuze::publish
