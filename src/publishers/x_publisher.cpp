#include "publishers/x_publisher.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/url.hpp>

#include "core/time_format.hpp"
#include "publishers/json_fields.hpp"
#include "publishers/chunked_upload.hpp"
#include "publishers/http_outcome.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using boost::beast::http::verb;

constexpr int kLookupPages = 5;  // 5 × 100 tweets since the intent is plenty

// config.username, else the account's handle, else its numeric id (contract §25.2).
std::string post_url(const PublishContext& ctx, std::string_view id) {
  std::string who = string_in(ctx.config, "username");
  if (who.empty() && ctx.account.username) who = *ctx.account.username;
  if (who.empty()) who = ctx.account.network_unique_id;
  urls::url u("https://x.com");
  u.segments().push_back(who);
  u.segments().push_back("status");
  u.segments().push_back(id);
  return std::string(u.buffer());
}

PlatformRef ref_for(const PublishContext& ctx, std::string id) {
  PlatformRef ref;
  ref.url = post_url(ctx, id);
  ref.id = std::move(id);
  return ref;
}

net::OutboundRequest request(const PublishContext& ctx, verb method, std::string url) {
  return bearer_request(ctx, method, std::move(url));
}

// A problem+json refusal: its words decide what kind of refusal it is.
PublishResult refusal(const PublishContext& ctx, const net::OutboundResponse& res) {
  const auto body = json_object(res.body);
  std::string detail, title, type;
  if (body) {
    detail = string_in(*body, "detail");
    title = string_in(*body, "title");
    type = string_in(*body, "type");
    if (const auto* errors = body->if_contains("errors"); errors && errors->is_array() && !errors->get_array().empty())
      if (const auto* first = errors->get_array().front().if_object()) {
        const std::string m = string_in(*first, "message");
        if (!m.empty() && detail.empty()) detail = m;
      }
  }
  const std::string message = !detail.empty() ? detail : !title.empty() ? title : "X answered " + std::to_string(res.status);
  PublishResult out = by_status(res, ctx.clock, message);
  auto says = [&](std::string_view words) {
    return detail.find(words) != std::string::npos || title.find(words) != std::string::npos;
  };
  if (says("Unsupported Authentication")) {
    // X's word for a token it will not take for this call (Postiz: reconnect).
    out.outcome = Outcome::auth;
    out.error_code = kTokenRejected;
  } else if (says("duplicate content")) {
    out.outcome = Outcome::permanent;
    out.error_code = kDuplicateContent;
  } else if (type.ends_with("/usage-capped")) {
    out.outcome = Outcome::rate_limited;
    out.error_code = "platform_usage_capped";
    out.retry_after = retry_after(res, ctx.clock);
  }
  return out;
}

// A refused upload step: X's own classification, but the upload is safe to
// redo (a lost answer is transient) and a refused file says media_rejected.
PublishResult upload_refusal(const PublishContext& ctx, const net::OutboundResult& r, std::string_view step) {
  if (!r.response || r.failure) return upload_failure(r, ctx.clock, "X media " + std::string(step) + " failed");
  PublishResult out = refusal(ctx, *r.response);
  if (out.outcome == Outcome::permanent) out.error_code = kMediaRejected;
  return out;
}

std::string media_category(const MediaItem& m) {
  if (m.content_type == "image/gif") return "tweet_gif";
  return is_video(m) ? "tweet_video" : "tweet_image";
}

json::object data_of(const net::OutboundResponse& res) {
  const auto answer = json_object(res.body);
  const auto* data = answer ? answer->if_contains("data") : nullptr;
  return data && data->is_object() ? data->get_object() : json::object{};
}

struct Uploaded {
  std::string media_id;
  std::optional<PublishResult> failure;
};

