#include "media/media_store.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace postfuze::media {

namespace json = boost::json;

namespace {

constexpr std::string_view kColumns =
    "m.id, m.org_id, m.kind, m.filename, m.content_type, m.declared_size, m.size, m.status, m.width, m.height, "
    "m.duration_ms, m.object_key, m.thumbnail, m.failure, m.upload_expires_at, m.purge_at, m.version, "
    "m.created_at, m.updated_at";

// A post that has not settled still needs its media. Settled is
// publish::is_settled_post_status (published, partial, failed, canceled) or
// deleted; spelled out here because publish depends on media, not the reverse.
constexpr std::string_view kUnsettledUse =
    "EXISTS (SELECT 1 FROM post_media pm JOIN posts p ON p.id = pm.post_id "
    "WHERE pm.media_id = m.id AND p.deleted_at IS NULL "
    "AND p.status NOT IN ('published', 'partial', 'failed', 'canceled'))";

std::optional<int> optional_int(const store::Row& r, std::size_t i) {
  if (auto v = r.optional_integer(i)) return static_cast<int>(*v);
  return std::nullopt;
}

std::optional<std::string> thumbnail_to_text(const std::optional<Thumbnail>& t) {
  if (!t) return std::nullopt;
  json::object o{{"object_key", t->object_key}, {"width", t->width}, {"height", t->height}, {"source", t->source}};
  if (t->frame_time_ms) o["frame_time_ms"] = *t->frame_time_ms;
  return json::serialize(o);
}

std::optional<Thumbnail> thumbnail_from_text(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  const json::object o = json::parse(*text).as_object();
  Thumbnail t;
  t.object_key = std::string(o.at("object_key").as_string());
  t.width = static_cast<int>(o.at("width").to_number<std::int64_t>());
  t.height = static_cast<int>(o.at("height").to_number<std::int64_t>());
  if (const auto* f = o.if_contains("frame_time_ms"); f && !f->is_null()) t.frame_time_ms = f->to_number<std::int64_t>();
  t.source = std::string(o.at("source").as_string());
  return t;
}

std::optional<std::string> failure_to_text(const std::optional<Failure>& f) {
  if (!f) return std::nullopt;
  return json::serialize(json::object{{"code", f->code}, {"message", f->message}});
}

std::optional<Failure> failure_from_text(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  const json::object o = json::parse(*text).as_object();
  return Failure{std::string(o.at("code").as_string()), std::string(o.at("message").as_string())};
}

Media media_from_row(const store::Row& r) {
  Media m;
  m.id = r.text(0);
  m.org = core::OrgId{r.text(1)};
  m.kind = r.text(2);
  m.filename = r.text(3);
  m.content_type = r.text(4);
  m.declared_size = r.optional_integer(5);
  m.size = r.optional_integer(6);
  m.status = r.text(7);
  m.width = optional_int(r, 8);
  m.height = optional_int(r, 9);
  m.duration_ms = r.optional_integer(10);
  m.object_key = r.text(11);
  m.thumbnail = thumbnail_from_text(r.optional_text(12));
  m.failure = failure_from_text(r.optional_text(13));
  m.upload_expires_at = r.time(14);
  m.purge_at = r.time(15);
  m.version = r.integer(16);
  m.created_at = r.time(17);
  m.updated_at = r.time(18);
  return m;
}

std::optional<std::int64_t> wide(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

// The moment a row became deleted: `now` when its status says so.
std::optional<core::TimePoint> deleted_at(const Media& m, core::TimePoint now) {
  if (m.status == kDeleted) return now;
  return std::nullopt;
}

core::Result<std::vector<Media>> media_rows(store::Connection& c, const std::string& sql, const store::Params& params) {
  auto rows = c.query(sql, params);
  if (!rows) return std::move(rows).error();
  std::vector<Media> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(media_from_row(r));
  return out;
}

core::Result<std::optional<Media>> first(core::Result<std::vector<Media>> rows) {
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<Media>();
  return std::optional<Media>(std::move(rows->front()));
}

}  // namespace

core::Status insert_media(store::Connection& c, const Media& m) {
  auto n = c.execute(
      "INSERT INTO media (id, org_id, kind, filename, content_type, declared_size, size, status, width, height, "
      "duration_ms, object_key, thumbnail, failure, upload_expires_at, purge_at, version, deleted_at, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
      {m.id, m.org.value, m.kind, m.filename, m.content_type, m.declared_size, m.size, m.status, wide(m.width),
       wide(m.height), m.duration_ms, m.object_key, thumbnail_to_text(m.thumbnail), failure_to_text(m.failure),
       m.upload_expires_at, m.purge_at, m.version, deleted_at(m, m.updated_at), m.created_at, m.updated_at});
  if (!n) return std::move(n).error();
  return core::Ok{};
}

core::Result<std::optional<Media>> find_media(store::Connection& c, const core::OrgId& org, std::string_view id) {
  return first(media_rows(
      c, "SELECT " + std::string(kColumns) + " FROM media m WHERE m.org_id = $1 AND m.id = $2 AND m.deleted_at IS NULL",
      {org.value, id}));
}

core::Result<std::optional<Media>> load_media(store::Connection& c, std::string_view id) {
  return first(media_rows(c, "SELECT " + std::string(kColumns) + " FROM media m WHERE m.id = $1", {id}));
}

core::Result<MediaPage> list_media(store::Connection& c, const core::OrgId& org, const MediaFilter& filter,
                                   std::int64_t offset, int limit) {
  std::string where = " FROM media m WHERE m.org_id = $1 AND m.deleted_at IS NULL";
  store::Params params{org.value};
  if (filter.status) {
    params.emplace_back(*filter.status);
    where += " AND m.status = $" + std::to_string(params.size());
  }
  if (filter.kind) {
    params.emplace_back(*filter.kind);
    where += " AND m.kind = $" + std::to_string(params.size());
  }
  auto total = c.query("SELECT COUNT(*)" + where, params);
  if (!total) return std::move(total).error();
  MediaPage page;
  page.total = total->at(0).integer(0);
  if (offset >= page.total) return page;
  params.emplace_back(static_cast<std::int64_t>(limit));
  params.emplace_back(offset);
  auto items = media_rows(c,
                          "SELECT " + std::string(kColumns) + where + " ORDER BY m.created_at DESC, m.id DESC LIMIT $" +
                              std::to_string(params.size() - 1) + " OFFSET $" + std::to_string(params.size()),
                          params);
  if (!items) return std::move(items).error();
  page.items = std::move(*items);
  return page;
}

core::Result<bool> save_media(store::Connection& c, const Media& m, core::TimePoint now) {
  // deleted_at is set once, when the row first becomes deleted.
  auto n = c.execute(
      "UPDATE media SET kind = $1, filename = $2, content_type = $3, declared_size = $4, size = $5, status = $6, "
      "width = $7, height = $8, duration_ms = $9, object_key = $10, thumbnail = $11, failure = $12, "
      "upload_expires_at = $13, purge_at = $14, version = version + 1, deleted_at = COALESCE(deleted_at, $15), "
      "updated_at = $16 WHERE org_id = $17 AND id = $18 AND version = $19",
      {m.kind, m.filename, m.content_type, m.declared_size, m.size, m.status, wide(m.width), wide(m.height),
       m.duration_ms, m.object_key, thumbnail_to_text(m.thumbnail), failure_to_text(m.failure), m.upload_expires_at,
       m.purge_at, deleted_at(m, now), now, m.org.value, m.id, m.version});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Status link_post_media(store::Connection& c, const core::OrgId& org, std::string_view post_id,
                             const std::vector<std::string>& media_ids) {
  auto cleared = c.execute("DELETE FROM post_media WHERE org_id = $1 AND post_id = $2", {org.value, post_id});
  if (!cleared) return std::move(cleared).error();
  std::vector<std::string> ids = media_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const auto& id : ids) {
    // Only the org's own live assets can be linked: another org's id reads as missing.
    auto n = c.execute(
        "INSERT INTO post_media (post_id, media_id, org_id) "
        "SELECT $1, m.id, m.org_id FROM media m WHERE m.org_id = $2 AND m.id = $3 AND m.deleted_at IS NULL",
        {post_id, org.value, id});
    if (!n) return std::move(n).error();
    if (*n == 0) return core::Error::not_found("No media with id '" + id + "'.");
  }
  return core::Ok{};
}

core::Result<bool> used_by_unsettled_post(store::Connection& c, const core::OrgId& org, std::string_view media_id) {
  auto rows = c.query("SELECT 1 FROM media m WHERE m.org_id = $1 AND m.id = $2 AND " + std::string(kUnsettledUse),
                      {org.value, media_id});
  if (!rows) return std::move(rows).error();
  return !rows->empty();
}

core::Result<std::vector<Media>> purge_candidates(store::Connection& c, core::TimePoint now, int limit) {
  return media_rows(c,
                    "SELECT " + std::string(kColumns) +
                        " FROM media m WHERE m.purge_at <= $1 AND m.deleted_at IS NULL AND NOT " +
                        std::string(kUnsettledUse) + " ORDER BY m.purge_at, m.id LIMIT $2",
                    {now, static_cast<std::int64_t>(limit)});
}

}  // namespace postfuze::media
