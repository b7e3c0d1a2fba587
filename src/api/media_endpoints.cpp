#include "api/media_endpoints.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <limits>

#include "api/body_reader.hpp"
#include "api/endpoint.hpp"
#include "api/pagination.hpp"
#include "api/query_params.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "http/json_body.hpp"
#include "media/media_json.hpp"
#include "media/media_store.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;
using media::Media;

constexpr std::string_view kScope = "media:write";
constexpr std::size_t kMaxFilename = 255;
constexpr auto kUploadUrlLifetime = std::chrono::minutes(15);
constexpr auto kRetention = std::chrono::hours(24 * 60);  // contract §19: purged 60 days after creation
const std::string kNotFound = "No media with this id.";

core::Error storage_missing() { return core::Error::unavailable("Media storage is not configured on this server."); }

http::Response media_response(ApiContext& ctx, status code, const Media& m) {
  return http::json_response(code, media::to_json(m, *ctx.objects, ctx.clock.now()));
}

// A name as the user's file system had it: no path, no control characters.
bool valid_filename(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || c == '/' || c == '\\';
  });
}

std::string allowed_list() {
  std::string out;
  for (const auto& t : media::allowed_types()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

// An integer JSON member; flags a non-integer value.
std::optional<std::int64_t> integer_member(BodyReader& in, const boost::json::object& body, std::string_view name) {
  const auto* v = body.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return std::numeric_limits<std::int64_t>::max();  // beyond every cap
  in.fail(std::string(name), "Must be an integer.", "type");
  return std::nullopt;
}

// The asset named in the path, in the caller's org (deleted, unknown and
// another org's all read as 404).
boost::asio::awaitable<core::Result<Media>> visible_media(Call& call) {
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  co_return co_await found_or_404<Media>(
      call.ctx, [&](store::Connection& c) { return media::find_media(c, call.org(), id); }, kNotFound);
}

// POST /media/upload: validates, mints the upload URL, then stores the
// asset in pending_upload. Nothing is stored when any check fails.
Awaitable request_upload(Call& call) {
  auto& ctx = call.ctx;
  if (!ctx.objects) co_return storage_missing();
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"filename", "content_type", "size"});
  auto filename = in.string("filename", kMaxFilename, true);
  if (filename && !valid_filename(*filename))
    in.fail("filename", "Must be a file name without path separators or control characters.", "invalid");
  auto content_type = in.string("content_type", 255, true);
  auto size = integer_member(in, *body, "size");
  if (size && *size <= 0) in.fail("size", "Must be a positive number of bytes.", "invalid");
  if (!in.ok()) co_return in.error();
  const auto kind = media::kind_for(*content_type);
  if (!kind)
    co_return core::Error{core::ErrorCode::unsupported_media_type,
                          "Content type '" + media::essence(*content_type) + "' is not accepted; use one of " +
                              allowed_list() + ".",
                          {},
                          {}};
  const std::int64_t cap = ctx.media_limits.cap_for(*kind);
  if (size && *size > cap)
    co_return core::Error{core::ErrorCode::payload_too_large,
                          "A " + *kind + " may be at most " + std::to_string(cap) + " bytes.", {}, {}};

  const auto now = ctx.clock.now();
  Media m;
  m.id = core::new_uuid(ctx.random);
  m.org = call.org();
  m.kind = *kind;
  m.filename = *filename;
  m.content_type = media::essence(*content_type);
  m.declared_size = size;
  m.status = std::string(media::kPendingUpload);
  m.object_key = m.org.value + "/" + m.id + "/original";
  // Whole seconds: signed URLs carry their expiry in Unix seconds.
  m.upload_expires_at = std::chrono::floor<std::chrono::seconds>(now + kUploadUrlLifetime);
  m.purge_at = now + kRetention;
  m.created_at = m.updated_at = now;
  auto put = ctx.objects->presign_put(m.object_key, m.content_type, cap, m.upload_expires_at);
  if (!put) co_return std::move(put).error();
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) { return media::insert_media(c, m); });
  if (!s) co_return std::move(s).error();

  auto json = media::to_json(m, *ctx.objects, now);
  boost::json::object headers;
  for (const auto& [name, value] : put->headers) headers[name] = value;
  json["upload_url"] = put->url;
  json["upload_method"] = put->method;
  json["upload_headers"] = std::move(headers);
  json["upload_expires_at"] = core::format_timestamp(put->expires_at);
  co_return http::json_response(status::created, json);
}

Awaitable confirm(Call& call) {
  if (!call.ctx.objects) co_return storage_missing();
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  const media::MediaDeps deps = call.ctx.media_deps();  // a named value: it must outlive the co_await
  auto m = co_await media::confirm_upload(deps, call.org(), id);
  if (!m) co_return std::move(m).error();
  co_return media_response(call.ctx, status::ok, *m);
}

constexpr std::array<std::string_view, 7> kStatuses{media::kPendingUpload, media::kUploading, media::kUploaded,
                                                    media::kProcessing,    media::kReady,     media::kFailed,
                                                    media::kDeleted};
constexpr std::array<std::string_view, 5> kKinds{media::kImage, media::kVideo, media::kGif, media::kAudio,
                                                 media::kDocument};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& all, std::string_view v) {
  return std::find(all.begin(), all.end(), v) != all.end();
}

