// post_builder: a validated POST /posts (or PATCH) request turned into a
// complete Post — or one 422 naming every problem (contract §14.1, D29).
// The API parses the body's shape (api/post_request.hpp); this adds config
// resolution (422 validation_failed) and every platform rule for every
// target (422 platform_requirement). Nothing is stored here; the caller
// inserts the result in one transaction, so a post is never partially
// accepted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "accounts/social_account.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "providers/catalog.hpp"
#include "publish/post.hpp"

namespace postfuze::publish {

// The body's shape, before any account is read.
struct PostRequest {
  std::vector<std::string> account_ids;
  std::vector<ContainerInput> containers;
  std::optional<core::TimePoint> scheduled_at;
  bool is_draft = false;
  std::optional<std::string> external_ref;
  std::optional<std::string> tenant_id;
  boost::json::object body;  // for the config resolution
};

inline constexpr std::size_t kMaxTargets = 100;
inline constexpr std::size_t kMaxContainers = 10;

// The post for `request` to `accounts` (in request order; each the org's,
// not disconnected). `id`/`created_at` new; targets queued, pending
// (scheduled: due at scheduled_at) or pending with no due time (draft).
core::Result<Post> build_post(const PostRequest& request, const std::vector<accounts::SocialAccount>& accounts,
                              const providers::Catalog& catalog, const core::OrgId& org,
                              std::optional<std::string> idempotency_key, core::TimePoint now, core::Random& random);

}  // namespace postfuze::publish
