#include "publishers/tiktok_publisher.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/url.hpp>

#include "publishers/json_fields.hpp"
#include "publishers/chunked_upload.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

constexpr std::size_t kMaxPhotos = 35;
constexpr std::size_t kMaxPhotoTitle = 90;  // photo post title, code points

net::OutboundRequest api(const PublishContext& ctx, std::string path, const json::object& body) {
  auto req = bearer_request(ctx, verb::post, ctx.spec.api_url(path));
  req.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
  req.body = json::serialize(body);
  return req;
}

// {"data":…,"error":{"code","message","log_id"}}: "ok" is success whatever the status.
struct Answer {
  std::optional<json::object> data;
  std::optional<PublishResult> failure;
};

Answer read_answer(const PublishContext& ctx, const net::OutboundResult& r, bool upload_step) {
  Answer out;
  if (!r.response || r.failure) {
    out.failure = upload_step ? upload_failure(r, ctx.clock, "TikTok call failed") : *transport_failure(r);
    return out;
  }
  const auto body = json_object(r.response->body);
  const json::object* error = nullptr;
  if (body)
    if (const auto* e = body->if_contains("error")) error = e->if_object();
  const std::string code = error ? string_in(*error, "code") : std::string();
  if (r.response->status >= 200 && r.response->status < 300 && code == "ok") {
    const auto* data = body->if_contains("data");
    out.data = data && data->is_object() ? data->get_object() : json::object{};
    return out;
  }
  const std::string message = error ? string_in(*error, "message") : std::string();
  PublishResult f = by_status(*r.response, ctx.clock,
                              code.empty() ? "TikTok answered " + std::to_string(r.response->status) : code + ": " + message);
  if (code == "access_token_invalid" || code == "scope_not_authorized") {
    f.outcome = Outcome::auth;
    f.error_code = kTokenRejected;
  } else if (code == "rate_limit_exceeded" || code == "spam_risk_too_many_posts" ||
             code == "spam_risk_user_banned_from_posting") {
    f.outcome = code == "rate_limit_exceeded" || code == "spam_risk_too_many_posts" ? Outcome::rate_limited
                                                                                    : Outcome::permanent;
    f.error_code = f.outcome == Outcome::rate_limited ? std::string(kPlatformRateLimited) : std::string(kPlatformRejected);
    f.retry_after = retry_after(*r.response, ctx.clock);
  } else if (f.outcome == Outcome::permanent && upload_step) {
    f.error_code = kMediaRejected;
  }
  out.failure = std::move(f);
  return out;
}

json::object post_info(const PublishContext& ctx, std::string_view text_key, const std::string& text) {
  json::object info{{"privacy_level", string_in(ctx.config, "privacy_level")}, {text_key, text}};
  for (std::string_view flag : {"disable_comment", "disable_duet", "disable_stitch", "brand_content_toggle",
                                "brand_organic_toggle", "is_aigc"})
    if (const auto* v = ctx.config.if_contains(flag); v && v->is_bool()) info[flag] = v->get_bool();
  if (const auto* v = ctx.config.if_contains("video_cover_timestamp_ms"); v && v->is_int64() && text_key == "title")
    info["video_cover_timestamp_ms"] = v->get_int64();
  return info;
}

PlatformRef ref_for(const PublishContext& ctx, std::string id, bool photo) {
  std::string who = ctx.account.username.value_or(ctx.account.network_unique_id);
  PlatformRef ref;
  ref.url = "https://www.tiktok.com/@" + who + (photo ? "/photo/" : "/video/") + id;
  ref.id = std::move(id);
  return ref;
}

