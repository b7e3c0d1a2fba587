// Status rollup and post events (contract §17.3, §23; D27). Called in the
// same transaction as every target change, so a post's status and its
// webhook events can never disagree with its targets:
//   any target publishing → publishing; all published → published;
//   all settled with some published → partial; all failed for good → failed;
//   otherwise publishing once anything happened (D27), else queued/scheduled.
// `post.published` is emitted once, as soon as one target is live;
// `post.error` once, when every target failed for good; the per-target
// events passed in carry {post_id, post_status (after the change), target,
// tenant_id}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "publish/post.hpp"
#include "store/database.hpp"

namespace postfuze::publish {

std::string rolled_up_status(std::string_view current, bool scheduled, const std::vector<std::string>& target_statuses);

struct TargetEvent {
  std::string type;  // post.target.published or post.target.failed
  PostTarget target;
};

// Recomputes the post's status, stores it when it changed and emits the
// events due. Returns true when at least one event was emitted.
core::Result<bool> roll_up(store::Connection& c, const core::Clock& clock, core::Random& random,
                           std::string_view post_id, const std::vector<TargetEvent>& events);

}  // namespace postfuze::publish