// A query integer within [min, max]; `fallback` when absent.
core::Result<std::int64_t> int_param(const http::Request& req, std::string_view name, std::int64_t fallback,
                                     std::int64_t min, std::int64_t max) {
  auto text = query_param(req, name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || value < min || value > max)
    return core::Error::invalid_parameter(std::string(name), std::string(name) + " must be an integer from " +
                                                                 std::to_string(min) + " to " + std::to_string(max) + ".");
  return value;
}

// GET /media: offset list (contract §8), newest first.
Awaitable list(Call& call) {
  if (!call.ctx.objects) co_return storage_missing();
  const auto& req = call.request;
  auto limit = int_param(req, "limit", kDefaultPageLimit, 1, kMaxPageLimit);
  if (!limit) co_return std::move(limit).error();
  auto offset = int_param(req, "offset", 0, 0, 1'000'000'000);
  if (!offset) co_return std::move(offset).error();
  media::MediaFilter filter{query_param(req, "status"), query_param(req, "kind")};
  if (filter.status && !one_of(kStatuses, *filter.status))
    co_return core::Error::invalid_parameter("status", "Unknown media status.");
  if (filter.kind && !one_of(kKinds, *filter.kind)) co_return core::Error::invalid_parameter("kind", "Unknown media kind.");
  media::MediaPage page;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = media::list_media(c, call.org(), filter, *offset, static_cast<int>(*limit));
    if (!r) return std::move(r).error();
    page = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  const auto now = call.ctx.clock.now();
  boost::json::array data;
  for (const auto& m : page.items) data.push_back(media::to_json(m, *call.ctx.objects, now));
  co_return http::json_response(
      status::ok, boost::json::object{{"data", std::move(data)},
                                      {"pagination", {{"limit", *limit}, {"offset", *offset}, {"total", page.total}}}});
}

Awaitable get(Call& call) {
  if (!call.ctx.objects) co_return storage_missing();
  auto m = co_await visible_media(call);
  if (!m) co_return std::move(m).error();
  co_return media_response(call.ctx, status::ok, *m);
}

// DELETE: refused while a post that has not settled uses the asset; else
// the row becomes deleted first, then its objects go (a crash between the
// two leaves unreachable bytes, never a row pointing at nothing).
Awaitable remove(Call& call) {
  auto& ctx = call.ctx;
  if (!ctx.objects) co_return storage_missing();
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  std::optional<Media> deleted;
  // A worker may save the asset between our read and write (version check):
  // read again and retry a few times.
  for (int attempt = 0; attempt < 3 && !deleted; ++attempt) {
    auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
      auto found = media::find_media(c, call.org(), id);
      if (!found) return std::move(found).error();
      if (!*found) return core::Error::not_found(kNotFound);
      auto used = media::used_by_unsettled_post(c, call.org(), id);
      if (!used) return std::move(used).error();
      if (*used)
        return core::Error::conflict(
            "A post that has not been published, failed or canceled uses this media; delete or change that post first.");
      Media m = std::move(**found);
      m.status = std::string(media::kDeleted);
      auto saved = media::save_media(c, m, ctx.clock.now());
      if (!saved) return std::move(saved).error();
      if (*saved) {
        m.version += 1;
        m.updated_at = ctx.clock.now();
        deleted = std::move(m);
      }
      return core::Ok{};
    });
    if (!s) co_return std::move(s).error();
  }
  if (!deleted) co_return core::Error::conflict("The media changed while being deleted; try again.");
  std::vector<std::string> keys{deleted->object_key};
  if (deleted->thumbnail && deleted->thumbnail->object_key != deleted->object_key)
    keys.push_back(deleted->thumbnail->object_key);
  for (const auto& key : keys)
    if (auto r = co_await ctx.objects->remove(key); !r)
      ctx.log.warn("media object not removed", {{"media_id", deleted->id}, {"error", r.error().internal}});
  co_return media_response(ctx, status::ok, *deleted);
}

Awaitable thumbnail(Call& call) {
  if (!call.ctx.objects) co_return storage_missing();
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"frame_time_ms", "media_id"});
  media::ThumbnailRequest request;
  request.frame_time_ms = integer_member(in, *body, "frame_time_ms");
  request.media_id = in.string("media_id", 64);
  if (!in.ok()) co_return in.error();
  // The rules (exactly one of them, within the video, …) are request_thumbnail's.
  const media::MediaDeps deps = call.ctx.media_deps();
  auto m = co_await media::request_thumbnail(deps, call.org(), id, request);
  if (!m) co_return std::move(m).error();
  co_return media_response(call.ctx, status::accepted, *m);
}

}  // namespace

void mount_media(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::post, "/api/v1/media/upload", true, kScope, request_upload});
  mount(router, ctx, {verb::get, "/api/v1/media", true, {}, list});
  mount(router, ctx, {verb::get, "/api/v1/media/{id}", true, {}, get});
  mount(router, ctx, {verb::delete_, "/api/v1/media/{id}", true, kScope, remove});
  mount(router, ctx, {verb::post, "/api/v1/media/{id}/confirm", true, kScope, confirm});
  mount(router, ctx, {verb::post, "/api/v1/media/{id}/thumbnail", true, kScope, thumbnail});
}

}  // namespace postfuze::api