// Waits for X's processing of a video or GIF: STATUS until succeeded or
// failed, check_after_secs apart (contract §25.2: the tweet waits for it).
boost::asio::awaitable<std::optional<PublishResult>> await_processing(const PublishContext& ctx, const std::string& id,
                                                                      json::object info) {
  for (int poll = 0;; ++poll) {
    const std::string state = string_in(info, "state");
    if (state == "succeeded" || state.empty()) co_return std::nullopt;
    if (state == "failed") {
      std::string why = "X could not process the media";
      if (const auto* e = info.if_contains("error"); e && e->is_object())
        if (auto m = string_in(e->get_object(), "message"); !m.empty()) why += ": " + m;
      co_return media_failure(kMediaProcessingFailed, safe_message(why));
    }
    if (poll >= upload_tuning().max_polls) {
      PublishResult stuck;
      stuck.outcome = Outcome::transient;
      stuck.error_code = kMediaProcessingTimeout;
      stuck.message = "X was still processing media " + id;
      co_return stuck;
    }
    std::int64_t after = 1;
    if (const auto* c = info.if_contains("check_after_secs"); c && c->is_int64()) after = c->get_int64();
    co_await wait_platform_seconds(after);
    urls::url u(ctx.spec.api_url("/2/media/upload"));
    u.params().append({"command", "STATUS"});
    u.params().append({"media_id", id});
    const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, std::string(u.buffer())));
    if (!r.response || r.failure || r.response->status != 200) co_return upload_refusal(ctx, r, "STATUS");
    const json::object data = data_of(*r.response);
    const auto* p = data.if_contains("processing_info");
    info = p && p->is_object() ? p->get_object() : json::object{};
  }
}

// X API v2 chunked upload (docs/decisions.md): initialize → append each
// ≤ 4 MB segment in order → finalize → STATUS polls for video/GIF → alt text.
boost::asio::awaitable<Uploaded> upload(const PublishContext& ctx, const MediaItem& m) {
  Uploaded out;
  auto init = request(ctx, verb::post, ctx.spec.api_url("/2/media/upload/initialize"));
  init.headers.emplace_back("Content-Type", "application/json");
  init.body = json::serialize(
      json::object{{"media_type", m.content_type}, {"total_bytes", m.size}, {"media_category", media_category(m)}});
  net::OutboundResult r = co_await ctx.http.send(std::move(init));
  if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300) {
    out.failure = upload_refusal(ctx, r, "initialize");
    co_return out;
  }
  out.media_id = string_in(data_of(*r.response), "id");
  if (out.media_id.empty()) {
    out.failure = upload_refusal(ctx, r, "initialize");
    out.failure->outcome = Outcome::transient;
    out.failure->error_code = kUnexpectedAnswer;
    out.failure->message = "X answered initialize without a media id";
    co_return out;
  }
  const std::string base = ctx.spec.api_url("/2/media/upload/" + out.media_id);
  int index = 0;
  for (const Range& range : chunk_plan(m.size, upload_tuning().x_segment_bytes)) {
    Bytes bytes = co_await read_bytes(ctx, m, range.offset, range.length);
    if (bytes.failure) {
      out.failure = std::move(bytes.failure);
      co_return out;
    }
    const Multipart form = multipart({{"segment_index", std::to_string(index++)},
                                      {"media", std::move(bytes.data), "blob", "application/octet-stream"}});
    auto append = request(ctx, verb::post, base + "/append");
    append.headers.emplace_back("Content-Type", form.content_type);
    append.body = form.body;
    r = co_await ctx.http.send(std::move(append));
    if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300) {
      out.failure = upload_refusal(ctx, r, "append");
      co_return out;
    }
  }
  r = co_await ctx.http.send(request(ctx, verb::post, base + "/finalize"));
  if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300) {
    out.failure = upload_refusal(ctx, r, "finalize");
    co_return out;
  }
  const json::object finalized = data_of(*r.response);
  if (const auto* p = finalized.if_contains("processing_info"); p && p->is_object())
    if (auto failed = co_await await_processing(ctx, out.media_id, p->get_object())) {
      out.failure = std::move(failed);
      co_return out;
    }
  // Alt text: images and GIFs only (X's metadata endpoint).
  if (!m.alt_text.empty() && !is_video(m)) {
    auto meta = request(ctx, verb::post, ctx.spec.api_url("/2/media/metadata"));
    meta.headers.emplace_back("Content-Type", "application/json");
    meta.body = json::serialize(
        json::object{{"id", out.media_id}, {"metadata", {{"alt_text", {{"text", m.alt_text}}}}}});
    r = co_await ctx.http.send(std::move(meta));
    if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300)
      out.failure = upload_refusal(ctx, r, "metadata");
  }
  co_return out;
}

