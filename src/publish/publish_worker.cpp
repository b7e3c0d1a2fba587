#include "publish/publish_worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "accounts/account_store.hpp"
#include "connect/token_service.hpp"
#include "core/blocking.hpp"
#include "core/ids.hpp"
#include "publish/post_store.hpp"
#include "publish/preflight.hpp"
#include "publish/rollup.hpp"
#include "publish/target_queue.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publish {

namespace asio = boost::asio;
using publishers::Outcome;

namespace {

// A found-again create is matched among posts made since its intent, less
// this much for clock skew between us and the platform.
constexpr std::chrono::minutes kLookupSkew{2};

publishers::PublishAccount publish_account(const accounts::SocialAccount& a) {
  return {a.id, a.platform, a.network_unique_id, a.username, a.account_type, a.platform_data};
}

// The next create of a target: the root until it is live, then the first
// reply or comment still to do. nullopt: nothing left.
std::optional<int> next_step(const PostTarget& t) {
  if (!t.platform_post_id) return 0;
  for (const auto& r : t.replies)
    if (r.status == "pending" || r.status == "failed") return r.position;
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

std::string_view outcome_name(Outcome o) { return publishers::to_string(o); }

// Built outside the coroutine: GCC 12 cannot keep aggregates initialised from
// string literals alive across a co_await.
TargetError permanent_error(std::string code, std::string message) {
  return TargetError{std::move(code), std::move(message), false, std::nullopt};
}

std::vector<TargetEvent> failed_event(const PostTarget& t) { return {TargetEvent{std::string("post.target.failed"), t}}; }
std::vector<TargetEvent> published_event(const PostTarget& t) {
  return {TargetEvent{std::string("post.target.published"), t}};
}

publishers::PublishResult failure_result(Outcome outcome, std::string code, std::string message) {
  publishers::PublishResult r;
  r.outcome = outcome;
  r.error_code = std::move(code);
  r.message = std::move(message);
  return r;
}

}  // namespace

PublishWorker::PublishWorker(asio::io_context& io, connect::ConnectDeps deps, PublishWorkerOptions options)
    : io_(io),
      deps_(std::move(deps)),
      options_(options),
      owner_("publish-" + core::new_uuid(deps_.random)),
      strand_(asio::make_strand(io)),
      timer_(strand_),
      limiter_(io.get_executor()) {}

void PublishWorker::start() {
  asio::co_spawn(strand_, run(), [this](std::exception_ptr e) {
    if (e) deps_.log.error("publish worker stopped by an exception");
  });
}

void PublishWorker::stop() {
  stopping_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

void PublishWorker::wake() {
  asio::post(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> PublishWorker::run() {
  while (!stopping_) {
    const int claimed = co_await claim_and_spawn(false);
    if (claimed > 0 && in_flight_ < options_.max_in_flight) continue;  // more may be due
    timer_.expires_after(options_.poll_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<int> PublishWorker::drain() { co_return co_await claim_and_spawn(true); }

asio::awaitable<int> PublishWorker::claim_and_spawn(bool wait_for_all) {
  const int room = options_.max_in_flight - in_flight_.load();
  if (room <= 0) co_return 0;
  const auto now = deps_.clock.now();
  Claimed claimed;
  auto s = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.transaction([&](store::Connection& c) -> core::Status {
      auto r = claim_due_targets(c, deps_.db.dialect(), owner_, now, now + options_.lease, std::min(room, 256));
      if (!r) return std::move(r).error();
      claimed = std::move(*r);
      for (const auto& post_id : claimed.post_ids) {
        auto u = roll_up(c, deps_.clock, deps_.random, post_id, {});
        if (!u) return std::move(u).error();
      }
      return core::Ok{};
    });
  });
  if (!s) {
    deps_.log.warn("publish claim failed", {{"error", s.error().internal}});
    co_return 0;
  }
  const auto n = claimed.target_ids.size();
  if (n == 0) co_return 0;
  in_flight_ += static_cast<int>(n);
  auto executor = co_await asio::this_coro::executor;
  asio::experimental::channel<void(boost::system::error_code)> done(executor, n);
  for (auto& id : claimed.target_ids) {
    asio::co_spawn(io_, publish_target(std::move(id)),
                   [this, &done, wait_for_all, executor](std::exception_ptr e) {
                     if (e) deps_.log.error("publish target stopped by an exception");
                     --in_flight_;
                     if (wait_for_all) asio::post(executor, [&done] { done.try_send(boost::system::error_code{}); });
                   });
  }
  if (wait_for_all)
    for (std::size_t i = 0; i < n; ++i) co_await done.async_receive(asio::as_tuple(asio::use_awaitable));
  co_return static_cast<int>(n);
}

asio::awaitable<void> PublishWorker::publish_target(std::string target_id) {
  auto& log = deps_.log;
  std::optional<Work> work;
  std::optional<accounts::SocialAccount> account;
  auto loaded = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
      auto w = load_work(c, target_id);
      if (!w) return std::move(w).error();
      work = std::move(*w);
      if (!work) return core::Ok{};
      auto a = accounts::find_account(c, work->target.org, work->target.social_account_id);
      if (!a) return std::move(a).error();
      account = std::move(*a);
      return core::Ok{};
    });
  });
  if (!loaded || !work) {
    if (!loaded) log.warn("publish: loading a target failed", {{"target_id", target_id}, {"error", loaded.error().internal}});
    co_return;  // the lease runs out and the target is claimed again
  }
  PostTarget& t = work->target;
  const auto* spec = deps_.config.catalog.find(t.platform);
  const publishers::Publisher* publisher = publishers::publisher_for(t.platform);

  // One write of the target under our lease, with its rollup, events and attempt row.
  auto save = [&](std::optional<core::TimePoint> keep_until, std::vector<TargetEvent> events,
                  std::optional<AttemptRecord> attempt) -> asio::awaitable<bool> {
    const auto now = deps_.clock.now();
    bool saved = false, emitted = false;
    auto s = co_await core::run_blocking(deps_.blocking, [&] {
      return deps_.db.transaction([&](store::Connection& c) -> core::Status {
        auto ok = save_target(c, t, owner_, now, keep_until);
        if (!ok) return std::move(ok).error();
        saved = *ok;
        if (!saved) {
          // Lease lost: another worker owns the target now. Keep a root id the
          // platform just gave us, so that worker adopts it instead of posting again.
          if (t.platform_post_id) return adopt_root_id(c, t, now);
          return core::Ok{};
        }
        if (attempt) {
          auto a = insert_attempt(c, *attempt);
          if (!a) return a;
        }
        auto r = roll_up(c, deps_.clock, deps_.random, t.post_id, events);
        if (!r) return std::move(r).error();
        emitted = *r;
        return core::Ok{};
      });
    });
    if (!s) {
      log.warn("publish: saving a target failed", {{"target_id", t.id}, {"error", s.error().internal}});
      co_return false;
    }
    if (emitted && deps_.wake_webhooks) deps_.wake_webhooks();
    co_return saved;
  };
  auto attempt_row = [&](int position, std::string_view outcome, const publishers::PublishResult* r,
                         std::optional<core::TimePoint> retry_at, std::chrono::milliseconds latency) {
    AttemptRecord a;
    a.id = core::new_uuid(deps_.random);
    a.target_id = t.id;
    a.post_id = t.post_id;
    a.org = t.org;
    a.attempt = t.attempts;
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
    a.worker = owner_;
    a.created_at = deps_.clock.now();
    return a;
  };
  // Ends the current step for good: the root fails the target; a reply fails
  // alone (and, in a reply chain, the replies after it are skipped).
  auto fail_step = [&](int position, TargetError error) -> asio::awaitable<bool> {
    std::vector<TargetEvent> events;
    t.failures = 0;
    t.intent_position.reset();
    t.intent_at.reset();
    if (position == 0) {
      t.status = std::string(target::kError);
      t.due_at.reset();
      t.error = error;
      for (auto& r : t.replies)
        if (r.status == "pending" || r.status == "failed") r.status = "skipped";
      events = failed_event(t);
      co_return co_await save(std::nullopt, std::move(events), attempt_row(position, "permanent", nullptr, std::nullopt, {}));
    }
    if (auto* r = reply_at(t, position)) {
      r->status = "error";
      r->error = error;
      if (spec && spec->publish.replies == providers::ReplyMode::reply_chain)
        for (auto& later : t.replies)
          if (later.position > position && (later.status == "pending" || later.status == "failed")) later.status = "skipped";
    }
    co_return true;
  };

  if (!spec || !publisher || !spec->publish.supported) {
    co_await fail_step(0, permanent_error("publishing_not_supported", "Publishing to this platform is not supported yet."));
    co_return;
  }
  if (!account || account->status != accounts::kActive) {
    const std::string status = account ? account->status : "missing";
    co_await fail_step(0, permanent_error("account_not_active",
                                          "The account is " + status + "; reconnect it and retry the post."));
    co_return;
  }
  auto account_slot = co_await limiter_.acquire("account:" + account->id, spec->publish.per_account_concurrency);
  auto app_slot = co_await limiter_.acquire("app:" + account->social_network_id, spec->publish.per_app_concurrency);

  std::optional<connect::AccessToken> token;
  bool refreshed = false;
  while (!stopping_) {
    const auto step = next_step(t);
    if (!step) {
      // Root live and every reply settled: the target leaves the queue.
      t.status = std::string(target::kPublished);
      t.due_at.reset();
      t.intent_position.reset();
      t.intent_at.reset();
      co_await save(std::nullopt, {}, std::nullopt);
      co_return;
    }
    const int position = *step;
    const Container* container = container_at(work->containers, position);
    if (!container) {
      co_await fail_step(position, permanent_error("container_missing", "The container no longer exists."));
      continue;
    }
    publishers::PublishItem item{position, fit_text(*spec, "content", container->content, t.config),
                                 position == 0 ? std::nullopt : root_ref(t),
                                 position == 0 ? std::nullopt : parent_ref(t, position, spec->publish.replies)};

    if (!token) {
      auto tok = co_await connect::access_token(deps_, t.org, account->id);
      if (!tok) {
        if (tok.error().code == core::ErrorCode::unavailable) {
          auto r = failure_result(Outcome::transient, "platform_unavailable", tok.error().detail);
          // Handled as any transient failure below.
          token.reset();
          t.attempts += 1;
          t.failures += 1;
          const auto now = deps_.clock.now();
          const auto retry_at = now + options_.retry.delay(t.failures, std::nullopt, deps_.random);
          if (options_.retry.exhausted(t.failures)) {
            co_await fail_step(position, permanent_error("retries_exhausted", "The account's token could not be renewed."));
            co_return;
          }
          t.status = std::string(position == 0 ? target::kFailed : target::kPublished);
          t.due_at = retry_at;
          co_await save(std::nullopt, {}, attempt_row(position, "transient", &r, retry_at, {}));
          co_return;
        }
        co_await fail_step(position, permanent_error("account_not_active", tok.error().detail.empty() ? "The account cannot publish; reconnect it." : tok.error().detail));
        co_return;
      }
      token = std::move(*tok);
    }
    publishers::PublishContext ctx{*spec,          deps_.config.http, deps_.config.platform_timeout, deps_.clock,
                                   publish_account(*account), token->token, t.config};

    // A create whose answer was lost: find it at the platform before trying again.
    if (t.intent_position == position && t.intent_at) {
      const auto started = deps_.clock.now();
      auto found = co_await publisher->find(ctx, item, *t.intent_at - kLookupSkew);
      const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(deps_.clock.now() - started);
      if (found.outcome == publishers::LookupOutcome::found && found.ref) {
        auto r = failure_result(Outcome::created, "", "");
        r.ref = found.ref;
        t.attempts += 1;
        // Recorded below exactly like a fresh create.
        t.intent_position.reset();
        t.intent_at.reset();
        std::vector<TargetEvent> events;
        const auto now = deps_.clock.now();
        if (position == 0) {
          t.platform_post_id = found.ref->id;
          t.platform_post_url = found.ref->url;
          t.platform_ref = found.ref->extra;
          t.published_at = now;
          t.status = std::string(target::kPublished);
          t.error.reset();
          events = published_event(t);
        } else if (auto* rs = reply_at(t, position)) {
          rs->status = "published";
          rs->platform_post_id = found.ref->id;
          rs->platform_post_url = found.ref->url;
          rs->ref_extra = found.ref->extra;
          rs->error.reset();
        }
        t.failures = 0;
        if (!co_await save(now + options_.lease, std::move(events), attempt_row(position, "found", &r, std::nullopt, latency)))
          co_return;
        continue;
      }
      if (found.outcome == publishers::LookupOutcome::unavailable) {
        auto r = failure_result(Outcome::ambiguous, "lookup_unavailable", found.message);
        t.attempts += 1;
        t.failures += 1;
        if (options_.retry.exhausted(t.failures)) {
          co_await fail_step(position, permanent_error("ambiguous_create", "The platform did not confirm whether the post was created."));
          co_return;
        }
        const auto retry_at = deps_.clock.now() + options_.retry.delay(t.failures, std::nullopt, deps_.random);
        t.status = std::string(position == 0 ? target::kFailed : target::kPublished);
        if (auto* rs = reply_at(t, position)) rs->status = "failed";
        t.due_at = retry_at;
        co_await save(std::nullopt, {}, attempt_row(position, "lookup_unavailable", &r, retry_at, latency));
        co_return;
      }
      // absent: the platform never got it; create it now.
    }

    // Intent first, so a crash from here on leads to a lookup, not a second post.
    t.intent_position = position;
    t.intent_at = deps_.clock.now();
    if (!co_await save(deps_.clock.now() + options_.lease, {}, std::nullopt)) co_return;

    const auto started = deps_.clock.now();
    auto result = co_await publisher->create(ctx, item);
    if (result.outcome == Outcome::auth && !refreshed) {
      // The platform refused the token: renew it once (single flight across
      // workers) and send again; the intent stays recorded meanwhile.
      refreshed = true;
      auto tok = co_await connect::access_token(deps_, t.org, account->id, token->version);
      if (tok) {
        token = std::move(*tok);
        ctx.token = token->token;
        result = co_await publisher->create(ctx, item);
      }
    }
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(deps_.clock.now() - started);
    const auto now = deps_.clock.now();
    t.attempts += 1;

    if (result.outcome == Outcome::created && result.ref) {
      std::vector<TargetEvent> events;
      t.intent_position.reset();
      t.intent_at.reset();
      t.failures = 0;
      if (position == 0) {
        t.platform_post_id = result.ref->id;
        t.platform_post_url = result.ref->url;
        t.platform_ref = result.ref->extra;
        t.published_at = now;
        t.status = std::string(target::kPublished);
        t.error.reset();
        events = published_event(t);
      } else if (auto* rs = reply_at(t, position)) {
        rs->status = "published";
        rs->platform_post_id = result.ref->id;
        rs->platform_post_url = result.ref->url;
        rs->ref_extra = result.ref->extra;
        rs->error.reset();
      }
      if (!co_await save(now + options_.lease, std::move(events), attempt_row(position, "created", &result, std::nullopt, latency)))
        co_return;
      continue;
    }

    const bool retryable = result.outcome == Outcome::transient || result.outcome == Outcome::rate_limited ||
                           result.outcome == Outcome::ambiguous;
    TargetError error{result.error_code.empty() ? std::string(outcome_name(result.outcome)) : result.error_code,
                      result.message, retryable, result.platform_status};
    if (result.outcome == Outcome::auth) {
      // A freshly renewed token refused too: the grant no longer holds. The
      // account needs a reconnect (one account.reauth_required, however many
      // targets notice), as the validate endpoint decides.
      error.code = "token_rejected";
      if (error.message.empty()) error.message = "The platform refused the account's token; reconnect the account.";
      if (refreshed)
        (void)co_await connect::mark_account(deps_, t.org, account->id, std::string(accounts::kReauthRequired),
                                             "the platform refuses a freshly renewed token when publishing");
    }
    if (!retryable) {
      auto r = attempt_row(position, outcome_name(result.outcome), &result, std::nullopt, latency);
      if (position == 0) {
        t.status = std::string(target::kError);
        t.due_at.reset();
        t.error = error;
        t.intent_position.reset();
        t.intent_at.reset();
        for (auto& rs : t.replies)
          if (rs.status == "pending" || rs.status == "failed") rs.status = "skipped";
        co_await save(std::nullopt, failed_event(t), std::move(r));
        co_return;
      }
      t.intent_position.reset();
      t.intent_at.reset();
      co_await fail_step(position, error);
      if (!co_await save(now + options_.lease, {}, std::move(r))) co_return;
      continue;
    }

    t.failures += 1;
    // Only an ambiguous failure may have created the post: keep its intent for the lookup.
    if (result.outcome != Outcome::ambiguous) {
      t.intent_position.reset();
      t.intent_at.reset();
    }
    if (options_.retry.exhausted(t.failures)) {
      auto r = attempt_row(position, outcome_name(result.outcome), &result, std::nullopt, latency);
      error.retryable = false;
      error.code = "retries_exhausted";
      if (error.message.empty()) error.message = "The platform kept failing; retries are exhausted.";
      if (position == 0) {
        t.status = std::string(target::kError);
        t.due_at.reset();
        t.error = error;
        t.intent_position.reset();
        t.intent_at.reset();
        for (auto& rs : t.replies)
          if (rs.status == "pending" || rs.status == "failed") rs.status = "skipped";
        co_await save(std::nullopt, failed_event(t), std::move(r));
        co_return;
      }
      co_await fail_step(position, error);
      if (!co_await save(now + options_.lease, {}, std::move(r))) co_return;
      continue;
    }
    const auto retry_at = now + options_.retry.delay(t.failures, result.retry_after, deps_.random);
    if (position == 0) {
      t.status = std::string(target::kFailed);
      t.error = error;
    } else if (auto* rs = reply_at(t, position)) {
      rs->status = "failed";
      rs->error = error;
      t.status = std::string(target::kPublished);
    }
    t.due_at = retry_at;
    co_await save(std::nullopt, {}, attempt_row(position, outcome_name(result.outcome), &result, retry_at, latency));
    co_return;
  }
}

}  // namespace postfuze::publish
