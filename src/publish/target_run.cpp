#include "publish/target_run.hpp"

#include <algorithm>

#include "core/blocking.hpp"
#include "core/ids.hpp"
#include "publish/preflight.hpp"

namespace postfuze::publish {

namespace asio = boost::asio;
using publishers::Outcome;
using publishers::PublishResult;

namespace {

// A found-again create is matched among posts made since its intent, less
// this much for clock skew between us and the platform.
constexpr std::chrono::minutes kLookupSkew{2};

bool open_reply(const ReplyState& r) { return r.status == "pending" || r.status == "failed"; }

// The next create of a target: the root until it is live, then the first
// reply or comment still to do. nullopt: nothing left.
std::optional<int> next_step(const PostTarget& t) {
  if (!t.platform_post_id) return 0;
  for (const auto& r : t.replies)
    if (open_reply(r)) return r.position;
  return std::nullopt;
}

ReplyState* reply_at(PostTarget& t, int position) {
  for (auto& r : t.replies)
    if (r.position == position) return &r;
  return nullptr;
}

std::optional<publishers::PlatformRef> root_ref(const PostTarget& t) {
  if (!t.platform_post_id) return std::nullopt;
  return publishers::PlatformRef{*t.platform_post_id, t.platform_post_url.value_or(""), t.platform_ref};
}

// Reply chains hang each item off the previous one; comments hang off the root.
std::optional<publishers::PlatformRef> parent_ref(const PostTarget& t, int position, providers::ReplyMode mode) {
  if (position <= 1 || mode != providers::ReplyMode::reply_chain) return root_ref(t);
  for (const auto& r : t.replies)
    if (r.position == position - 1 && r.platform_post_id)
      return publishers::PlatformRef{*r.platform_post_id, r.platform_post_url.value_or(""), r.ref_extra};
  return root_ref(t);
}

const Container* container_at(const std::vector<Container>& cs, int position) {
  for (const auto& c : cs)
    if (c.position == position) return &c;
  return nullptr;
}

// Built outside coroutines: GCC 12 cannot keep aggregates initialised from
// string literals alive across a co_await.
TargetError error_of(std::string code, std::string message, bool retryable = false,
                     std::optional<int> platform_status = std::nullopt) {
  return TargetError{std::move(code), std::move(message), retryable, platform_status};
}

std::vector<TargetEvent> event(std::string type, const PostTarget& t) { return {TargetEvent{std::move(type), t}}; }

PublishResult result_of(Outcome outcome, std::string code, std::string message) {
  PublishResult r;
  r.outcome = outcome;
  r.error_code = std::move(code);
  r.message = std::move(message);
  return r;
}

publishers::PublishAccount publish_account(const accounts::SocialAccount& a) {
  return {a.id, a.platform, a.network_unique_id, a.username, a.account_type, a.platform_data};
}

}  // namespace

TargetRun::TargetRun(const connect::ConnectDeps& deps, const RunSettings& settings, Work work,
                     accounts::SocialAccount account, const providers::ProviderSpec& spec,
                     const publishers::Publisher* publisher)
    : deps_(deps),
      settings_(settings),
      work_(std::move(work)),
      t_(work_.target),
      account_(std::move(account)),
      spec_(spec),
      publisher_(publisher) {
  if (settings_.objects) media_bytes_.emplace(*settings_.objects);
}

TargetRun::PreparedMedia TargetRun::prepare_media(const Container& container) const {
  PreparedMedia out;
  const auto gone = [&](std::string message) {
    out.state = PreparedMedia::State::gone;
    out.items.clear();
    out.message = std::move(message);
    return out;
  };
  const auto expires = deps_.clock.now() + settings_.media_url_ttl;
  for (const auto& input : container.media) {
    const auto it = std::find_if(work_.media.begin(), work_.media.end(),
                                 [&](const media::Media& m) { return m.id == input.id; });
    if (it == work_.media.end() || it->status == media::kDeleted)
      return gone("Media " + input.id + " was deleted before the post went out.");
    if (it->status == media::kFailed)
      return gone("Media " + input.id + " failed processing" + (it->failure ? ": " + it->failure->message : "."));
    if (it->status != media::kReady) {
      out.state = PreparedMedia::State::wait;
      continue;
    }
    if (!settings_.objects) return gone("This server has no media store to read media " + input.id + " from.");
    auto url = settings_.objects->presign_get(it->object_key, expires);
    if (!url) return gone("Media " + input.id + " cannot be read from the media store.");
    publishers::MediaItem item;
    item.id = it->id;
    item.kind = it->kind;
    item.content_type = it->content_type;
    item.size = it->size.value_or(0);
    item.width = it->width;
    item.height = it->height;
    item.duration_ms = it->duration_ms;
    item.alt_text = fit_text(spec_, "media.alt_text", input.alt_text.value_or(""), t_.config);
    item.url = url->url;
    item.object_key = it->object_key;
    if (it->thumbnail)
      if (auto thumb = settings_.objects->presign_get(it->thumbnail->object_key, expires)) item.thumbnail_url = thumb->url;
    out.items.push_back(std::move(item));
  }
  if (out.state == PreparedMedia::State::wait) out.items.clear();
  return out;
}

asio::awaitable<void> TargetRun::wait_for_media(int position) {
  if (position == 0) t_.status = std::string(target::kQueued);
  t_.due_at = deps_.clock.now() + settings_.media_wait;
  (void)co_await save(std::nullopt, {}, std::nullopt);
}

asio::awaitable<bool> TargetRun::save(std::optional<core::TimePoint> keep_until, std::vector<TargetEvent> events,
                                      std::optional<AttemptRecord> attempt) {
  const auto now = deps_.clock.now();
  bool saved = false, emitted = false;
  auto s = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.transaction([&](store::Connection& c) -> core::Status {
      auto ok = save_target(c, t_, settings_.owner, now, keep_until);
      if (!ok) return std::move(ok).error();
      saved = *ok;
      if (!saved) {
        // Lease lost: another worker owns the target now. Keep a root id the
        // platform just gave us, so that worker adopts it instead of posting again.
        if (t_.platform_post_id) return adopt_root_id(c, t_, now);
        return core::Ok{};
      }
      if (attempt)
        if (auto a = insert_attempt(c, *attempt); !a) return a;
      auto r = roll_up(c, deps_.clock, deps_.random, t_.post_id, events);
      if (!r) return std::move(r).error();
      emitted = *r;
      return core::Ok{};
    });
  });
  if (!s) {
    deps_.log.warn("publish: saving a target failed", {{"target_id", t_.id}, {"error", s.error().internal}});
    co_return false;
  }
  if (emitted && deps_.wake_webhooks) deps_.wake_webhooks();
  co_return saved;
}

