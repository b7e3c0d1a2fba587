// Post and PostTarget (contract §14, §17; docs/decisions.md D23–D27): a post
// is one publish intent, fanned out to one target per account. Each target
// carries its own status, retries and outcome, and the per-container outcome
// of its replies/comments. The post's status is rolled up from its targets
// (rollup.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "publish/preflight.hpp"

namespace postfuze::publish {

// Post statuses (§17.1).
inline constexpr std::string_view kDraft = "draft";
inline constexpr std::string_view kScheduled = "scheduled";
inline constexpr std::string_view kQueued = "queued";
inline constexpr std::string_view kPublishing = "publishing";
inline constexpr std::string_view kPublished = "published";
inline constexpr std::string_view kPartial = "partial";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kCanceled = "canceled";

// Target statuses (§17.2, D25): `failed` will retry (as documented); `error`
// is the permanent failure the contract leaves unnamed.
namespace target {
inline constexpr std::string_view kPending = "pending";
inline constexpr std::string_view kQueued = "queued";
inline constexpr std::string_view kPublishing = "publishing";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kPublished = "published";
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kCanceled = "canceled";
}  // namespace target

bool is_post_status(std::string_view s);
bool is_settled_post_status(std::string_view s);  // published, partial, failed, canceled

struct Container {
  std::string id;  // ctr_<position>
  int position = 0;
  std::string role;  // main, first_comment, thread
  std::string content;
  std::vector<MediaInput> media;
};

std::string_view role_for(int position);

// A target's error: a stable code, a client-safe message (never a token),
// whether it will be retried, and the platform's HTTP status when it answered.
struct TargetError {
  std::string code;
  std::string message;
  bool retryable = false;
  std::optional<int> platform_status;
};

// Outcome of container 1+ on one target.
struct ReplyState {
  std::string container_id;
  int position = 0;
  std::string status = "pending";  // pending, published, failed (will retry), error, skipped
  std::optional<std::string> platform_post_id;
  std::optional<std::string> platform_post_url;
  boost::json::object ref_extra;  // what a reply to this one needs (Bluesky uri/cid…)
  std::optional<TargetError> error;
};

struct PostTarget {
  std::string id;
  std::string post_id;
  core::OrgId org;
  std::string social_account_id;
  std::string platform;
  int position = 0;  // index in the post's accounts[]
  std::string status;
  boost::json::object config;
  std::int64_t attempts = 0;
  std::int64_t failures = 0;  // consecutive failures of the current step
  std::optional<core::TimePoint> due_at;
  std::optional<int> intent_position;
  std::optional<core::TimePoint> intent_at;
  std::optional<std::string> platform_post_id;
  std::optional<std::string> platform_post_url;
  boost::json::object platform_ref;  // the root's extra ref data
  std::optional<core::TimePoint> published_at;
  std::optional<TargetError> error;
  std::vector<ReplyState> replies;
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

struct Post {
  std::string id;
  core::OrgId org;
  std::string status;
  bool is_draft = false;
  std::optional<core::TimePoint> scheduled_at;
  std::optional<std::string> external_ref;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> tenant_id;
  std::vector<Container> containers;
  boost::json::object default_config;
  std::int64_t version = 1;
  core::TimePoint created_at;
  core::TimePoint updated_at;
  std::vector<PostTarget> targets;  // in accounts[] order
};

// Storage forms of the JSON columns.
std::string containers_to_text(const std::vector<Container>& containers);
std::vector<Container> containers_from_text(std::string_view text);
std::string replies_to_text(const std::vector<ReplyState>& replies);
std::vector<ReplyState> replies_from_text(std::string_view text);
boost::json::value error_to_json(const std::optional<TargetError>& e);
std::optional<TargetError> error_from_text(const std::optional<std::string>& text);

}  // namespace postfuze::publish
