#include "publishers/facebook_publisher.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include "core/time_format.hpp"
#include "publishers/graph_error.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/media_by_url.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

constexpr std::string_view kWebBase = "https://www.facebook.com/";
constexpr int kLookupLimit = 50;

std::string config_string(const json::object& config, std::string_view key) {
  if (const auto* v = config.if_contains(key); v != nullptr && v->is_string()) return std::string(v->get_string());
  return {};
}

std::string segment(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// The Page token is the account's access token; it goes in a Bearer header
// (Graph accepts it there as well as in ?access_token=, and headers stay out of logs).
net::OutboundRequest request(const PublishContext& ctx, verb method, std::string url) {
  return bearer_request(ctx, method, std::move(url));
}

std::string web_url(std::string_view id) { return std::string(kWebBase) + segment(id); }

std::string comment_url(std::string_view root, std::string_view comment) {
  boost::urls::url u(web_url(root));
  u.params().append({"comment_id", comment});
  return std::string(u.buffer());
}

PublishResult refused(const PublishContext& ctx, const net::OutboundResult& r, bool media = false) {
  return graph_refusal(ctx, r, media);
}

// A 2xx answer's JSON object; nullopt when the body is not one.
std::optional<json::object> body_object(const net::OutboundResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.response->body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Graph's created_time: "2026-06-09T10:00:00+0000" (no colon in the offset).
std::optional<core::TimePoint> graph_time(std::string s) {
  if (s.size() > 5 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-') && s.find(':', s.size() - 5) == std::string::npos)
    s.insert(s.size() - 2, ":");
  return core::parse_timestamp(s);
}

// POSTs `body` as JSON to `url`; the answer's "id" (and the object), or the result to return.
struct Posted {
  net::OutboundResult raw;
  json::object answer;
  std::string id;
  std::optional<PublishResult> failed;
};

boost::asio::awaitable<Posted> post_json(const PublishContext& ctx, std::string url, const json::object& body,
                                         bool media, std::string_view what) {
  auto req = request(ctx, verb::post, std::move(url));
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = json::serialize(body);
  Posted out;
  out.raw = co_await ctx.http.send(std::move(req));
  if (!succeeded(out.raw)) {
    out.failed = refused(ctx, out.raw, media);
    co_return out;
  }
  if (auto answer = body_object(out.raw)) out.answer = std::move(*answer);
  out.id = string_at(out.answer, "id");
  if (out.id.empty()) out.failed = unexpected_answer(*out.raw.response, what);
  co_return out;
}

// An unpublished upload (a photo for attached_media): nothing is public yet, so a lost answer is a plain retry.
void unpublished_step(Posted& p) {
  if (p.failed && p.failed->outcome == Outcome::ambiguous) {
    p.failed->outcome = Outcome::transient;
    p.failed->error_code = std::string(kPlatformUnavailable);
  }
}

// The root post with media (platforms.md §4): one video → /{page}/videos with
// file_url; one photo → /{page}/photos with url and caption; several photos →
// each uploaded unpublished, then one /feed post with attached_media.
boost::asio::awaitable<PublishResult> create_with_media(const PublishContext& ctx, const PublishItem& item) {
  std::vector<const MediaItem*> images, videos;
  for (const auto& m : item.media) (is_video(m) ? videos : images).push_back(&m);
  if (!videos.empty() && (videos.size() > 1 || !images.empty()))
    co_return media_failure(kMediaNotSupported, "A Facebook Page post carries one video, or photos, not both.");
  const std::string page = segment(ctx.account.network_unique_id);
  if (!videos.empty()) {
    json::object body{{"file_url", videos.front()->url}, {"description", item.text}};
    if (auto title = config_string(ctx.config, "title"); !title.empty()) body["title"] = title;
    Posted p = co_await post_json(ctx, ctx.spec.api_url("/" + page + "/videos"), body, true, "the video id");
    if (p.failed) co_return *p.failed;
    PlatformRef ref;
    ref.id = p.id;
    ref.url = std::string(kWebBase) + page + "/videos/" + segment(p.id);
    co_return created(p.raw, std::move(ref));
  }
  if (images.size() == 1) {
    json::object body{{"url", images.front()->url}, {"caption", item.text}};
    if (!images.front()->alt_text.empty()) body["alt_text_custom"] = images.front()->alt_text;
    Posted p = co_await post_json(ctx, ctx.spec.api_url("/" + page + "/photos"), body, true, "the photo id");
    if (p.failed) co_return *p.failed;
    PlatformRef ref;
    ref.id = string_at(p.answer, "post_id");  // the Page post the photo made
    if (ref.id.empty()) ref.id = p.id;
    ref.url = web_url(ref.id);
    ref.extra["photo_id"] = p.id;
    co_return created(p.raw, std::move(ref));
  }
  json::array attached;
  for (const MediaItem* image : images) {
    json::object body{{"url", image->url}, {"published", false}};
    if (!image->alt_text.empty()) body["alt_text_custom"] = image->alt_text;
    Posted p = co_await post_json(ctx, ctx.spec.api_url("/" + page + "/photos"), body, true, "the photo id");
    unpublished_step(p);
    if (p.failed) co_return *p.failed;
    attached.push_back(json::object{{"media_fbid", p.id}});
  }
  boost::urls::url u(ctx.spec.api_url("/" + page + "/feed"));
  u.params().append({"fields", "id,permalink_url"});
  json::object body{{"message", item.text}, {"attached_media", std::move(attached)}};
  Posted p = co_await post_json(ctx, std::string(u.buffer()), body, true, "the post id");
  if (p.failed) co_return *p.failed;
  PlatformRef ref;
  ref.id = p.id;
  ref.url = string_at(p.answer, "permalink_url");
  if (ref.url.empty()) ref.url = web_url(p.id);
  co_return created(p.raw, std::move(ref));
}

class FacebookPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    if (item.position == 0 && !item.media.empty()) co_return co_await create_with_media(ctx, item);
    if (item.position != 0 && !item.media.empty())
      co_return media_failure(kMediaNotSupported, "Comments on a Facebook Page post carry text only.");
    if (item.position == 0) {
      // ?fields= asks for the permalink in the same answer (as Postiz does).
      boost::urls::url u(ctx.spec.api_url("/" + segment(ctx.account.network_unique_id) + "/feed"));
      u.params().append({"fields", "id,permalink_url"});
      auto req = request(ctx, verb::post, std::string(u.buffer()));
      json::object body{{"message", item.text}};
      if (auto link = config_string(ctx.config, "link"); !link.empty()) body["link"] = link;
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = json::serialize(body);
      const net::OutboundResult r = co_await ctx.http.send(std::move(req));
      if (!succeeded(r)) co_return refused(ctx, r);
      const auto answer = body_object(r);
      const std::string id = answer ? string_at(*answer, "id") : std::string();
      if (id.empty()) co_return unexpected_answer(*r.response, "the post id");
      PlatformRef ref;
      ref.id = id;
      ref.url = string_at(*answer, "permalink_url");
      if (ref.url.empty()) ref.url = web_url(id);
      co_return created(r, std::move(ref));
    }
    if (!item.root) co_return missing_root(item);
    const std::string& root = item.root->id;
    auto req = request(ctx, verb::post, ctx.spec.api_url("/" + segment(root) + "/comments"));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json::serialize(json::object{{"message", item.text}});
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (!succeeded(r)) co_return refused(ctx, r);
    const auto answer = body_object(r);
    const std::string id = answer ? string_at(*answer, "id") : std::string();
    if (id.empty()) co_return unexpected_answer(*r.response, "the comment id");
    PlatformRef ref;
    ref.id = id;
    ref.url = comment_url(root, id);
    ref.extra["root"] = root;
    co_return created(r, std::move(ref));
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    const bool root_post = item.position == 0;
    if (!root_post && !item.root)
      co_return LookupResult{LookupOutcome::unavailable, std::nullopt, "no root post to look under"};
    const std::string parent = root_post ? ctx.account.network_unique_id : item.root->id;
    boost::urls::url u(ctx.spec.api_url("/" + segment(parent) + (root_post ? "/feed" : "/comments")));
    u.params().append({"fields", root_post ? "id,message,created_time,permalink_url" : "id,message,created_time,from"});
    u.params().append({"limit", std::to_string(kLookupLimit)});
    if (root_post) u.params().append({"since", std::to_string(core::to_unix_ms(since) / 1000)});
    auto listed = co_await get_listing(ctx.http, request(ctx, verb::get, std::string(u.buffer())));
    if (!listed.object) co_return unavailable(listed);
    for (const json::object* node : objects_in(*listed.object, "data")) {
      if (string_at(*node, "message") != item.text) continue;
      const std::string id = string_at(*node, "id");
      if (id.empty()) continue;
      if (auto t = graph_time(string_at(*node, "created_time")); t && *t < since) continue;
      if (!root_post) {
        // Only the Page's own comment counts, not a visitor's with the same words.
        const auto* from = node->if_contains("from");
        if (from != nullptr && from->is_object() && string_at(from->get_object(), "id") != ctx.account.network_unique_id)
          continue;
      }
      PlatformRef ref;
      ref.id = id;
      if (root_post) {
        ref.url = string_at(*node, "permalink_url");
        if (ref.url.empty()) ref.url = web_url(id);
      } else {
        ref.url = comment_url(parent, id);
        ref.extra["root"] = parent;
      }
      co_return found(std::move(ref));
    }
    co_return absent();
  }
};

}  // namespace

std::optional<GraphVerdict> graph_outcome(int code, int subcode) {
  // Authentication subcodes (§2.4) mean the same as 190 whatever the code.
  if (code == 190 || code == 102 || subcode == 458 || subcode == 460 || subcode == 463 || subcode == 467)
    return GraphVerdict{Outcome::auth, std::string(kTokenRejected)};
  if (code == 1 || code == 2) return GraphVerdict{Outcome::transient, std::string(kPlatformUnavailable)};
  if (code == 4 || code == 17 || code == 32 || code == 613 || code == 80001)
    return GraphVerdict{Outcome::rate_limited, std::string(kPlatformRateLimited)};
  if (code == 506) return GraphVerdict{Outcome::permanent, std::string(kDuplicateContent)};
  if (code == 368) return GraphVerdict{Outcome::permanent, std::string(kPlatformRejected)};
  if (code == 10 || (code >= 200 && code <= 299)) return GraphVerdict{Outcome::permanent, std::string(kPlatformRejected)};
  return std::nullopt;
}

const Publisher& facebook_publisher() {
  static const FacebookPublisher publisher;
  return publisher;
}

}  // namespace postfuze::publishers
