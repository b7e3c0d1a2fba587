#include "publishers/instagram_publisher.hpp"

#include <boost/url/url.hpp>

#include "net/form_encoding.hpp"
#include "publishers/container_poll.hpp"
#include "publishers/graph_error.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/media_by_url.hpp"
#include "publishers/json_fields.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using boost::beast::http::verb;

// Content Publishing guide: carousels hold 2 to 10 items.
constexpr std::size_t kMinCarousel = 2, kMaxCarousel = 10;
constexpr int kLookupLimit = 50;
constexpr std::string_view kStatusFields = "status_code,status";


// {api}/{segments…}, ids percent-encoded as path segments.
urls::url api(const PublishContext& ctx, std::initializer_list<std::string_view> segments) {
  urls::url u(ctx.spec.api_url("/"));
  auto path = u.segments();
  if (!path.empty() && path.back().empty()) path.pop_back();
  for (auto s : segments) path.push_back(s);
  return u;
}

struct Step {
  std::string id;
  std::optional<PublishResult> failed;
};

// POST a form to `url`; the answer's "id". `publishes`: the call makes the
// post public, so a lost answer is ambiguous (otherwise it is a plain retry).
boost::asio::awaitable<Step> post_form(const PublishContext& ctx, const urls::url& url, const net::FormFields& form,
                                       bool publishes) {
  auto req = bearer_request(ctx, verb::post, std::string(url.buffer()));
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = net::form_urlencode(form);
  const net::OutboundResult r = co_await ctx.http.send(std::move(req));
  if (!succeeded(r)) {
    PublishResult failed = graph_refusal(ctx, r, true);
    if (!publishes && failed.outcome == Outcome::ambiguous) {
      failed.outcome = Outcome::transient;
      failed.error_code = std::string(kPlatformUnavailable);
    }
    co_return Step{{}, std::move(failed)};
  }
  const auto answer = json_object(r.response->body);
  const std::string id = answer ? string_in(*answer, "id") : std::string();
  if (id.empty()) {
    PublishResult bad = unexpected_answer(*r.response, "an id");
    if (!publishes) bad.outcome = Outcome::transient;
    co_return Step{{}, std::move(bad)};
  }
  co_return Step{id, std::nullopt};
}

// One GET /{container}?fields=status_code,status.
boost::asio::awaitable<ContainerCheck> check_container(const PublishContext& ctx, std::string id) {
  urls::url u = api(ctx, {id});
  u.params().append({"fields", kStatusFields});
  const net::OutboundResult r = co_await ctx.http.send(bearer_request(ctx, verb::get, std::string(u.buffer())));
  ContainerCheck out;
  if (!succeeded(r)) {
    PublishResult failed = graph_refusal(ctx, r, true);
    if (failed.outcome == Outcome::ambiguous) failed.outcome = Outcome::transient;  // a read
    out.failed = std::move(failed);
    co_return out;
  }
  const auto answer = json_object(r.response->body);
  const std::string code = answer ? string_in(*answer, "status_code") : std::string();
  out.detail = answer ? string_in(*answer, "status") : std::string();
  if (out.detail.empty()) out.detail = code;
  if (code == "FINISHED" || code == "PUBLISHED") out.state = ContainerState::finished;
  else if (code == "ERROR" || code == "EXPIRED") out.state = ContainerState::failed;
  else out.state = ContainerState::in_progress;
  co_return out;
}

boost::asio::awaitable<std::optional<PublishResult>> wait_finished(const PublishContext& ctx, const std::string& id) {
  const std::function<boost::asio::awaitable<ContainerCheck>()> check = [&ctx, &id] { return check_container(ctx, id); };
  co_return co_await wait_for_container(check);
}

// The fields of one media container (not the carousel parent).
net::FormFields container_form(const MediaItem& m, std::string_view media_type) {
  net::FormFields form;
  form.emplace_back(is_video(m) ? "video_url" : "image_url", m.url);
  if (!media_type.empty()) form.emplace_back("media_type", std::string(media_type));
  return form;
}

// Makes the container(s) the item needs and waits until the one to publish is FINISHED; its id.
boost::asio::awaitable<Step> prepare(const PublishContext& ctx, const PublishItem& item) {
  const urls::url media_edge = api(ctx, {ctx.account.network_unique_id, "media"});
  const auto& media = item.media;
  if (media.empty())
    co_return Step{{}, media_failure(kMediaNotSupported, "Instagram posts need an image or a video.")};
  if (bool_in(ctx.config, "publishAsStory")) {
    if (media.size() != 1)
      co_return Step{{}, media_failure(kMediaNotSupported, "An Instagram story carries exactly one image or video.")};
    Step made = co_await post_form(ctx, media_edge, container_form(media.front(), "STORIES"), false);
    if (made.failed) co_return made;
    if (auto failed = co_await wait_finished(ctx, made.id)) co_return Step{{}, std::move(failed)};
    co_return made;
  }
  if (media.size() == 1) {
    const MediaItem& m = media.front();
    net::FormFields form = container_form(m, is_video(m) ? "REELS" : "");
    form.emplace_back("caption", item.text);
    if (is_video(m))
      if (const auto* offset = ctx.config.if_contains("thumb_offset"); offset != nullptr && offset->is_int64())
        form.emplace_back("thumb_offset", std::to_string(offset->get_int64()));
    Step made = co_await post_form(ctx, media_edge, form, false);
    if (made.failed) co_return made;
    if (auto failed = co_await wait_finished(ctx, made.id)) co_return Step{{}, std::move(failed)};
    co_return made;
  }
  if (media.size() < kMinCarousel || media.size() > kMaxCarousel)
    co_return Step{{}, media_failure(kMediaNotSupported, "An Instagram carousel holds 2 to 10 items.")};
  // Children first (each finished: a carousel takes only ready items), then the parent.
  std::string children;
  for (const MediaItem& m : media) {
    net::FormFields form = container_form(m, is_video(m) ? "VIDEO" : "");
    form.emplace_back("is_carousel_item", "true");
    Step child = co_await post_form(ctx, media_edge, form, false);
    if (child.failed) co_return child;
    if (auto failed = co_await wait_finished(ctx, child.id)) co_return Step{{}, std::move(failed)};
    if (!children.empty()) children += ',';
    children += child.id;
  }
  net::FormFields parent;
  parent.emplace_back("media_type", "CAROUSEL");
  parent.emplace_back("children", children);
  parent.emplace_back("caption", item.text);
  Step made = co_await post_form(ctx, media_edge, parent, false);
  if (made.failed) co_return made;
  if (auto failed = co_await wait_finished(ctx, made.id)) co_return Step{{}, std::move(failed)};
  co_return made;
}