// Polls status/fetch until PUBLISH_COMPLETE or FAILED. The post is on its
// way once the bytes are in: a poll that cannot tell is ambiguous, never transient.
boost::asio::awaitable<PublishResult> await_publish(const PublishContext& ctx, const std::string& publish_id, bool photo) {
  for (int poll = 0; poll < upload_tuning().max_polls; ++poll) {
    co_await wait_platform_seconds(poll == 0 ? 1 : 2);
    json::object body;
    body["publish_id"] = publish_id;
    auto req = api(ctx, "/post/publish/status/fetch/", body);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    Answer a = read_answer(ctx, r, false);
    if (a.failure) {
      if (a.failure->outcome == Outcome::transient || a.failure->outcome == Outcome::ambiguous ||
          a.failure->outcome == Outcome::rate_limited)
        continue;  // ask again
      a.failure->outcome = Outcome::ambiguous;
      co_return std::move(*a.failure);
    }
    const std::string status = string_in(*a.data, "status");
    if (status == "FAILED")
      co_return media_failure(kMediaProcessingFailed, safe_message("TikTok could not publish: " + string_in(*a.data, "fail_reason")));
    if (status != "PUBLISH_COMPLETE") continue;
    std::string id;
    if (const auto* ids = a.data->if_contains("publicaly_available_post_id"); ids && ids->is_array() && !ids->get_array().empty()) {
      const auto& first = ids->get_array().front();
      if (first.is_int64()) id = std::to_string(first.get_int64());
      else if (first.is_uint64()) id = std::to_string(first.get_uint64());
      else if (first.is_string()) id = std::string(first.get_string());
    }
    // A private (SELF_ONLY) post has no public id: the publish id stands in.
    if (id.empty()) id = publish_id;
    co_return created(r, ref_for(ctx, id, photo));
  }
  PublishResult out;
  out.outcome = Outcome::ambiguous;
  out.error_code = kMediaProcessingTimeout;
  out.message = "TikTok had not finished publishing " + publish_id;
  co_return out;
}

// FILE_UPLOAD chunking: one piece up to 64 MiB; else chunk_size pieces, the remainder joining the last.
struct Chunks {
  std::int64_t chunk_size = 0;
  std::int64_t count = 0;
};
Chunks chunks_for(std::int64_t size) {
  if (size <= upload_tuning().tiktok_single_max) return {size, 1};
  const std::int64_t chunk = upload_tuning().tiktok_chunk_bytes;
  return {chunk, size / chunk};
}

boost::asio::awaitable<PublishResult> post_video(const PublishContext& ctx, const PublishItem& item, const MediaItem& v) {
  const Chunks plan = chunks_for(v.size);
  json::object body{{"post_info", post_info(ctx, "title", item.text)},
                    {"source_info",
                     {{"source", "FILE_UPLOAD"},
                      {"video_size", v.size},
                      {"chunk_size", plan.chunk_size},
                      {"total_chunk_count", plan.count}}}};
  auto req = api(ctx, "/post/publish/video/init/", body);
  net::OutboundResult r = co_await ctx.http.send(std::move(req));
  // Nothing is published before the bytes arrive: init is safe to redo.
  Answer init = read_answer(ctx, r, true);
  if (init.failure) co_return std::move(*init.failure);
  const std::string publish_id = string_in(*init.data, "publish_id");
  const std::string upload_url = string_in(*init.data, "upload_url");
  if (publish_id.empty() || upload_url.empty())
    co_return media_failure(kUnexpectedAnswer, "TikTok answered init without publish_id and upload_url");
  for (std::int64_t i = 0; i < plan.count; ++i) {
    const bool last = i + 1 == plan.count;
    const std::int64_t offset = i * plan.chunk_size;
    const std::int64_t length = last ? v.size - offset : plan.chunk_size;
    Bytes bytes = co_await read_bytes(ctx, v, offset, length);
    if (bytes.failure) co_return std::move(*bytes.failure);
    net::OutboundRequest put;
    put.method = verb::put;
    put.url = upload_url;
    put.timeout = ctx.timeout;
    put.headers = {{"Content-Type", v.content_type},
                   {"Content-Range", "bytes " + std::to_string(offset) + "-" + std::to_string(offset + length - 1) +
                                         "/" + std::to_string(v.size)}};
    put.body = std::move(bytes.data);
    r = co_await ctx.http.send(std::move(put));
    const bool ok = r.response && !r.failure && r.response->status == (last ? 201 : 206);
    if (ok) continue;
    // The last chunk completes the upload and TikTok publishes: its lost answer is ambiguous.
    if (last && (!r.response || r.failure)) co_return *transport_failure(r);
    Answer refused = read_answer(ctx, r, true);
    if (refused.failure) co_return std::move(*refused.failure);
    co_return media_failure(kUnexpectedAnswer, "TikTok answered chunk " + std::to_string(i) + " with " +
                                                   std::to_string(r.response->status));
  }
  co_return co_await await_publish(ctx, publish_id, false);
}

