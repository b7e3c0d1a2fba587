#include "publish/target_queue.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "media/media_store.hpp"
#include "publish/post_store.hpp"

namespace postfuze::publish {

namespace json = boost::json;

core::Result<Claimed> claim_due_targets(store::Connection& c, store::Dialect dialect, std::string_view owner,
                                        core::TimePoint now, core::TimePoint lease_until, int limit) {
  const std::string lock = dialect == store::Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
  auto rows = c.query(
      "UPDATE post_targets SET lease_owner = $1, lease_until = $2, updated_at = $3, "
      // A live target working on its replies stays published.
      "status = CASE WHEN platform_post_id IS NULL THEN 'publishing' ELSE status END "
      "WHERE id IN (SELECT id FROM post_targets WHERE due_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) "
      "ORDER BY due_at LIMIT $4" + lock + ") RETURNING id, post_id",
      {owner, lease_until, now, limit});
  if (!rows) return std::move(rows).error();
  Claimed out;
  for (const auto& r : *rows) {
    out.target_ids.push_back(r.text(0));
    if (std::find(out.post_ids.begin(), out.post_ids.end(), r.text(1)) == out.post_ids.end())
      out.post_ids.push_back(r.text(1));
  }
  // Roll-ups lock posts in this order: two claims never wait on each other in a cycle.
  std::sort(out.post_ids.begin(), out.post_ids.end());
  return out;
}

core::Result<std::optional<Work>> load_work(store::Connection& c, std::string_view target_id) {
  auto rows = c.query("SELECT " + target_columns("t") +
                          ", p.containers, p.tenant_id FROM post_targets t JOIN posts p ON p.id = t.post_id "
                          "WHERE t.id = $1",
                      {target_id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<Work>();
  const auto& r = rows->front();
  Work w{target_from_row(r), containers_from_text(r.text(21)), r.optional_text(22), {}};
  for (const auto& container : w.containers)
    for (const auto& input : container.media) {
      if (std::any_of(w.media.begin(), w.media.end(), [&](const media::Media& m) { return m.id == input.id; }))
        continue;
      auto m = media::load_media(c, input.id);
      if (!m) return std::move(m).error();
      if (*m && (*m)->org == w.target.org) w.media.push_back(std::move(**m));
    }
  return std::optional<Work>(std::move(w));
}

core::Result<bool> save_target(store::Connection& c, const PostTarget& t, std::string_view owner, core::TimePoint now,
                               std::optional<core::TimePoint> lease_until) {
  std::optional<std::string> error;
  if (t.error) error = json::serialize(error_to_json(t.error));
  std::optional<std::string> new_owner;
  if (lease_until) new_owner = std::string(owner);
  auto n = c.execute(
      "UPDATE post_targets SET status = $1, attempts = $2, failures = $3, due_at = $4, intent_position = $5, "
      "intent_at = $6, platform_post_id = $7, platform_post_url = $8, platform_ref = $9, published_at = $10, "
      "error = $11, replies = $12, updated_at = $13, lease_owner = $14, lease_until = $15 "
      "WHERE id = $16 AND lease_owner = $17",
      {t.status, t.attempts, t.failures, t.due_at,
       t.intent_position ? store::Param(static_cast<std::int64_t>(*t.intent_position)) : store::Param(std::nullopt),
       t.intent_at, t.platform_post_id, t.platform_post_url, json::serialize(t.platform_ref), t.published_at, error,
       replies_to_text(t.replies), now, new_owner, lease_until, t.id, owner});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Status adopt_root_id(store::Connection& c, const PostTarget& t, core::TimePoint now) {
  auto n = c.execute(
      "UPDATE post_targets SET platform_post_id = $1, platform_post_url = $2, platform_ref = $3, "
      "intent_position = NULL, intent_at = NULL, updated_at = $4 WHERE id = $5 AND platform_post_id IS NULL",
      {t.platform_post_id, t.platform_post_url, json::serialize(t.platform_ref), now, t.id});
  if (!n) return std::move(n).error();
  return core::Ok{};
}

}  // namespace postfuze::publish
