#include "publish/rollup.hpp"

#include <algorithm>

#include "core/json_values.hpp"
#include "publish/post_json.hpp"
#include "publish/post_store.hpp"
#include "webhooks/outbox.hpp"

namespace postfuze::publish {

namespace json = boost::json;

std::string rolled_up_status(std::string_view current, bool scheduled, const std::vector<std::string>& statuses) {
  if (current == kDraft || current == kCanceled || statuses.empty()) return std::string(current);
  auto count = [&](std::string_view s) { return std::count(statuses.begin(), statuses.end(), s); };
  const auto n = static_cast<std::ptrdiff_t>(statuses.size());
  const auto published = count(target::kPublished);
  const auto error = count(target::kError);
  if (count(target::kPublishing) > 0) return std::string(kPublishing);
  if (published == n) return std::string(kPublished);
  if (published + error == n) return std::string(published > 0 ? kPartial : kFailed);
  if (published > 0 || error > 0 || count(target::kFailed) > 0) return std::string(kPublishing);
  return std::string(scheduled && count(target::kPending) == n ? kScheduled : kQueued);
}

core::Result<bool> roll_up(store::Connection& c, const core::Clock& clock, core::Random& random,
                           std::string_view post_id, const std::vector<TargetEvent>& events) {
  // Lock the post row first (a no-op write takes the row lock on both
  // backends): concurrent target changes of one post then roll up one after
  // the other, each seeing the others' committed targets.
  auto locked = c.execute("UPDATE posts SET version = version WHERE id = $1", {post_id});
  if (!locked) return std::move(locked).error();
  auto rows = c.query(
      "SELECT org_id, status, scheduled_at, published_event_at, error_event_at, tenant_id FROM posts WHERE id = $1",
      {post_id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return false;
  const core::OrgId org{rows->front().text(0)};
  const std::string current = rows->front().text(1);
  const bool scheduled = !rows->front().is_null(2);
  const bool published_sent = !rows->front().is_null(3);
  const bool error_sent = !rows->front().is_null(4);
  const auto tenant_id = rows->front().optional_text(5);
  const auto now = clock.now();

  auto targets = load_targets(c, post_id);
  if (!targets) return std::move(targets).error();
  std::vector<std::string> statuses;
  for (const auto& t : *targets) statuses.push_back(t.status);
  const std::string status = rolled_up_status(current, scheduled, statuses);
  if (status != current) {
    auto u = c.execute("UPDATE posts SET status = $1, updated_at = $2 WHERE id = $3", {status, now, post_id});
    if (!u) return std::move(u).error();
  }

  bool emitted = false;
  for (const auto& e : events) {
    json::object data{{"post_id", std::string(post_id)},
                      {"post_status", status},
                      {"target", target_to_json(e.target)},
                      {"tenant_id", core::string_or_null(tenant_id)}};
    auto s = webhooks::emit(c, clock, random, org, e.type, std::move(data));
    if (!s) return std::move(s).error();
    emitted = emitted || !s->delivery_ids.empty();
  }

  const bool live = std::find(statuses.begin(), statuses.end(), target::kPublished) != statuses.end();
  const bool publish_event = live && !published_sent;
  const bool error_event = status == kFailed && !error_sent && !live;
  if (publish_event || error_event) {
    auto post = find_post(c, org, post_id);
    if (!post) return std::move(post).error();
    if (*post) {
      (*post)->status = status;
      auto s = webhooks::emit(c, clock, random, org, publish_event ? "post.published" : "post.error", to_json(**post));
      if (!s) return std::move(s).error();
      emitted = emitted || !s->delivery_ids.empty();
    }
    auto u = c.execute(publish_event ? "UPDATE posts SET published_event_at = $1 WHERE id = $2"
                                     : "UPDATE posts SET error_event_at = $1 WHERE id = $2",
                       {now, post_id});
    if (!u) return std::move(u).error();
  }
  return emitted;
}

}  // namespace postfuze::publish