boost::asio::awaitable<PublishResult> post_photos(const PublishContext& ctx, const PublishItem& item,
                                                  const std::vector<const MediaItem*>& photos) {
  json::array urls;
  for (const MediaItem* m : photos) urls.push_back(json::value(m->url));
  std::int64_t cover = 0;
  if (const auto* c = ctx.config.if_contains("photo_cover_index"); c && c->is_int64()) cover = c->get_int64();
  if (cover < 0 || cover >= static_cast<std::int64_t>(photos.size())) cover = 0;
  json::object info = post_info(ctx, "description", item.text);
  info["title"] = first_code_points(item.text.substr(0, item.text.find('\n')), kMaxPhotoTitle);
  if (const auto* v = ctx.config.if_contains("auto_add_music"); v && v->is_bool()) info["auto_add_music"] = v->get_bool();
  json::object body{{"media_type", "PHOTO"},
                    {"post_mode", "DIRECT_POST"},
                    {"post_info", std::move(info)},
                    {"source_info",
                     {{"source", "PULL_FROM_URL"}, {"photo_cover_index", cover}, {"photo_images", std::move(urls)}}}};
  auto req = api(ctx, "/post/publish/content/init/", body);
  const net::OutboundResult r = co_await ctx.http.send(std::move(req));
  // The init starts the post (TikTok pulls the images and publishes): a lost answer is ambiguous.
  Answer init = read_answer(ctx, r, false);
  if (init.failure) co_return std::move(*init.failure);
  const std::string publish_id = string_in(*init.data, "publish_id");
  if (publish_id.empty()) co_return unexpected_answer(*r.response, "a publish_id");
  co_return co_await await_publish(ctx, publish_id, true);
}

class TikTokPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    if (item.position > 0) co_return not_supported("TikTok has no comments API: containers 1+ are not published.");
    if (string_in(ctx.config, "post_mode") == "INBOX")
      co_return not_supported("post_mode INBOX (send to the creator's inbox) is not implemented yet.");
    const MediaItem* video = nullptr;
    std::vector<const MediaItem*> photos;
    for (const auto& m : item.media) {
      if (is_video(m) && !video) video = &m;
      else if (m.kind == "image" && photos.size() < kMaxPhotos) photos.push_back(&m);
    }
    if (!video && photos.empty()) co_return media_failure(kMediaMissing, "TikTok needs one video or 1-35 photos.");

    // creator_info first (TikTok's UX rules): the privacy level must be one the creator may use.
    auto query = api(ctx, "/post/publish/creator_info/query/", json::object());
    net::OutboundResult r = co_await ctx.http.send(std::move(query));
    Answer info = read_answer(ctx, r, true);
    if (info.failure) co_return std::move(*info.failure);
    const std::string privacy = string_in(ctx.config, "privacy_level");
    bool allowed = false;
    if (const auto* o = info.data->if_contains("privacy_level_options"); o && o->is_array())
      for (const auto& v : o->get_array()) allowed = allowed || (v.is_string() && v.get_string() == privacy);
    if (!allowed)
      co_return media_failure("privacy_level_not_allowed",
                              "The creator cannot post with privacy_level \"" + privacy + "\" now.");
    if (video) co_return co_await post_video(ctx, item, *video);
    co_return co_await post_photos(ctx, item, photos);
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext&, const PublishItem&, core::TimePoint) const override {
    co_return LookupResult{LookupOutcome::unavailable, std::nullopt,
                           "TikTok's Content Posting API cannot look a post up after a lost answer"};
  }
};

}  // namespace

const Publisher& tiktok_publisher() {
  static const TikTokPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
