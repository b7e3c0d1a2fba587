#include "publishers/threads_publisher.hpp"

#include <boost/url/url.hpp>

#include "net/form_encoding.hpp"
#include "publishers/json_fields.hpp"
#include "publishers/container_poll.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/media_by_url.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using boost::beast::http::verb;

constexpr std::string_view kConfigFields[] = {"reply_control", "link_attachment", "topic_tag"};

// {api}/{segments…} with Boost.URL (ids are percent-encoded as path segments).
urls::url api(const PublishContext& ctx, std::initializer_list<std::string_view> segments) {
  urls::url u(ctx.spec.api_url("/"));
  auto path = u.segments();
  if (!path.empty() && path.back().empty()) path.pop_back();
  for (auto s : segments) path.push_back(s);
  return u;
}

net::OutboundRequest request(const PublishContext& ctx, verb method, const urls::url& url) {
  return bearer_request(ctx, method, std::string(url.buffer()));
}

// Graph's error codes (platforms.md §4) refine the HTTP status.
PublishResult refusal(const PublishContext& ctx, const net::OutboundResponse& res, bool media = false) {
  const auto body = json_object(res.body);
  const json::object* error = nullptr;
  if (body)
    if (const auto* e = body->if_contains("error")) error = e->if_object();
  std::string message = error ? string_in(*error, "message") : std::string();
  if (message.empty()) message = "Threads answered " + std::to_string(res.status);
  PublishResult out = by_status(res, ctx.clock, message);
  if (error) {
    if (const auto* t = error->if_contains("fbtrace_id"); t && t->is_string() && out.platform_request_id.empty())
      out.platform_request_id = safe_message(t->get_string());
    const auto* c = error->if_contains("code");
    const std::int64_t code = c && c->is_int64() ? c->get_int64() : 0;
    if (code == 190 || code == 102) {
      out.outcome = Outcome::auth;
      out.error_code = kTokenRejected;
    } else if (code == 4 || code == 17 || code == 32 || code == 613) {
      out.outcome = Outcome::rate_limited;
      out.error_code = kPlatformRateLimited;
    } else if (code == 1 || code == 2) {
      out.outcome = Outcome::transient;
      out.error_code = kPlatformUnavailable;
    } else if (code == 506) {
      out.outcome = Outcome::permanent;
      out.error_code = kDuplicateContent;
    }
    const auto* sub = error->if_contains("error_subcode");
    if (media)
      if (auto verdict = graph_media_outcome(static_cast<int>(code),
                                             sub && sub->is_int64() ? static_cast<int>(sub->get_int64()) : 0)) {
        out.outcome = verdict->outcome;
        out.error_code = std::string(verdict->error_code);
      }
  }
  return out;
}

// POST a form to {api}/{user}/{edge}; the answer's "id", or the result to return.
struct Step {
  std::string id;
  std::optional<PublishResult> failed;
};

boost::asio::awaitable<Step> post_form(const PublishContext& ctx, std::string_view edge, const net::FormFields& form,
                                       bool publishes, bool media) {
  auto req = request(ctx, verb::post, api(ctx, {ctx.account.network_unique_id, edge}));
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.body = net::form_urlencode(form);
  const net::OutboundResult r = co_await ctx.http.send(std::move(req));
  if (auto failure = transport_failure(r)) {
    // Before threads_publish nothing is public: a lost answer is just a retry.
    if (!publishes && failure->outcome == Outcome::ambiguous) {
      failure->outcome = Outcome::transient;
      failure->error_code = kPlatformUnavailable;
    }
    co_return Step{{}, *failure};
  }
  const auto& res = *r.response;
  if (res.status < 200 || res.status >= 300) co_return Step{{}, refusal(ctx, res, media)};
  const auto answer = json_object(res.body);
  const std::string id = answer ? string_in(*answer, "id") : std::string();
  if (id.empty()) {
    PublishResult bad = unexpected_answer(res, "an id");
    if (!publishes) bad.outcome = Outcome::transient;
    co_return Step{{}, bad};
  }
  co_return Step{id, std::nullopt};
}

// One GET /{container}?fields=status,error_message (FINISHED, IN_PROGRESS, ERROR, EXPIRED, PUBLISHED).
boost::asio::awaitable<ContainerCheck> check_container(const PublishContext& ctx, std::string id) {
  urls::url u = api(ctx, {id});
  u.params().append({"fields", "status,error_message"});
  const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, u));
  ContainerCheck out;
  if (!r.response || r.failure || r.response->status != 200) {
    PublishResult failed = r.response && !r.failure ? refusal(ctx, *r.response, true) : *transport_failure(r);
    if (failed.outcome == Outcome::ambiguous) failed.outcome = Outcome::transient;  // a read
    out.failed = std::move(failed);
    co_return out;
  }
  const auto answer = json_object(r.response->body);
  const std::string status = answer ? string_in(*answer, "status") : std::string();
  out.detail = answer ? string_in(*answer, "error_message") : std::string();
  if (out.detail.empty()) out.detail = status;
  if (status == "FINISHED" || status == "PUBLISHED") out.state = ContainerState::finished;
  else if (status == "ERROR" || status == "EXPIRED") out.state = ContainerState::failed;
  else out.state = ContainerState::in_progress;
  co_return out;
}

class ThreadsPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    // (Built with emplace_back: GCC 12 miscompiles braced pairs of literals inside coroutines.)
    if (item.media.size() > 1)
      co_return media_failure(kMediaNotSupported, "A Threads post here carries at most one image or video.");
    net::FormFields container;
    if (item.media.empty()) {
      container.emplace_back("media_type", "TEXT");
    } else {
      // platforms.md §11: IMAGE with image_url, VIDEO with video_url; Threads downloads the file.
      const MediaItem& m = item.media.front();
      container.emplace_back("media_type", is_video(m) ? "VIDEO" : "IMAGE");
      container.emplace_back(is_video(m) ? "video_url" : "image_url", m.url);
    }
    container.emplace_back("text", item.text);
    if (item.parent) container.emplace_back("reply_to_id", item.parent->id);
    // contract §25.8; reply_control applies to the root only (replies inherit the conversation's).
    for (std::string_view name : kConfigFields) {
      if (item.parent && name == "reply_control") continue;
      if (const std::string v = string_in(ctx.config, name); !v.empty()) container.emplace_back(std::string(name), v);
    }
    Step made = co_await post_form(ctx, "threads", container, false, !item.media.empty());
    if (made.failed) co_return *made.failed;
    if (!item.media.empty()) {
      // A media container is published only once Threads has processed it.
      const std::string id = made.id;
      const std::function<boost::asio::awaitable<ContainerCheck>()> check = [&ctx, id] {
        return check_container(ctx, id);
      };
      if (auto failed = co_await wait_for_container(check)) co_return *failed;
    }
    net::FormFields publish;
    publish.emplace_back("creation_id", made.id);
    Step published = co_await post_form(ctx, "threads_publish", publish, true, !item.media.empty());
    if (published.failed) co_return *published.failed;

    PublishResult out;
    out.outcome = Outcome::created;
    PlatformRef ref;
    ref.id = published.id;
    ref.url = co_await permalink(ctx, published.id);
    ref.extra["container_id"] = made.id;
    out.ref = std::move(ref);
    co_return out;
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    urls::url u = api(ctx, {ctx.account.network_unique_id, item.parent ? "replies" : "threads"});
    u.params().append({"fields", "id,text,timestamp,permalink,replied_to"});
    u.params().append({"limit", "100"});
    u.params().append(
        {"since", std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count())});
    const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, u));
    if (!r.response || r.failure)
      co_return LookupResult{LookupOutcome::unavailable, {}, "Threads could not be asked: " + r.detail};
    if (r.response->status != 200)
      co_return LookupResult{LookupOutcome::unavailable, {}, refusal(ctx, *r.response).message};
    const auto answer = json_object(r.response->body);
    const auto* data = answer ? answer->if_contains("data") : nullptr;
    if (!data || !data->is_array())
      co_return LookupResult{LookupOutcome::unavailable, {}, "Threads answered a listing without data"};
    for (const auto& v : data->get_array()) {
      const auto* t = v.if_object();
      if (!t || string_in(*t, "text") != item.text) continue;
      if (item.parent) {
        const auto* to = t->if_contains("replied_to");
        if (!to || !to->is_object() || string_in(to->get_object(), "id") != item.parent->id) continue;
      }
      co_return LookupResult{LookupOutcome::found,
                             PlatformRef{string_in(*t, "id"), string_in(*t, "permalink"), {}}, {}};
    }
    // The newest 100 since the intent hold it if anything does; more is not expected from one account.
    co_return LookupResult{LookupOutcome::absent, {}, {}};
  }

 private:
  // The post's permalink; the profile URL when it cannot be read (the post exists either way).
  static boost::asio::awaitable<std::string> permalink(const PublishContext& ctx, const std::string& id) {
    urls::url u = api(ctx, {id});
    u.params().append({"fields", "permalink"});
    const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, u));
    if (r.response && !r.failure && r.response->status == 200)
      if (auto answer = json_object(r.response->body))
        if (std::string link = string_in(*answer, "permalink"); !link.empty()) co_return link;
    urls::url profile("https://www.threads.com");
    profile.segments().push_back("@" + ctx.account.username.value_or(ctx.account.network_unique_id));
    co_return std::string(profile.buffer());
  }
};

}  // namespace

const Publisher& threads_publisher() {
  static const ThreadsPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