AttemptRecord TargetRun::attempt_row(int position, std::string_view outcome, const PublishResult* r,
                                     std::optional<core::TimePoint> retry_at, Ms latency) const {
  AttemptRecord a;
  a.id = core::new_uuid(deps_.random);
  a.target_id = t_.id;
  a.post_id = t_.post_id;
  a.org = t_.org;
  a.attempt = t_.attempts;
  a.container_position = position;
  a.outcome = std::string(outcome);
  if (r) {
    if (!r->error_code.empty()) a.error_code = r->error_code;
    if (!r->message.empty()) a.message = r->message.substr(0, 500);
    a.platform_status = r->platform_status;
    if (!r->platform_request_id.empty()) a.platform_request_id = r->platform_request_id;
  }
  a.retry_at = retry_at;
  a.latency_ms = latency.count();
  a.worker = settings_.owner;
  a.created_at = deps_.clock.now();
  return a;
}

asio::awaitable<bool> TargetRun::succeeded(int position, const publishers::PlatformRef& ref, std::string_view outcome,
                                           const PublishResult& result, Ms latency) {
  const auto now = deps_.clock.now();
  std::vector<TargetEvent> events;
  t_.intent_position.reset();
  t_.intent_at.reset();
  t_.failures = 0;
  if (position == 0) {
    t_.platform_post_id = ref.id;
    t_.platform_post_url = ref.url;
    t_.platform_ref = ref.extra;
    t_.published_at = now;
    t_.status = std::string(target::kPublished);
    t_.error.reset();
    events = event("post.target.published", t_);
    deps_.log.info("post target published", {{"post_id", t_.post_id},
                                             {"target_id", t_.id},
                                             {"platform", t_.platform},
                                             {"attempts", t_.attempts},
                                             {"outcome", outcome}});
  } else if (auto* r = reply_at(t_, position)) {
    r->status = "published";
    r->platform_post_id = ref.id;
    r->platform_post_url = ref.url;
    r->ref_extra = ref.extra;
    r->error.reset();
  }
  co_return co_await save(now + settings_.lease, std::move(events),
                          attempt_row(position, outcome, &result, std::nullopt, latency));
}

