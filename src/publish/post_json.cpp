#include "publish/post_json.hpp"

#include "core/json_values.hpp"
#include "core/time_format.hpp"

namespace postfuze::publish {

namespace json = boost::json;

namespace {

json::array containers_json(const std::vector<Container>& containers) {
  json::array out;
  for (const auto& c : containers) {
    json::array media;
    for (const auto& m : c.media) media.push_back(json::object{{"id", m.id}, {"alt_text", core::string_or_null(m.alt_text)}});
    out.push_back(json::object{{"id", c.id},
                               {"position", c.position},
                               {"role", c.role},
                               {"content", c.content},
                               {"media", std::move(media)}});
  }
  return out;
}

}  // namespace

json::object target_to_json(const PostTarget& t) {
  json::array replies;
  for (const auto& r : t.replies)
    replies.push_back(json::object{{"container_id", r.container_id},
                                   {"status", r.status},
                                   {"platform_post_id", core::string_or_null(r.platform_post_id)},
                                   {"platform_post_url", core::string_or_null(r.platform_post_url)},
                                   {"error", error_to_json(r.error)}});
  const bool waiting = t.status == target::kFailed || t.status == target::kQueued || t.status == target::kPending;
  return {{"id", t.id},
          {"social_account_id", t.social_account_id},
          {"platform", t.platform},
          {"status", t.status},
          {"config", t.config},
          {"attempts", t.attempts},
          {"next_attempt_at", waiting ? core::timestamp_or_null(t.due_at) : json::value(nullptr)},
          {"platform_post_id", core::string_or_null(t.platform_post_id)},
          {"platform_post_url", core::string_or_null(t.platform_post_url)},
          {"published_at", core::timestamp_or_null(t.published_at)},
          {"error", error_to_json(t.error)},
          {"replies", std::move(replies)}};
}

json::object to_json(const Post& p) {
  json::array targets;
  for (const auto& t : p.targets) targets.push_back(target_to_json(t));
  return {{"id", p.id},
          {"status", p.status},
          {"is_draft", p.is_draft},
          {"scheduled_at", core::timestamp_or_null(p.scheduled_at)},
          {"external_ref", core::string_or_null(p.external_ref)},
          {"tenant_id", core::string_or_null(p.tenant_id)},
          {"containers", containers_json(p.containers)},
          {"default_config", p.default_config},
          {"targets", std::move(targets)},
          {"created_at", core::format_timestamp(p.created_at)},
          {"updated_at", core::format_timestamp(p.updated_at)}};
}

std::string etag(const Post& p) { return "\"" + p.id.substr(0, 8) + "-" + std::to_string(p.version) + "\""; }

}  // namespace postfuze::publish
