#include "publish/post_store.hpp"

#include "publish/rollup.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace postfuze::publish {

namespace json = boost::json;

namespace {

constexpr std::string_view kPostColumns =
    "p.id, p.org_id, p.status, p.is_draft, p.scheduled_at, p.external_ref, p.idempotency_key, p.tenant_id, "
    "p.containers, p.default_config, p.version, p.created_at, p.updated_at";

Post post_from_row(const store::Row& r) {
  Post p;
  p.id = r.text(0);
  p.org = core::OrgId{r.text(1)};
  p.status = r.text(2);
  p.is_draft = r.boolean(3);
  p.scheduled_at = r.optional_time(4);
  p.external_ref = r.optional_text(5);
  p.idempotency_key = r.optional_text(6);
  p.tenant_id = r.optional_text(7);
  p.containers = containers_from_text(r.text(8));
  p.default_config = json::parse(r.text(9)).as_object();
  p.version = r.integer(10);
  p.created_at = r.time(11);
  p.updated_at = r.time(12);
  return p;
}

json::object object_from_text(const std::optional<std::string>& text) {
  if (!text || text->empty()) return {};
  json::value v = json::parse(*text);
  return v.is_object() ? std::move(v.as_object()) : json::object{};
}

core::Status insert_targets(store::Connection& c, const Post& post) {
  for (const auto& t : post.targets) {
    auto s = c.execute(
        "INSERT INTO post_targets (id, post_id, org_id, social_account_id, platform, position, status, config, "
        "attempts, failures, due_at, platform_ref, replies, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, $9, '{}', $10, $11, $11)",
        {t.id, post.id, post.org.value, t.social_account_id, t.platform, t.position, t.status,
         json::serialize(t.config), t.due_at, replies_to_text(t.replies), t.created_at});
    if (!s) return std::move(s).error();
  }
  return core::Ok{};
}

core::Result<std::optional<Post>> with_targets(store::Connection& c, std::optional<Post> post) {
  if (!post) return post;
  auto targets = load_targets(c, post->id);
  if (!targets) return std::move(targets).error();
  post->targets = std::move(*targets);
  return post;
}

}  // namespace

std::string target_columns(std::string_view alias) {
  std::string out;
  for (std::string_view col :
       {"id", "post_id", "org_id", "social_account_id", "platform", "position", "status", "config", "attempts",
        "failures", "due_at", "intent_position", "intent_at", "platform_post_id", "platform_post_url",
        "platform_ref", "published_at", "error", "replies", "created_at", "updated_at"}) {
    if (!out.empty()) out += ", ";
    out += std::string(alias) + "." + std::string(col);
  }
  return out;
}

PostTarget target_from_row(const store::Row& r, std::size_t i) {
  PostTarget t;
  t.id = r.text(i + 0);
  t.post_id = r.text(i + 1);
  t.org = core::OrgId{r.text(i + 2)};
  t.social_account_id = r.text(i + 3);
  t.platform = r.text(i + 4);
  t.position = static_cast<int>(r.integer(i + 5));
  t.status = r.text(i + 6);
  t.config = object_from_text(r.optional_text(i + 7));
  t.attempts = r.integer(i + 8);
  t.failures = r.integer(i + 9);
  t.due_at = r.optional_time(i + 10);
  if (auto p = r.optional_integer(i + 11)) t.intent_position = static_cast<int>(*p);
  t.intent_at = r.optional_time(i + 12);
  t.platform_post_id = r.optional_text(i + 13);
  t.platform_post_url = r.optional_text(i + 14);
  t.platform_ref = object_from_text(r.optional_text(i + 15));
  t.published_at = r.optional_time(i + 16);
  t.error = error_from_text(r.optional_text(i + 17));
  t.replies = replies_from_text(r.text(i + 18));
  t.created_at = r.time(i + 19);
  t.updated_at = r.time(i + 20);
  return t;
}

core::Result<std::vector<PostTarget>> load_targets(store::Connection& c, std::string_view post_id) {
  auto rows = c.query("SELECT " + target_columns("t") + " FROM post_targets t WHERE t.post_id = $1 ORDER BY t.position",
                      {post_id});
  if (!rows) return std::move(rows).error();
  std::vector<PostTarget> out;
  for (const auto& r : *rows) out.push_back(target_from_row(r));
  return out;
}

core::Status insert_post(store::Connection& c, const Post& post) {
  auto s = c.execute(
      "INSERT INTO posts (id, org_id, status, is_draft, scheduled_at, external_ref, idempotency_key, tenant_id, "
      "containers, default_config, version, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
      {post.id, post.org.value, post.status, post.is_draft, post.scheduled_at, post.external_ref, post.idempotency_key,
       post.tenant_id, containers_to_text(post.containers), json::serialize(post.default_config), post.version,
       post.created_at});
  if (!s) return std::move(s).error();
  return insert_targets(c, post);
}

