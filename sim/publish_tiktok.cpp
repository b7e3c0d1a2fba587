// TikTok Content Posting API v2, direct post (platforms.md §10;
// developers.tiktok.com content-posting-api-reference-direct-post,
// -photo-post, media-transfer-guide), below /tiktok/api (the base that stands
// for https://open.tiktokapis.com/v2):
//
//   POST /post/publish/creator_info/query/ → data.privacy_level_options, …
//   POST /post/publish/video/init/  {"post_info":{…},"source_info":{"source":"FILE_UPLOAD",
//        "video_size","chunk_size","total_chunk_count"}} → data.publish_id, data.upload_url
//   PUT  {upload_url}  one chunk per request, Content-Range bytes a-b/total, video/* type:
//        206 for every chunk but the last, 201 for the last
//   POST /post/publish/content/init/ {"media_type":"PHOTO","post_mode":"DIRECT_POST",
//        "post_info":{…},"source_info":{"source":"PULL_FROM_URL","photo_images":[urls],
//        "photo_cover_index"}} → data.publish_id (the simulator GETs every URL at once)
//   POST /post/publish/status/fetch/ {"publish_id"} → data.status PROCESSING_UPLOAD /
//        PROCESSING_DOWNLOAD → PUBLISH_COMPLETE (publicaly_available_post_id) | FAILED (fail_reason)
//
// Chunk rules (media transfer guide): a file under 5 MiB is one chunk; chunks
// are 5-64 MiB; total_chunk_count = floor(video_size / chunk_size) and the
// last chunk takes the remainder (up to 128 MiB). Answers carry
// {"data":…,"error":{"code":"ok"|…,"message","log_id"}}.
#include <boost/json/parse.hpp>

#include "sim/api_support.hpp"
#include "sim/media_fetch.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_upload_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::int64_t kMiB = 1024 * 1024;
constexpr std::int64_t kMinChunk = 5 * kMiB;
constexpr std::int64_t kMaxChunk = 64 * kMiB;
constexpr std::int64_t kMaxLastChunk = 128 * kMiB;
constexpr std::int64_t kMaxChunks = 1000;
constexpr std::size_t kMaxPhotos = 35;
constexpr std::size_t kMaxTitle = 2200;  // video caption (UTF-16 runes; code points here)
constexpr std::string_view kPrivacy[] = {"PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR",
                                         "SELF_ONLY"};
constexpr int kPollsToFinish = 2;

json::object envelope_error(std::string_view code, std::string_view message) {
  return {{"code", code}, {"message", message}, {"log_id", "sim-log-" + std::string(code)}};
}

http::Response tiktok_error(PublishCall& pc, int http_status, std::string_view code, std::string_view message) {
  pc.rejected();
  return http::json_response(static_cast<status>(http_status),
                             json::object{{"data", json::object{}}, {"error", envelope_error(code, message)}});
}

http::Response tiktok_ok(json::object data) {
  return http::json_response(status::ok, json::object{{"data", std::move(data)}, {"error", envelope_error("ok", "")}});
}

