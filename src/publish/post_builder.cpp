#include "publish/post_builder.hpp"

#include "core/ids.hpp"
#include "publish/post_config.hpp"

namespace postfuze::publish {

namespace json = boost::json;

core::Result<Post> build_post(const PostRequest& request, const std::vector<accounts::SocialAccount>& accounts,
                              const providers::Catalog& catalog, const core::OrgId& org,
                              std::optional<std::string> idempotency_key, core::TimePoint now, core::Random& random) {
  auto config = resolve_config(request.body, catalog);
  if (!config) return std::move(config).error();

  std::vector<core::FieldError> broken;
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto& a = accounts[i];
    const auto* spec = catalog.find(a.platform);
    if (spec == nullptr) {
      broken.push_back({"accounts." + std::to_string(i), "Publishing to this platform is not supported.",
                        std::string(kPublishingNotSupported), a.id, a.platform});
      continue;
    }
    json::object slice;
    if (const auto* s = config->if_contains(a.platform); s && s->is_object()) slice = s->as_object();
    auto errors = preflight(*spec, a, i, slice, request.containers);
    broken.insert(broken.end(), errors.begin(), errors.end());
  }
  if (!broken.empty()) return core::Error::platform_requirement(std::move(broken));

  Post post;
  post.id = core::new_uuid(random);
  post.org = org;
  post.is_draft = request.is_draft;
  post.scheduled_at = request.is_draft ? std::nullopt : request.scheduled_at;
  post.status = std::string(request.is_draft ? kDraft : post.scheduled_at ? kScheduled : kQueued);
  post.external_ref = request.external_ref;
  post.idempotency_key = std::move(idempotency_key);
  post.tenant_id = request.tenant_id;
  post.default_config = std::move(*config);
  post.created_at = post.updated_at = now;
  for (std::size_t i = 0; i < request.containers.size(); ++i) {
    const int position = static_cast<int>(i);
    post.containers.push_back({"ctr_" + std::to_string(i), position, std::string(role_for(position)),
                               request.containers[i].content, request.containers[i].media});
  }
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const auto& a = accounts[i];
    const auto* spec = catalog.find(a.platform);
    PostTarget t;
    t.id = core::new_uuid(random);
    t.post_id = post.id;
    t.org = org;
    t.social_account_id = a.id;
    t.platform = a.platform;
    t.position = static_cast<int>(i);
    if (const auto* s = post.default_config.if_contains(a.platform); s && s->is_object()) t.config = s->as_object();
    if (post.status == kQueued) {
      t.status = std::string(target::kQueued);
      t.due_at = now;
    } else {
      t.status = std::string(target::kPending);
      t.due_at = post.scheduled_at;  // nullopt for drafts: never due
    }
    // Containers 1+ where the platform has no reply surface are reported skipped (§15.1).
    const bool ignored = spec->publish.replies == providers::ReplyMode::ignored;
    for (const auto& c : post.containers)
      if (c.position > 0) t.replies.push_back({c.id, c.position, ignored ? "skipped" : "pending", {}, {}, {}, {}});
    t.created_at = t.updated_at = now;
    post.targets.push_back(std::move(t));
  }
  return post;
}

}  // namespace postfuze::publish
