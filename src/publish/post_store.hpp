// Store calls for posts and their targets (post.hpp). Every call takes the
// owning OrgId first; another organisation's post — or a deleted one — reads
// as missing. Run inside the caller's connection or transaction; calls that
// change several rows need a transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "publish/post.hpp"
#include "store/database.hpp"
#include "store/keyset.hpp"

namespace postfuze::publish {

// Inserts the post and every target. conflict when the org already has a
// post with the same idempotency key (the caller replays that one).
core::Status insert_post(store::Connection& c, const Post& post);

core::Result<std::optional<Post>> find_post(store::Connection& c, const core::OrgId& org, std::string_view id);
core::Result<std::optional<Post>> find_post_by_key(store::Connection& c, const core::OrgId& org,
                                                   std::string_view idempotency_key);

struct PostFilter {
  std::optional<std::string> status;
  std::optional<std::string> platform;
  std::optional<std::string> account_id;
  std::optional<std::string> tenant_id;
  std::optional<std::string> external_ref;
  std::optional<core::TimePoint> created_after;
  std::optional<core::TimePoint> created_before;
  std::optional<core::TimePoint> scheduled_after;
  std::optional<core::TimePoint> scheduled_before;
};

// Newest first (created_at DESC, id DESC), keyset-paginated, targets loaded.
core::Result<store::Page<Post>> list_posts(store::Connection& c, const core::OrgId& org, const PostFilter& filter,
                                           const std::optional<store::KeysetPosition>& after, int limit);

// Replaces an unpublished post's editable state and its targets (PATCH):
// succeeds only while the stored version is `expected_version` and every
// target is still pending (conflict otherwise; the detail says which).
core::Status replace_unpublished(store::Connection& c, const Post& post, std::int64_t expected_version,
                                 core::TimePoint now);

// DELETE before publishing: the post becomes canceled and hidden, its
// targets canceled. conflict when any target was taken by a worker or the
// post has settled.
core::Result<Post> cancel_post(store::Connection& c, const core::OrgId& org, std::string_view id,
                               core::TimePoint now);

// Re-queues every permanently failed target (status error) of the post.
// conflict when there is none.
core::Status requeue_failed_targets(store::Connection& c, const core::OrgId& org, std::string_view id,
                                    core::TimePoint now);

struct AttemptRecord {
  std::string id;
  std::string target_id;
  std::string post_id;
  core::OrgId org;
  std::int64_t attempt = 0;
  int container_position = 0;
  std::string outcome;  // created, found, transient, rate_limited, auth, permanent, ambiguous, lookup_*
  std::optional<std::string> error_code;
  std::optional<std::string> message;
  std::optional<int> platform_status;
  std::optional<std::string> platform_request_id;
  std::optional<core::TimePoint> retry_at;
  std::int64_t latency_ms = 0;
  std::string worker;  // the process's worker id (publish-<uuid>), for operators
  core::TimePoint created_at;
};

core::Status insert_attempt(store::Connection& c, const AttemptRecord& a);
core::Result<std::vector<AttemptRecord>> list_attempts(store::Connection& c, const core::OrgId& org,
                                                       std::string_view post_id);

// Targets of one post, in accounts[] order.
core::Result<std::vector<PostTarget>> load_targets(store::Connection& c, std::string_view post_id);
PostTarget target_from_row(const store::Row& r, std::size_t first_column = 0);
// The target columns in target_from_row's order, prefixed with `alias.`.
std::string target_columns(std::string_view alias);

}  // namespace postfuze::publish
