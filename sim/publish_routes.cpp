#include "sim/publish_routes.hpp"

#include <algorithm>
#include <boost/json/array.hpp>

#include "core/time_format.hpp"
#include "sim/api_routes.hpp"
#include "sim/errors.hpp"
#include "sim/publish_builders.hpp"
#include "sim/publish_business.hpp"
#include "sim/publish_media_builders.hpp"
#include "sim/publish_upload_builders.hpp"

namespace postfuze::sim {

namespace {

using http::bhttp::verb;
namespace json = boost::json;

// Scope rules: X platforms.md §3 (tweet.write to post; tweet.read users.read
// to read); Threads §11; Reddit (reddit.com/dev/api: submit to post or
// comment, history for a user's own listings).
const PublishRoute kRoutes[] = {
    {"x", verb::post, "/2/tweets", PublishKind::create, "tweet.read tweet.write users.read",
     publish::x_create_tweet},
    {"x", verb::get, "/2/users/{id}/tweets", PublishKind::lookup, "tweet.read users.read", publish::x_user_tweets},
    // X media upload, v2 (publish_x_media.cpp): every call needs media.write.
    {"x", verb::post, "/2/media/upload/initialize", PublishKind::create, "media.write", publish::x_media_initialize},
    {"x", verb::post, "/2/media/upload/{id}/append", PublishKind::create, "media.write", publish::x_media_append},
    {"x", verb::post, "/2/media/upload/{id}/finalize", PublishKind::create, "media.write", publish::x_media_finalize},
    {"x", verb::get, "/2/media/upload", PublishKind::lookup, "media.write", publish::x_media_status},
    {"x", verb::post, "/2/media/metadata", PublishKind::create, "media.write", publish::x_media_metadata},
    {"threads", verb::post, "/{user}/threads", PublishKind::create, "threads_basic threads_content_publish",
     nullptr, publish::threads_create_container},
    {"threads", verb::post, "/{user}/threads_publish", PublishKind::create, "threads_basic threads_content_publish",
     publish::threads_publish},
    {"threads", verb::get, "/{user}/threads", PublishKind::lookup, "threads_basic", publish::threads_user_threads},
    {"threads", verb::get, "/{user}/replies", PublishKind::lookup, "threads_basic threads_read_replies",
     publish::threads_user_replies},
    {"threads", verb::get, "/{id}", PublishKind::lookup, "threads_basic", publish::threads_media},
    {"reddit", verb::post, "/api/submit", PublishKind::create, "submit", publish::reddit_submit},
    {"reddit", verb::post, "/api/comment", PublishKind::create, "submit", publish::reddit_comment},
    // Reddit media-asset lease (publish_reddit_media.cpp); the lease's action needs no token (its policy is signed).
    {"reddit", verb::post, "/api/media/asset.json", PublishKind::create, "submit", publish::reddit_media_asset},
    {"reddit", verb::post, "/reddit-media", PublishKind::create, "", publish::reddit_media_upload, nullptr, false},
    {"reddit", verb::get, "/user/{name}/submitted", PublishKind::lookup, "history", publish::reddit_user_submitted},
    {"reddit", verb::get, "/user/{name}/comments", PublishKind::lookup, "history", publish::reddit_user_comments},
    // LinkedIn §6: the scope depends on the author (member or organisation), so its builders check it.
    {"linkedin", verb::post, "/rest/posts", PublishKind::create, "", publish::linkedin_create_post},
    {"linkedin", verb::get, "/rest/posts", PublishKind::lookup, "", publish::linkedin_find_posts},
    {"linkedin", verb::post, "/rest/images", PublishKind::create, "", publish::linkedin_images},
    {"linkedin", verb::post, "/rest/videos", PublishKind::create, "", publish::linkedin_videos},
    {"linkedin", verb::put, "/dms-uploads/{key}", PublishKind::create, "", publish::linkedin_upload_put},
    {"linkedin", verb::post, "/rest/socialActions/{urn}/comments", PublishKind::create, "", publish::linkedin_create_comment},
    {"linkedin", verb::get, "/rest/socialActions/{urn}/comments", PublishKind::lookup, "", publish::linkedin_comments},
    // YouTube §8: resumable upload (publish_youtube.cpp).
    {"youtube", verb::post, "/upload/youtube/v3/videos", PublishKind::create,
     "https://www.googleapis.com/auth/youtube.upload|https://www.googleapis.com/auth/youtube", publish::youtube_start_upload},
    {"youtube", verb::put, "/upload/youtube/v3/videos", PublishKind::create,
     "https://www.googleapis.com/auth/youtube.upload|https://www.googleapis.com/auth/youtube", publish::youtube_upload_bytes},
    {"youtube", verb::get, "/youtube/v3/search", PublishKind::lookup,
     "https://www.googleapis.com/auth/youtube.readonly|https://www.googleapis.com/auth/youtube", publish::youtube_search},
    // TikTok §10: direct post (publish_tiktok.cpp); the upload URL carries its own token.
    {"tiktok", verb::post, "/post/publish/creator_info/query/", PublishKind::lookup, "video.publish",
     publish::tiktok_creator_info},
    {"tiktok", verb::post, "/post/publish/video/init/", PublishKind::create, "video.publish", publish::tiktok_video_init},
    {"tiktok", verb::put, "/upload/video/", PublishKind::create, "", publish::tiktok_upload_chunk, nullptr, false},
    {"tiktok", verb::post, "/post/publish/content/init/", PublishKind::create, "video.publish", nullptr,
     publish::tiktok_photo_init},
    {"tiktok", verb::post, "/post/publish/status/fetch/", PublishKind::lookup, "video.publish", publish::tiktok_status},
    // Facebook Pages §4 (Page token checked by the builders).
    {"facebook", verb::post, "/{page}/feed", PublishKind::create, "pages_manage_posts", publish::facebook_create_post},
    {"facebook", verb::get, "/{page}/feed", PublishKind::lookup, "pages_read_engagement", publish::facebook_feed},
    {"facebook", verb::post, "/{object}/comments", PublishKind::create, "pages_manage_engagement", publish::facebook_create_comment},
    {"facebook", verb::get, "/{object}/comments", PublishKind::lookup, "pages_read_engagement|pages_read_user_content", publish::facebook_comments},
    // Media by URL (publish_media_builders.hpp): the simulator downloads what the call names.
    {"facebook", verb::post, "/{page}/photos", PublishKind::create, "pages_manage_posts", nullptr, publish::facebook_create_photo},
    {"facebook", verb::post, "/{page}/videos", PublishKind::create, "pages_manage_posts", nullptr, publish::facebook_create_video},
    // Instagram with Facebook Login §5A (the login's IG accounts; comments need instagram_manage_comments).
    {"instagram", verb::post, "/{user}/media", PublishKind::create, "instagram_basic instagram_content_publish", nullptr, publish::instagram_create_container},
    {"instagram", verb::post, "/{user}/media_publish", PublishKind::create, "instagram_basic instagram_content_publish", publish::instagram_publish},
    {"instagram", verb::get, "/{user}/media", PublishKind::lookup, "instagram_basic", publish::instagram_user_media},
    {"instagram", verb::post, "/{media}/comments", PublishKind::create, "instagram_basic instagram_manage_comments", publish::instagram_create_comment},
    {"instagram", verb::get, "/{media}/comments", PublishKind::lookup, "instagram_basic", publish::instagram_comments},
    {"instagram", verb::get, "/{id}", PublishKind::lookup, "instagram_basic", publish::instagram_node},
    // Pinterest v5 §12 (below the overridden base that replaces ".../v5").
    {"pinterest", verb::post, "/pins", PublishKind::create, "pins:write boards:read", nullptr, publish::pinterest_create_pin},
    {"pinterest", verb::get, "/pins", PublishKind::lookup, "pins:read", publish::pinterest_list_pins},
    // Google Business Profile §9 (v4 localPosts, below the overridden base that replaces ".../v4").
    {"google_business", verb::post, "/accounts/{account}/locations/{location}/localPosts", PublishKind::create, publish::kBusinessManageScopes, nullptr, publish::google_create_local_post},
    {"google_business", verb::get, "/accounts/{account}/locations/{location}/localPosts", PublishKind::lookup, publish::kBusinessManageScopes, publish::google_local_posts},
};

// The bearer token: the Authorization header, or (Graph-style platforms) an
// access_token query or form parameter.
std::optional<std::string> presented_token(Call& call, const Params& query) {
  if (auto b = bearer_token(call.req.header(http::bhttp::field::authorization))) return std::string(*b);
  if (!call.platform.access_token_parameter) return std::nullopt;
  if (auto q = query.get("access_token")) return std::string(*q);
  if (is_form(call.req.header(http::bhttp::field::content_type)))
    if (auto form = Params::parse(call.req.message.body()))
      if (auto f = form->get("access_token")) return std::string(*f);
  return std::nullopt;
}

void count_publish(Sim& sim, std::string_view platform) {
  if (find_platform(platform)) {
    sim.state.count(platform, Counter::publish);
    return;
  }
  sim.state.with([](SimState::Data& d) { ++d.bluesky_counters["publish"]; });  // Bluesky keeps its own stats
}

}  // namespace

std::uint64_t PublishCall::next_id() {
  return sim.state.with([](SimState::Data& d) { return d.next_id++; });
}

SimPost PublishCall::store(SimPost post) {
  post.platform = std::string(platform);
  post.created = now();
  sim.state.with([&](SimState::Data& d) { d.posts.push_back(post); });
  created = true;
  return post;
}

std::optional<SimPost> PublishCall::find_post(std::string_view id) const {
  return sim.state.with([&](SimState::Data& d) -> std::optional<SimPost> {
    for (const auto& p : d.posts)
      if (p.platform == platform && p.id == id) return p;
    return std::nullopt;
  });
}

std::vector<SimPost> PublishCall::posts_by(std::string_view author) const {
  std::vector<SimPost> out;
  sim.state.with([&](SimState::Data& d) {
    for (auto it = d.posts.rbegin(); it != d.posts.rend(); ++it)
      if (it->platform == platform && it->author == author) out.push_back(*it);
  });
  return out;
}

void PublishCall::rejected() const {
  if (call) call->count(Counter::rejected);
  else sim.state.with([](SimState::Data& d) { ++d.bluesky_counters["rejected"]; });
}

std::span<const PublishRoute> publish_routes() { return kRoutes; }

boost::asio::awaitable<http::Response> run_publish(
    PublishCall& pc, PublishKind kind, const std::function<http::Response(const InjectedPublishError&)>& inject,
    const std::function<http::Response(PublishCall&)>& handle) {
  const std::function<boost::asio::awaitable<http::Response>(PublishCall&)> awaiting =
      [&handle](PublishCall& p) -> boost::asio::awaitable<http::Response> { co_return handle(p); };
  co_return co_await run_publish(pc, kind, inject, awaiting);
}

boost::asio::awaitable<http::Response> run_publish(
    PublishCall& pc, PublishKind kind, const std::function<http::Response(const InjectedPublishError&)>& inject,
    const std::function<boost::asio::awaitable<http::Response>(PublishCall&)>& handle) {
  count_publish(pc.sim, pc.platform);
  const PublishFaults faults = pc.sim.state.publish_faults(pc.platform);
  co_await pause(std::chrono::milliseconds(faults.delay_ms));
  if (kind == PublishKind::create) {
    // Take one failure from the knob (a count runs down, then the knob clears).
    const std::string_view path = pc.req.target.encoded_path();
    auto injected = pc.sim.state.with([&](SimState::Data& d) -> std::optional<InjectedPublishError> {
      auto& f = d.publish_faults[std::string(pc.platform)];
      if (!f.error || !path.starts_with(f.error->path)) return std::nullopt;
      InjectedPublishError e = *f.error;
      if (f.error->remaining && --*f.error->remaining <= 0) f.error.reset();
      return e;
    });
    if (injected) {
      http::Response res = inject(*injected);
      if (injected->retry_after > 0) res.set(http::bhttp::field::retry_after, std::to_string(injected->retry_after));
      co_return res;
    }
  }
  http::Response res = co_await handle(pc);
  if (pc.created) {
    const int delay = pc.sim.state.with([&](SimState::Data& d) {
      auto& f = d.publish_faults[std::string(pc.platform)];
      if (!f.created_then_timeout) return 0;
      const int ms = f.created_then_timeout->delay_ms;
      if (--f.created_then_timeout->remaining <= 0) f.created_then_timeout.reset();
      return ms;
    });
    co_await pause(std::chrono::milliseconds(delay));
  }
  co_return res;
}

PlatformHandler publish_handler(const PublishRoute& route) {
  return [&route](Call& call) -> boost::asio::awaitable<http::Response> {
    PublishCall pc{call.sim, call.req, call.platform.id, &call};
    pc.query = Params::of(call.req.target);
    auto inject = [&call](const InjectedPublishError& e) { return injected_publish_error(call, e); };
    // Built as a std::function first: GCC 12 rejects some lambdas written inside a co_await.
    const std::function<boost::asio::awaitable<http::Response>(PublishCall&)> handle =
        [&route, &call](PublishCall& p) -> boost::asio::awaitable<http::Response> {
      if (!route.bearer) co_return route.build(p);
      auto token = live_bearer(call, presented_token(call, p.query));
      if (!token)
        co_return api_error(call, ApiProblem::unauthorized, "The access token is invalid, expired or revoked.");
      if (auto missing = missing_scope(*token->grant, route.scopes); !missing.empty())
        co_return api_error(call, ApiProblem::insufficient_scope,
                            "The access token lacks the scope " + std::string(missing) + ".");
      p.token = std::move(*token);
      p.actor = p.user().id;
      p.actor_name = p.user().username;
      if (route.build_async) co_return co_await route.build_async(p);
      co_return route.build(p);
    };
    co_return co_await run_publish(pc, route.kind, inject, handle);
  };
}

json::array posts_json(Sim& sim, std::optional<std::string_view> platform) {
  json::array out;
  sim.state.with([&](SimState::Data& d) {
    for (const auto& p : d.posts) {
      if (platform && p.platform != *platform) continue;
      out.push_back(json::object{{"platform", p.platform},
                                 {"id", p.id},
                                 {"author", p.author},
                                 {"text", p.text},
                                 {"parent_id", p.parent_id.empty() ? json::value(nullptr) : json::value(p.parent_id)},
                                 {"root_id", p.root_id.empty() ? json::value(nullptr) : json::value(p.root_id)},
                                 {"created_at", core::format_timestamp(p.created)},
                                 {"extra", p.extra}});
    }
  });
  return out;
}

}  // namespace postfuze::sim