core::Result<std::optional<Post>> find_post(store::Connection& c, const core::OrgId& org, std::string_view id) {
  auto rows = c.query("SELECT " + std::string(kPostColumns) +
                          " FROM posts p WHERE p.org_id = $1 AND p.id = $2 AND p.deleted_at IS NULL",
                      {org.value, id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<Post>();
  return with_targets(c, post_from_row(rows->front()));
}

core::Result<std::optional<Post>> find_post_by_key(store::Connection& c, const core::OrgId& org,
                                                   std::string_view idempotency_key) {
  // Deleted posts still hold their key: a replay answers the (canceled) post's id
  // lookup as 404 rather than creating a second post for the same key.
  auto rows = c.query("SELECT " + std::string(kPostColumns) + " FROM posts p WHERE p.org_id = $1 AND p.idempotency_key = $2",
                      {org.value, idempotency_key});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<Post>();
  return with_targets(c, post_from_row(rows->front()));
}

core::Result<store::Page<Post>> list_posts(store::Connection& c, const core::OrgId& org, const PostFilter& f,
                                           const std::optional<store::KeysetPosition>& after, int limit) {
  std::string sql = "SELECT " + std::string(kPostColumns) + " FROM posts p WHERE p.org_id = $1 AND p.deleted_at IS NULL";
  store::Params params{org.value};
  auto add = [&](std::string_view condition, store::Param value) {
    params.push_back(std::move(value));
    std::string cond(condition);
    const auto at = cond.find('?');
    cond.replace(at, 1, "$" + std::to_string(params.size()));
    sql += " AND " + cond;
  };
  if (f.status) add("p.status = ?", *f.status);
  if (f.tenant_id) add("p.tenant_id = ?", *f.tenant_id);
  if (f.external_ref) add("p.external_ref = ?", *f.external_ref);
  if (f.created_after) add("p.created_at >= ?", *f.created_after);
  if (f.created_before) add("p.created_at < ?", *f.created_before);
  if (f.scheduled_after) add("p.scheduled_at >= ?", *f.scheduled_after);
  if (f.scheduled_before) add("p.scheduled_at < ?", *f.scheduled_before);
  if (f.platform) add("EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.platform = ?)", *f.platform);
  if (f.account_id)
    add("EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.social_account_id = ?)", *f.account_id);
  // keyset_query's condition names unqualified columns; the alias keeps them unambiguous.
  auto rows = store::keyset_query(c, "SELECT * FROM (" + sql + ") p WHERE 1 = 1", std::move(params), after, limit);
  if (!rows) return std::move(rows).error();
  auto page = store::to_page<Post>(*rows, limit, post_from_row);
  for (auto& p : page.items) {
    auto targets = load_targets(c, p.id);
    if (!targets) return std::move(targets).error();
    p.targets = std::move(*targets);
  }
  return page;
}

core::Status replace_unpublished(store::Connection& c, const Post& post, std::int64_t expected_version,
                                 core::TimePoint now) {
  auto n = c.execute(
      "UPDATE posts SET status = $1, is_draft = $2, scheduled_at = $3, tenant_id = $4, containers = $5, "
      "default_config = $6, version = version + 1, updated_at = $7 "
      "WHERE org_id = $8 AND id = $9 AND version = $10 AND deleted_at IS NULL AND status IN ('draft', 'scheduled')",
      {post.status, post.is_draft, post.scheduled_at, post.tenant_id, containers_to_text(post.containers),
       json::serialize(post.default_config), now, post.org.value, post.id, expected_version});
  if (!n) return std::move(n).error();
  if (*n == 0) {
    auto current = c.query("SELECT status FROM posts WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
                           {post.org.value, post.id});
    if (!current) return std::move(current).error();
    if (current->empty()) return core::Error::not_found();
    const std::string status = current->front().text(0);
    if (status != kDraft && status != kScheduled)
      return core::Error::conflict("Only drafts and scheduled posts that have not started can be changed.");
    return core::Error::precondition_failed("The post changed since it was read; fetch it again.");
  }
  // Only targets no worker holds are replaced: a claim leaves 'pending' and
  // sets lease_owner in one statement, and on PostgreSQL this DELETE waits for
  // a concurrent claim's row locks and then re-checks. Anything left means a
  // worker got there first: the whole edit rolls back.
  auto del = c.execute("DELETE FROM post_targets WHERE post_id = $1 AND status = 'pending' AND lease_owner IS NULL",
                       {post.id});
  if (!del) return std::move(del).error();
  auto left = c.query("SELECT COUNT(*) FROM post_targets WHERE post_id = $1", {post.id});
  if (!left) return std::move(left).error();
  if (left->front().integer(0) > 0)
    return core::Error::conflict("Only drafts and scheduled posts that have not started can be changed.");
  return insert_targets(c, post);
}

core::Result<Post> cancel_post(store::Connection& c, const core::OrgId& org, std::string_view id, core::TimePoint now) {
  auto found = find_post(c, org, id);
  if (!found) return std::move(found).error();
  if (!*found) return core::Error::not_found();
  Post post = std::move(**found);
  if (post.status != kDraft && post.status != kScheduled && post.status != kQueued)
    return core::Error::conflict("A post that is publishing or has settled cannot be canceled.");
  // Only targets no worker holds: a claim sets lease_owner in the same
  // statement that leaves pending/queued, and on PostgreSQL this UPDATE waits
  // for a concurrent claim's row locks and then re-checks.
  auto n = c.execute(
      "UPDATE post_targets SET status = 'canceled', due_at = NULL, updated_at = $2 WHERE post_id = $1 "
      "AND status IN ('pending', 'queued') AND lease_owner IS NULL",
      {post.id, now});
  if (!n) return std::move(n).error();
  if (*n != static_cast<std::int64_t>(post.targets.size()))
    return core::Error::conflict("The post started publishing and can no longer be canceled.");
  auto u = c.execute("UPDATE posts SET status = 'canceled', deleted_at = $1, updated_at = $1 WHERE id = $2", {now, post.id});
  if (!u) return std::move(u).error();
  post.status = std::string(kCanceled);
  post.updated_at = now;
  for (auto& t : post.targets) {
    t.status = std::string(target::kCanceled);
    t.due_at.reset();
  }
  return post;
}

core::Status requeue_failed_targets(store::Connection& c, const core::OrgId& org, std::string_view id,
                                    core::TimePoint now) {
  auto found = find_post(c, org, id);
  if (!found) return std::move(found).error();
  if (!*found) return core::Error::not_found();
  const Post& post = **found;
  auto n = c.execute(
      "UPDATE post_targets SET status = 'queued', due_at = $2, failures = 0, error = NULL, updated_at = $2 "
      "WHERE post_id = $1 AND status = 'error'",
      {post.id, now});
  if (!n) return std::move(n).error();
  if (*n == 0) return core::Error::conflict("The post has no permanently failed target to retry.");
  // The post's status is what the rollup gives for its targets now (D27):
  // queued when nothing is live, publishing when some target already is. A
  // post that failed everywhere may still go live: its post.error stays sent,
  // and post.published may follow.
  std::vector<std::string> statuses;
  for (const auto& t : post.targets) statuses.push_back(t.status == target::kError ? std::string(target::kQueued) : t.status);
  auto u = c.execute("UPDATE posts SET status = $2, updated_at = $3 WHERE id = $1",
                     {post.id, rolled_up_status(kQueued, post.scheduled_at.has_value(), statuses), now});
  if (!u) return std::move(u).error();
  return core::Ok{};
}

core::Status insert_attempt(store::Connection& c, const AttemptRecord& a) {
  auto s = c.execute(
      "INSERT INTO post_attempts (id, org_id, post_id, target_id, attempt, container_position, outcome, error_code, "
      "message, platform_status, platform_request_id, retry_at, latency_ms, worker, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
      {a.id, a.org.value, a.post_id, a.target_id, a.attempt, a.container_position, a.outcome, a.error_code, a.message,
       a.platform_status ? store::Param(static_cast<std::int64_t>(*a.platform_status)) : store::Param(std::nullopt),
       a.platform_request_id, a.retry_at, a.latency_ms, a.worker, a.created_at});
  if (!s) return std::move(s).error();
  return core::Ok{};
}

core::Result<std::vector<AttemptRecord>> list_attempts(store::Connection& c, const core::OrgId& org,
                                                       std::string_view post_id) {
  auto rows = c.query(
      "SELECT id, target_id, post_id, org_id, attempt, container_position, outcome, error_code, message, "
      "platform_status, platform_request_id, retry_at, latency_ms, worker, created_at FROM post_attempts "
      "WHERE org_id = $1 AND post_id = $2 ORDER BY created_at, id",
      {org.value, post_id});
  if (!rows) return std::move(rows).error();
  std::vector<AttemptRecord> out;
  for (const auto& r : *rows) {
    AttemptRecord a;
    a.id = r.text(0);
    a.target_id = r.text(1);
    a.post_id = r.text(2);
    a.org = core::OrgId{r.text(3)};
    a.attempt = r.integer(4);
    a.container_position = static_cast<int>(r.integer(5));
    a.outcome = r.text(6);
    a.error_code = r.optional_text(7);
    a.message = r.optional_text(8);
    if (auto s = r.optional_integer(9)) a.platform_status = static_cast<int>(*s);
    a.platform_request_id = r.optional_text(10);
    a.retry_at = r.optional_time(11);
    a.latency_ms = r.integer(12);
    a.worker = r.text(13);
    a.created_at = r.time(14);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace postfuze::publish