asio::awaitable<bool> TargetRun::failed_for_good(int position, TargetError error, std::optional<AttemptRecord> attempt) {
  t_.failures = 0;
  t_.intent_position.reset();
  t_.intent_at.reset();
  error.retryable = false;
  if (position == 0) {
    // The root failed: the target is over; its replies never go out.
    deps_.log.info("post target failed", {{"post_id", t_.post_id},
                                          {"target_id", t_.id},
                                          {"platform", t_.platform},
                                          {"attempts", t_.attempts},
                                          {"code", error.code}});
    t_.status = std::string(target::kError);
    t_.due_at.reset();
    t_.error = std::move(error);
    for (auto& r : t_.replies)
      if (open_reply(r)) r.status = "skipped";
    co_await save(std::nullopt, event("post.target.failed", t_), std::move(attempt));
    co_return false;
  }
  // A reply fails alone; in a reply chain the ones after it have no parent.
  if (auto* r = reply_at(t_, position)) {
    r->status = "error";
    r->error = std::move(error);
  }
  if (spec_.publish.replies == providers::ReplyMode::reply_chain)
    for (auto& later : t_.replies)
      if (later.position > position && open_reply(later)) later.status = "skipped";
  co_return co_await save(deps_.clock.now() + settings_.lease, {}, std::move(attempt));
}

asio::awaitable<bool> TargetRun::transient(int position, const PublishResult& result, std::string_view outcome,
                                           Ms latency) {
  t_.failures += 1;
  TargetError error = error_of(result.error_code.empty() ? std::string(outcome) : result.error_code, result.message,
                               true, result.platform_status);
  if (settings_.retry.exhausted(t_.failures)) {
    error.code = "retries_exhausted";
    if (error.message.empty()) error.message = "The platform kept failing; retries are exhausted.";
    co_return co_await failed_for_good(position, std::move(error),
                                       attempt_row(position, outcome, &result, std::nullopt, latency));
  }
  const auto retry_at = deps_.clock.now() + settings_.retry.delay(t_.failures, result.retry_after, deps_.random);
  if (position == 0) {
    t_.status = std::string(target::kFailed);
    t_.error = std::move(error);
  } else if (auto* r = reply_at(t_, position)) {
    r->status = "failed";
    r->error = std::move(error);
    t_.status = std::string(target::kPublished);
  }
  t_.due_at = retry_at;
  // Released until then: no thread and no lease wait for the retry.
  (void)co_await save(std::nullopt, {}, attempt_row(position, outcome, &result, retry_at, latency));
  co_return false;
}

asio::awaitable<std::optional<connect::AccessToken>> TargetRun::token_or_wait(int position) {
  auto token = co_await connect::access_token(deps_, t_.org, account_.id);
  if (token) co_return std::move(*token);
  if (token.error().code == core::ErrorCode::unavailable) {
    // The platform's token endpoint could not be reached: like any transient failure.
    t_.attempts += 1;
    (void)co_await transient(position, result_of(Outcome::transient, "platform_unavailable", token.error().detail),
                             "transient", Ms{0});
    co_return std::nullopt;
  }
  std::string message = token.error().detail.empty() ? "The account cannot publish; reconnect it." : token.error().detail;
  co_await failed_for_good(position, error_of("account_not_active", std::move(message)),
                           attempt_row(position, "permanent", nullptr, std::nullopt, Ms{0}));
  co_return std::nullopt;
}

asio::awaitable<void> TargetRun::fail_target(std::string code, std::string message) {
  co_await failed_for_good(0, error_of(std::move(code), std::move(message)),
                           attempt_row(0, "permanent", nullptr, std::nullopt, Ms{0}));
}