// The post's permalink; the profile URL when it cannot be read (the post exists either way).
boost::asio::awaitable<std::string> permalink(const PublishContext& ctx, const std::string& id) {
  urls::url u = api(ctx, {id});
  u.params().append({"fields", "permalink"});
  const net::OutboundResult r = co_await ctx.http.send(bearer_request(ctx, verb::get, std::string(u.buffer())));
  if (succeeded(r))
    if (auto answer = json_object(r.response->body))
      if (std::string link = string_in(*answer, "permalink"); !link.empty()) co_return link;
  urls::url profile("https://www.instagram.com");
  profile.segments().push_back(ctx.account.username.value_or(ctx.account.network_unique_id));
  co_return std::string(profile.buffer());
}

class InstagramPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    if (item.position != 0) co_return co_await comment(ctx, item);
    Step ready = co_await prepare(ctx, item);
    if (ready.failed) co_return *ready.failed;
    net::FormFields publish;
    publish.emplace_back("creation_id", ready.id);
    const urls::url publish_edge = api(ctx, {ctx.account.network_unique_id, "media_publish"});
    Step published = co_await post_form(ctx, publish_edge, publish, true);
    if (published.failed) co_return *published.failed;
    PublishResult out;
    out.outcome = Outcome::created;
    PlatformRef ref;
    ref.id = published.id;
    ref.url = co_await permalink(ctx, published.id);
    ref.extra["container_id"] = ready.id;
    out.ref = std::move(ref);
    co_return out;
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    const bool root = item.position == 0;
    if (!root && !item.root) co_return LookupResult{LookupOutcome::unavailable, std::nullopt, "no root post to look under"};
    if (root && bool_in(ctx.config, "publishAsStory"))
      co_return LookupResult{LookupOutcome::unavailable, std::nullopt, "stories are not listed with their captions"};
    urls::url u = root ? api(ctx, {ctx.account.network_unique_id, "media"}) : api(ctx, {item.root->id, "comments"});
    u.params().append({"fields", root ? "id,caption,timestamp,permalink" : "id,text,timestamp,from"});
    u.params().append({"limit", std::to_string(kLookupLimit)});
    if (root)
      u.params().append({"since", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                     since.time_since_epoch()).count())});
    auto listed = co_await get_listing(ctx.http, bearer_request(ctx, verb::get, std::string(u.buffer())));
    if (!listed.object) co_return unavailable(listed);
    for (const json::object* node : objects_in(*listed.object, "data")) {
      if (string_in(*node, root ? "caption" : "text") != item.text) continue;
      const std::string id = string_in(*node, "id");
      if (id.empty()) continue;
      if (!root) {
        // Only the account's own comment counts, not a visitor's with the same words.
        const auto* from = node->if_contains("from");
        if (from != nullptr && from->is_object() && string_in(from->get_object(), "id") != ctx.account.network_unique_id)
          continue;
        PlatformRef ref;
        ref.id = id;
        ref.url = item.root->url;
        ref.extra["root"] = item.root->id;
        co_return found(std::move(ref));
      }
      PlatformRef ref;
      ref.id = id;
      ref.url = string_in(*node, "permalink");
      co_return found(std::move(ref));
    }
    co_return absent();
  }

 private:
  // Containers 1+: a comment on the post, as the account (text only).
  static boost::asio::awaitable<PublishResult> comment(const PublishContext& ctx, const PublishItem& item) {
    if (!item.root) co_return missing_root(item);
    if (!item.media.empty())
      co_return media_failure(kMediaNotSupported, "Instagram comments carry text only.");
    net::FormFields form;
    form.emplace_back("message", item.text);
    const urls::url comments = api(ctx, {item.root->id, "comments"});
    Step made = co_await post_form(ctx, comments, form, true);
    if (made.failed) co_return *made.failed;
    PublishResult out;
    out.outcome = Outcome::created;
    PlatformRef ref;
    ref.id = made.id;
    ref.url = item.root->url;  // Instagram has no public URL per comment
    ref.extra["root"] = item.root->id;
    out.ref = std::move(ref);
    co_return out;
  }
};

}  // namespace

const Publisher& instagram_publisher() {
  static const InstagramPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