// "2026-06-09T10:00:00Z": X wants seconds precision.
std::string x_time(core::TimePoint t) {
  std::string s = core::format_timestamp(std::chrono::time_point_cast<std::chrono::seconds>(t));
  if (s.size() == 24) s.erase(19, 4);
  return s;
}

class XPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    json::object body{{"text", item.text}};
    if (item.parent) body["reply"] = {{"in_reply_to_tweet_id", item.parent->id}};
    // One media item per container: the first (contract §25.2).
    if (const MediaItem* m = first_media(item)) {
      Uploaded up = co_await upload(ctx, *m);
      if (up.failure) co_return *up.failure;
      body["media"] = {{"media_ids", json::array{up.media_id}}};
    }
    auto req = request(ctx, verb::post, ctx.spec.api_url("/2/tweets"));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json::serialize(body);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (auto failure = transport_failure(r)) co_return *failure;
    const net::OutboundResponse& res = *r.response;
    if (res.status < 200 || res.status >= 300) co_return refusal(ctx, res);
    // 201 {"data":{"id","text","edit_history_tweet_ids"}}
    const auto answer = json_object(res.body);
    const auto* data = answer ? answer->if_contains("data") : nullptr;
    const std::string id = data && data->is_object() ? string_in(data->get_object(), "id") : std::string();
    if (id.empty()) co_return unexpected_answer(res, "a tweet id");
    PublishResult out;
    out.outcome = Outcome::created;
    out.ref = ref_for(ctx, id);
    out.platform_status = res.status;
    out.platform_request_id = request_id(res);
    co_return out;
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    std::string next;
    for (int page = 0; page < kLookupPages; ++page) {
      urls::url u(ctx.spec.api_url("/2/users"));
      u.segments().push_back(ctx.account.network_unique_id);
      u.segments().push_back("tweets");
      u.params().append({"max_results", "100"});
      u.params().append({"start_time", x_time(since)});
      u.params().append({"tweet.fields", "created_at,referenced_tweets"});
      if (!next.empty()) u.params().append({"pagination_token", next});
      const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, std::string(u.buffer())));
      if (!r.response || r.failure)
        co_return LookupResult{LookupOutcome::unavailable, {}, "X could not be asked: " + r.detail};
      if (r.response->status != 200)
        co_return LookupResult{LookupOutcome::unavailable, {}, refusal(ctx, *r.response).message};
      const auto answer = json_object(r.response->body);
      if (!answer) co_return LookupResult{LookupOutcome::unavailable, {}, "X answered a timeline that is not JSON"};
      if (const auto* data = answer->if_contains("data"); data && data->is_array())
        for (const auto& v : data->get_array()) {
          const auto* t = v.if_object();
          if (!t || string_in(*t, "text") != item.text) continue;
          // A reply must hang off the same parent; a root must reply to nothing.
          std::string replied_to;
          if (const auto* refs = t->if_contains("referenced_tweets"); refs && refs->is_array())
            for (const auto& rv : refs->get_array())
              if (const auto* ro = rv.if_object(); ro && string_in(*ro, "type") == "replied_to")
                replied_to = string_in(*ro, "id");
          if (replied_to != (item.parent ? item.parent->id : std::string())) continue;
          co_return LookupResult{LookupOutcome::found, ref_for(ctx, string_in(*t, "id")), {}};
        }
      const auto* meta = answer->if_contains("meta");
      next = meta && meta->is_object() ? string_in(meta->get_object(), "next_token") : std::string();
      if (next.empty()) co_return LookupResult{LookupOutcome::absent, {}, {}};
    }
    co_return LookupResult{LookupOutcome::unavailable, {}, "X's timeline since the intent is longer than we read"};
  }
};

}  // namespace

const Publisher& x_publisher() {
  static const XPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