asio::awaitable<void> TargetRun::run(const std::atomic<bool>& stopping) {
  std::optional<connect::AccessToken> token;
  bool refreshed = false;
  while (!stopping) {
    const auto step = next_step(t_);
    if (!step) {
      // Root live and every reply settled: the target leaves the queue.
      t_.status = std::string(target::kPublished);
      t_.due_at.reset();
      co_await save(std::nullopt, {}, std::nullopt);
      co_return;
    }
    const int position = *step;
    const Container* container = container_at(work_.containers, position);
    if (!container) {
      if (!co_await failed_for_good(position, error_of("container_missing", "The container no longer exists."),
                                    std::nullopt))
        co_return;
      continue;
    }
    auto prepared = prepare_media(*container);
    if (prepared.state == PreparedMedia::State::wait) {
      co_await wait_for_media(position);
      co_return;
    }
    if (prepared.state == PreparedMedia::State::gone) {
      if (!co_await failed_for_good(position, error_of("media_unavailable", std::move(prepared.message)),
                                    attempt_row(position, "permanent", nullptr, std::nullopt, Ms{0})))
        co_return;
      continue;
    }
    publishers::PublishItem item{position, fit_text(spec_, "content", container->content, t_.config),
                                 std::nullopt, std::nullopt, std::move(prepared.items)};
    if (position > 0) {
      item.root = root_ref(t_);
      item.parent = parent_ref(t_, position, spec_.publish.replies);
    }
    if (!token) {
      token = co_await token_or_wait(position);
      if (!token) co_return;
    }
    publishers::PublishContext ctx{spec_, deps_.config.http, deps_.config.platform_timeout, deps_.clock,
                                   publish_account(account_), token->token, t_.config,
                                   media_bytes_ ? &*media_bytes_ : nullptr};

    // A create whose answer was lost: find it at the platform before trying again.
    if (t_.intent_position == position && t_.intent_at) {
      const auto started = deps_.clock.now();
      auto found = co_await publisher_->find(ctx, item, *t_.intent_at - kLookupSkew);
      const auto latency = std::chrono::duration_cast<Ms>(deps_.clock.now() - started);
      t_.attempts += 1;
      if (found.outcome == publishers::LookupOutcome::found && found.ref) {
        if (!co_await succeeded(position, *found.ref, "found", result_of(Outcome::created, "", ""), latency)) co_return;
        continue;
      }
      if (found.outcome == publishers::LookupOutcome::unavailable) {
        // Cannot tell whether it exists: never create blind; ask again later.
        auto r = result_of(Outcome::ambiguous, "lookup_unavailable", found.message);
        if (settings_.retry.exhausted(t_.failures + 1)) {
          co_await failed_for_good(position,
                                   error_of("ambiguous_create",
                                            "The platform did not confirm whether the post was created."),
                                   attempt_row(position, "lookup_unavailable", &r, std::nullopt, latency));
          co_return;
        }
        if (!co_await transient(position, r, "lookup_unavailable", latency)) co_return;
        continue;
      }
      // absent: the platform never got it; create it now.
    }

    // Intent first, so a crash from here on leads to a lookup, not a second post.
    t_.intent_position = position;
    t_.intent_at = deps_.clock.now();
    if (!co_await save(deps_.clock.now() + settings_.lease, {}, std::nullopt)) co_return;

    const auto started = deps_.clock.now();
    auto result = co_await publisher_->create(ctx, item);
    if (result.outcome == Outcome::auth && !refreshed) {
      // The platform refused the token: renew it once (single flight across
      // workers) and send again; the intent stays recorded meanwhile.
      refreshed = true;
      if (auto renewed = co_await connect::access_token(deps_, t_.org, account_.id, token->version)) {
        token = std::move(*renewed);
        ctx.token = token->token;
        result = co_await publisher_->create(ctx, item);
      }
    }
    const auto latency = std::chrono::duration_cast<Ms>(deps_.clock.now() - started);
    t_.attempts += 1;
    const std::string outcome(publishers::to_string(result.outcome));

    switch (result.outcome) {
      case Outcome::created:
        if (result.ref) {
          if (!co_await succeeded(position, *result.ref, "created", result, latency)) co_return;
          continue;
        }
        // A "created" without an id cannot be replied to or found again.
        result = result_of(Outcome::ambiguous, "platform_answer_unreadable", "The platform's answer had no post id.");
        if (!co_await transient(position, result, "ambiguous", latency)) co_return;
        continue;
      case Outcome::ambiguous:
        // The post may exist: keep the intent, so the next turn looks it up.
        if (!co_await transient(position, result, outcome, latency)) co_return;
        continue;
      case Outcome::transient:
      case Outcome::rate_limited:
        t_.intent_position.reset();  // the platform did not create it
        t_.intent_at.reset();
        if (!co_await transient(position, result, outcome, latency)) co_return;
        continue;
      case Outcome::auth: {
        // A freshly renewed token refused too: the grant no longer holds. The
        // account needs a reconnect (one account.reauth_required, however
        // many targets notice), as the validate endpoint decides.
        if (refreshed)
          (void)co_await connect::mark_account(deps_, t_.org, account_.id, std::string(accounts::kReauthRequired),
                                               "the platform refuses a freshly renewed token when publishing");
        std::string message = result.message.empty()
                                  ? "The platform refused the account's token; reconnect the account."
                                  : result.message;
        co_await failed_for_good(position,
                                 error_of("token_rejected", std::move(message), false, result.platform_status),
                                 attempt_row(position, outcome, &result, std::nullopt, latency));
        co_return;
      }
      case Outcome::permanent: {
        std::string code = result.error_code.empty() ? "platform_rejected" : result.error_code;
        if (!co_await failed_for_good(position,
                                      error_of(std::move(code), result.message, false, result.platform_status),
                                      attempt_row(position, outcome, &result, std::nullopt, latency)))
          co_return;
        continue;
      }
    }
    co_return;
  }
}

}  // namespace postfuze::publish