std::optional<json::object> json_body(PublishCall& pc) {
  if (!pc.req.header(http::bhttp::field::content_type).starts_with("application/json")) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(pc.req.message.body(), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::optional<std::int64_t> int_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// post_info's privacy_level and text fields; "" or the problem.
std::string check_post_info(const json::object& body, std::string_view text_key, json::object& info) {
  const auto* p = body.if_contains("post_info");
  if (!p || !p->is_object()) return "post_info is required";
  info = p->get_object();
  const auto* privacy = info.if_contains("privacy_level");
  bool known = false;
  for (auto v : kPrivacy) known = known || (privacy && privacy->is_string() && privacy->get_string() == v);
  if (!known) return "post_info.privacy_level must be one of the creator's privacy_level_options";
  if (const auto* t = info.if_contains(text_key)) {
    if (!t->is_string()) return "post_info." + std::string(text_key) + " must be a string";
    if (code_points(t->get_string()) > kMaxTitle) return "post_info." + std::string(text_key) + " is too long";
  }
  for (std::string_view flag : {"disable_duet", "disable_comment", "disable_stitch", "auto_add_music",
                                "brand_content_toggle", "brand_organic_toggle", "is_aigc"})
    if (const auto* f = info.if_contains(flag); f && !f->is_bool()) return "post_info." + std::string(flag) + " must be a boolean";
  return {};
}

std::string publish_id(PublishCall& pc, std::string_view kind) {
  return std::string(kind) + "_pub_file~v2-1." + std::to_string(7'300'000'000'000'000'000ull + pc.next_id());
}

}  // namespace

http::Response tiktok_creator_info(PublishCall& pc) {
  json::array options;
  for (auto v : kPrivacy) options.push_back(json::value(v));
  return tiktok_ok(json::object{{"creator_avatar_url", "https://p16.tiktokcdn.invalid/" + pc.actor},
                                {"creator_username", pc.actor_name},
                                {"creator_nickname", pc.user().name},
                                {"privacy_level_options", std::move(options)},
                                {"comment_disabled", false},
                                {"duet_disabled", false},
                                {"stitch_disabled", false},
                                {"max_video_post_duration_sec", 600}});
}

http::Response tiktok_video_init(PublishCall& pc) {
  auto body = json_body(pc);
  if (!body) return tiktok_error(pc, 400, "invalid_params", "The body must be JSON (application/json; charset=UTF-8).");
  json::object info;
  if (auto problem = check_post_info(*body, "title", info); !problem.empty())
    return tiktok_error(pc, 400, "invalid_params", problem);
  const auto* src = body->if_contains("source_info");
  if (!src || !src->is_object()) return tiktok_error(pc, 400, "invalid_params", "source_info is required");
  const auto& s = src->get_object();
  const auto* source = s.if_contains("source");
  if (!source || !source->is_string() || source->get_string() != "FILE_UPLOAD")
    return tiktok_error(pc, 400, "invalid_params", "The simulator takes videos by FILE_UPLOAD only.");
  const auto size = int_at(s, "video_size"), chunk = int_at(s, "chunk_size"), count = int_at(s, "total_chunk_count");
  if (!size || !chunk || !count || *size <= 0 || *chunk <= 0 || *count <= 0)
    return tiktok_error(pc, 400, "invalid_params", "video_size, chunk_size and total_chunk_count are required.");
  // The media transfer guide's chunk rules.
  if (*size < kMinChunk && (*chunk != *size || *count != 1))
    return tiktok_error(pc, 400, "invalid_file_upload", "A video under 5 MB is uploaded whole: chunk_size = video_size, 1 chunk.");
  if (*size >= kMinChunk && *chunk != *size && (*chunk < kMinChunk || *chunk > kMaxChunk))
    return tiktok_error(pc, 400, "invalid_file_upload", "chunk_size must be 5-64 MB.");
  if (*chunk == *size && *size > kMaxChunk)
    return tiktok_error(pc, 400, "invalid_file_upload", "A video over 64 MB must be uploaded in chunks.");
  if (*count != *size / *chunk || *count > kMaxChunks)
    return tiktok_error(pc, 400, "invalid_file_upload", "total_chunk_count must be floor(video_size / chunk_size), at most 1000.");
  if (*size - *chunk * (*count - 1) > kMaxLastChunk)
    return tiktok_error(pc, 400, "invalid_file_upload", "The last chunk may be at most 128 MB.");
  SimUpload u;
  u.platform = "tiktok";
  u.id = publish_id(pc, "v");
  u.owner = pc.actor;
  u.kind = "video";
  u.declared_size = *size;
  u.extra["post_info"] = info;
  u.extra["chunk_size"] = *chunk;
  u.extra["total_chunk_count"] = *count;
  u.extra["upload_token"] = pc.sim.mint("tiktok", "upload");
  u = add_upload(pc.sim, std::move(u));
  boost::urls::url url(pc.sim.base_url + "/tiktok/api/upload/video/");
  url.params().append({"upload_id", u.id});
  url.params().append({"upload_token", u.extra.at("upload_token").as_string()});
  return tiktok_ok(json::object{{"publish_id", u.id}, {"upload_url", std::string(url.buffer())}});
}

http::Response tiktok_upload_chunk(PublishCall& pc) {
  const auto id = pc.query.get("upload_id");
  const auto token = pc.query.get("upload_token");
  auto u = id ? find_upload(pc.sim, "tiktok", *id) : std::nullopt;
  if (!u || !token || u->extra.at("upload_token").as_string() != *token)
    return tiktok_error(pc, 404, "invalid_upload_url", "Unknown or expired upload URL.");
  if (u->state != "uploading") return tiktok_error(pc, 400, "invalid_file_upload", "The upload is already complete.");
  const std::string type(pc.req.header(http::bhttp::field::content_type));
  if (type != "video/mp4" && type != "video/quicktime" && type != "video/webm")
    return tiktok_error(pc, 400, "invalid_file_upload", "Content-Type must be video/mp4, video/quicktime or video/webm.");
  auto range = parse_content_range(pc.req.header(http::bhttp::field::content_range));
  if (!range) return tiktok_error(pc, 400, "invalid_file_upload", "Content-Range bytes first-last/total is required.");
  const std::string& data = pc.req.message.body();
  const std::int64_t chunk = u->extra.at("chunk_size").as_int64();
  const std::int64_t count = u->extra.at("total_chunk_count").as_int64();
  const auto index = static_cast<std::int64_t>(u->chunks.size());
  const std::int64_t want = index + 1 < count ? chunk : u->declared_size - chunk * (count - 1);
  if (range->total != u->declared_size)
    return tiktok_error(pc, 400, "invalid_file_upload", "The total must be video_size.");
  if (range->first != index * chunk)
    return tiktok_error(pc, 400, "invalid_file_upload",
                        "Chunk " + std::to_string(index) + " must start at byte " + std::to_string(index * chunk) + ".");
  if (range->last - range->first + 1 != want || static_cast<std::int64_t>(data.size()) != want)
    return tiktok_error(pc, 400, "invalid_file_upload",
                        "Chunk " + std::to_string(index) + " must be " + std::to_string(want) + " bytes.");
  const bool last = index + 1 == count;
  update_upload(pc.sim, "tiktok", u->id, [&](SimUpload& s) {
    s.bytes += data;
    s.content_type = type;
    s.chunks.push_back(want);
    if (last) s.state = "processing";
  });
  return http::empty_response(last ? status::created : status::partial_content);
}

boost::asio::awaitable<http::Response> tiktok_photo_init(PublishCall& pc) {
  auto body = json_body(pc);
  if (!body) co_return tiktok_error(pc, 400, "invalid_params", "The body must be JSON (application/json; charset=UTF-8).");
  if (const auto* t = body->if_contains("media_type"); !t || !t->is_string() || t->get_string() != "PHOTO")
    co_return tiktok_error(pc, 400, "invalid_params", "media_type must be PHOTO.");
  const auto* mode = body->if_contains("post_mode");
  if (!mode || !mode->is_string() || (mode->get_string() != "DIRECT_POST" && mode->get_string() != "MEDIA_UPLOAD"))
    co_return tiktok_error(pc, 400, "invalid_params", "post_mode must be DIRECT_POST or MEDIA_UPLOAD.");
  json::object info;
  if (auto problem = check_post_info(*body, "description", info); !problem.empty())
    co_return tiktok_error(pc, 400, "invalid_params", problem);
  if (const auto* t = info.if_contains("title"); t && (!t->is_string() || code_points(t->get_string()) > 90))
    co_return tiktok_error(pc, 400, "invalid_params", "post_info.title is at most 90 characters.");
  const auto* src = body->if_contains("source_info");
  const auto* s = src ? src->if_object() : nullptr;
  const auto* source = s ? s->if_contains("source") : nullptr;
  if (!source || !source->is_string() || source->get_string() != "PULL_FROM_URL")
    co_return tiktok_error(pc, 400, "invalid_params", "Photos are taken only by PULL_FROM_URL.");
  const auto* images = s->if_contains("photo_images");
  if (!images || !images->is_array() || images->get_array().empty() || images->get_array().size() > kMaxPhotos)
    co_return tiktok_error(pc, 400, "invalid_params", "photo_images holds 1-35 URLs.");
  const auto cover = int_at(*s, "photo_cover_index").value_or(-1);
  if (cover < 0 || cover >= static_cast<std::int64_t>(images->get_array().size()))
    co_return tiktok_error(pc, 400, "invalid_params", "photo_cover_index must name one of photo_images.");
  std::vector<std::string> urls;
  for (const auto& v : images->get_array()) {
    if (!v.is_string() || !(v.get_string().starts_with("https://") || v.get_string().starts_with("http://")))
      co_return tiktok_error(pc, 400, "invalid_params", "photo_images must be absolute URLs.");
    urls.emplace_back(v.get_string());
  }
  SimUpload u;
  u.platform = "tiktok";
  u.id = publish_id(pc, "p");
  u.owner = pc.actor;
  u.kind = "photo_url";
  u.declared_size = 0;
  u.extra["post_info"] = info;
  u.extra["post_mode"] = mode->get_string();
  // TikTok pulls every image; the simulator does it now and reports at status/fetch.
  json::array fetched;
  std::string fail_reason;
  for (const auto& url : urls) {
    FetchedMedia m = co_await fetch_media(url, MediaExpect::image);
    // JPEG and WebP only (platforms.md §10: PNG is rejected).
    if (fail_reason.empty() && !m.fetched) fail_reason = "picture_download_failed: " + m.problem;
    if (fail_reason.empty() && (!m.decodable || (m.content_type != "image/jpeg" && m.content_type != "image/webp")))
      fail_reason = "file_format_check_failed: " + (m.problem.empty() ? m.content_type : m.problem);
    fetched.push_back(m.json());
  }
  u.extra["images"] = std::move(fetched);
  u.extra["photo_cover_index"] = cover;
  if (!fail_reason.empty()) u.extra["fail_reason"] = fail_reason;
  u.state = "processing";
  u = add_upload(pc.sim, std::move(u));
  co_return tiktok_ok(json::object{{"publish_id", u.id}});
}

http::Response tiktok_status(PublishCall& pc) {
  auto body = json_body(pc);
  const auto* id = body ? body->if_contains("publish_id") : nullptr;
  if (!id || !id->is_string()) return tiktok_error(pc, 400, "invalid_params", "publish_id is required.");
  auto u = find_upload(pc.sim, "tiktok", id->get_string());
  if (!u || u->owner != pc.actor) return tiktok_error(pc, 400, "invalid_publish_id", "Unknown publish_id.");
  if (u->state == "uploading")
    return tiktok_ok(json::object{{"status", "PROCESSING_UPLOAD"},
                                  {"uploaded_bytes", static_cast<std::int64_t>(u->bytes.size())}});
  // Deterministic processing: one "processing" read, then the outcome.
  SimUpload now = *u;
  std::string post_id;
  update_upload(pc.sim, "tiktok", u->id, [&](SimUpload& s) {
    if (s.state == "processing" && ++s.polls >= kPollsToFinish) {
      if (s.kind == "video" && !looks_like("video/mp4", s.bytes)) s.extra["fail_reason"] = "file_format_check_failed";
      s.state = s.extra.contains("fail_reason") ? "failed" : "succeeded";
    }
    now = s;
  });
  if (now.state == "processing")
    return tiktok_ok(json::object{{"status", now.kind == "video" ? "PROCESSING_UPLOAD" : "PROCESSING_DOWNLOAD"}});
  if (now.state == "failed")
    return tiktok_ok(json::object{{"status", "FAILED"}, {"fail_reason", now.extra.at("fail_reason")}});
  if (!now.used) {
    const auto& info = now.extra.at("post_info").as_object();
    const auto* text = info.if_contains(now.kind == "video" ? "title" : "description");
    SimPost post = pc.store(SimPost{.id = std::to_string(7'400'000'000'000'000'000ull + pc.next_id()),
                                    .author = pc.actor,
                                    .text = text && text->is_string() ? std::string(text->get_string()) : std::string(),
                                    .extra = {{"publish_id", now.id}, {"post_info", info}, {"kind", now.kind}}});
    update_upload(pc.sim, "tiktok", now.id, [&](SimUpload& s) {
      s.used = true;
      s.extra["post_id"] = post.id;
    });
    now.extra["post_id"] = post.id;
  }
  const std::uint64_t numeric = std::stoull(std::string(now.extra.at("post_id").as_string()));
  return tiktok_ok(json::object{{"status", "PUBLISH_COMPLETE"},
                                {"publicaly_available_post_id", json::array{numeric}},
                                {"uploaded_bytes", static_cast<std::int64_t>(now.bytes.size())}});
}

}  // namespace postfuze::sim::publish
