#include "publishers/youtube_publisher.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/url.hpp>

#include "core/time_format.hpp"
#include "publishers/json_fields.hpp"
#include "publishers/chunked_upload.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

constexpr std::int64_t kChunkQuantum = 256 * 1024;  // resumable chunks are multiples of 256 KiB
constexpr std::size_t kMaxTitle = 100;              // code points (contract §25.6)
constexpr std::string_view kShortsTag = "#Shorts";
constexpr int kLookupResults = 25;

struct Metadata {
  std::string title;
  std::string description;
};

// config.title, else the content's first line; isShort appends #Shorts to both (§25.6).
Metadata metadata_for(const PublishContext& ctx, const PublishItem& item) {
  Metadata m;
  m.description = item.text;
  m.title = string_in(ctx.config, "title");
  if (m.title.empty()) m.title = item.text.substr(0, item.text.find('\n'));
  if (m.title.empty()) m.title = "Video";
  if (bool_in(ctx.config, "isShort")) {
    const std::string suffix = " " + std::string(kShortsTag);
    m.title = first_code_points(m.title, kMaxTitle - suffix.size()) + suffix;
    if (m.description.find(kShortsTag) == std::string::npos) m.description += (m.description.empty() ? "" : " ") + std::string(kShortsTag);
  }
  m.title = first_code_points(m.title, kMaxTitle);
  return m;
}

json::object insert_body(const PublishContext& ctx, const Metadata& m) {
  json::object snippet{{"title", m.title}, {"description", m.description}};
  std::string category = string_in(ctx.config, "categoryId");
  snippet["categoryId"] = category.empty() ? "22" : category;
  if (const auto* tags = ctx.config.if_contains("tags"); tags && tags->is_array()) snippet["tags"] = tags->get_array();
  std::string privacy = string_in(ctx.config, "privacyStatus");
  json::object status{{"privacyStatus", privacy.empty() ? "public" : privacy},
                      {"selfDeclaredMadeForKids", bool_in(ctx.config, "madeForKids")}};
  return {{"snippet", std::move(snippet)}, {"status", std::move(status)}};
}

PlatformRef ref_for(std::string id) {
  boost::urls::url u("https://www.youtube.com/watch");
  u.params().append({"v", id});
  PlatformRef ref;
  ref.url = std::string(u.buffer());
  ref.id = std::move(id);
  return ref;
}

// Google's {"error":{"code","message","errors":[{"reason"}]}}: quota reasons are rate limits.
PublishResult refusal_of(const PublishContext& ctx, const net::OutboundResult& r, bool upload_step) {
  if (!r.response || r.failure) {
    if (upload_step) return upload_failure(r, ctx.clock, "YouTube upload failed");
    return *transport_failure(r);
  }
  std::string message, reason;
  if (auto body = json_object(r.response->body))
    if (const auto* e = body->if_contains("error"); e && e->is_object()) {
      message = string_in(e->get_object(), "message");
      for (const json::object* first : objects_in(e->get_object(), "errors")) {
        reason = string_in(*first, "reason");
        break;
      }
    }
  if (message.empty()) message = "YouTube answered " + std::to_string(r.response->status);
  PublishResult out = by_status(*r.response, ctx.clock, reason.empty() ? message : reason + ": " + message);
  if (reason == "quotaExceeded" || reason == "uploadLimitExceeded" || reason == "rateLimitExceeded") {
    out.outcome = Outcome::rate_limited;
    out.error_code = reason == "uploadLimitExceeded" ? "platform_upload_limit" : std::string(kPlatformRateLimited);
    if (reason == "uploadLimitExceeded" && !out.retry_after) out.retry_after = std::chrono::hours(24);
  } else if (out.outcome == Outcome::permanent && upload_step) {
    out.error_code = kMediaRejected;
  }
  return out;
}

class YouTubePublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    if (item.position > 0) co_return not_supported("YouTube has no comments surface: containers 1+ are not published.");
    const MediaItem* video = nullptr;
    for (const auto& m : item.media)
      if (!video && is_video(m)) video = &m;
    if (!video) co_return media_failure(kMediaMissing, "YouTube needs exactly one video in the main container.");

    auto start = bearer_request(ctx, verb::post,
                                ctx.spec.api_url("/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"));
    start.headers.emplace_back("Content-Type", "application/json; charset=UTF-8");
    start.headers.emplace_back("X-Upload-Content-Type", video->content_type);
    start.headers.emplace_back("X-Upload-Content-Length", std::to_string(video->size));
    start.body = json::serialize(insert_body(ctx, metadata_for(ctx, item)));
    net::OutboundResult r = co_await ctx.http.send(std::move(start));
    if (!succeeded(r)) co_return refusal_of(ctx, r, true);
    const std::string session = r.response->header("location");
    if (session.empty()) co_return media_failure(kUnexpectedAnswer, "YouTube opened no upload session (no Location)");

    const std::int64_t chunk = std::max(kChunkQuantum, upload_tuning().youtube_chunk_bytes / kChunkQuantum * kChunkQuantum);
    const auto plan = chunk_plan(video->size, chunk);
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const bool last = i + 1 == plan.size();
      Bytes bytes = co_await read_bytes(ctx, *video, plan[i].offset, plan[i].length);
      if (bytes.failure) co_return std::move(*bytes.failure);
      auto put = bearer_request(ctx, verb::put, session);
      put.headers.emplace_back("Content-Type", video->content_type);
      put.headers.emplace_back("Content-Range", "bytes " + std::to_string(plan[i].offset) + "-" +
                                                    std::to_string(plan[i].offset + plan[i].length - 1) + "/" +
                                                    std::to_string(video->size));
      put.body = std::move(bytes.data);
      r = co_await ctx.http.send(std::move(put));
      if (!last) {
        // 308 Resume Incomplete: the session has the bytes so far.
        if (r.response && !r.failure && r.response->status == 308) continue;
        co_return refusal_of(ctx, r, true);
      }
    }
    // The last chunk's answer creates the video: a lost answer is ambiguous.
    if (!succeeded(r)) co_return refusal_of(ctx, r, false);
    const auto answer = json_object(r.response->body);
    const std::string id = answer ? string_in(*answer, "id") : std::string();
    if (id.empty()) co_return unexpected_answer(*r.response, "the video id");
    co_return created(r, ref_for(id));
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    if (item.position > 0) co_return absent();
    boost::urls::url u(ctx.spec.api_url("/youtube/v3/search"));
    u.params().append({"forMine", "true"});
    u.params().append({"type", "video"});
    u.params().append({"part", "snippet"});
    u.params().append({"order", "date"});
    u.params().append({"maxResults", std::to_string(kLookupResults)});
    auto listed = co_await get_listing(ctx.http, bearer_request(ctx, verb::get, std::string(u.buffer())));
    if (!listed.object) co_return unavailable(listed);
    const Metadata want = metadata_for(ctx, item);
    for (const json::object* result : objects_in(*listed.object, "items")) {
      const auto* id = result->if_contains("id");
      const auto* snippet = result->if_contains("snippet");
      if (!id || !id->is_object() || !snippet || !snippet->is_object()) continue;
      const auto& s = snippet->get_object();
      if (string_in(s, "title") != want.title || string_in(s, "description") != want.description) continue;
      if (auto at = core::parse_timestamp(string_in(s, "publishedAt")); at && *at < since) continue;
      const std::string video = string_in(id->get_object(), "videoId");
      if (!video.empty()) co_return found(ref_for(video));
    }
    co_return absent();
  }
};

}  // namespace

const Publisher& youtube_publisher() {
  static const YouTubePublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
