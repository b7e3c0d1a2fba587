#include "connect/token_service.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "accounts/account_json.hpp"
#include "accounts/account_store.hpp"
#include "accounts/refresh_store.hpp"
#include "connect/atproto_identity.hpp"
#include "connect/atproto_session.hpp"
#include "connect/oauth_app.hpp"
#include "connect/oauth_client.hpp"
#include "core/blocking.hpp"
#include "webhooks/outbox.hpp"

namespace postfuze::connect {

namespace {

using namespace std::chrono_literals;

constexpr auto kLease = 60s;              // longer than one platform call may take
constexpr auto kWaitStep = 50ms;          // how often a waiting caller re-reads
constexpr auto kWaitLimit = 90s;          // then give up (the refresher is stuck beyond its lease)

struct Snapshot {
  accounts::SocialAccount account;
  accounts::RefreshState refresh;
};

boost::asio::awaitable<core::Result<std::optional<Snapshot>>> load(ConnectDeps& d, const core::OrgId& org,
                                                                   const std::string& id) {
  std::optional<Snapshot> out;
  auto s = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.with_connection([&](store::Connection& c) -> core::Status {
      auto a = accounts::find_account(c, org, id);
      if (!a) return std::move(a).error();
      if (!*a) return core::Ok{};
      auto r = accounts::read_refresh_state(c, org, id);
      if (!r) return std::move(r).error();
      out = Snapshot{std::move(**a), r->value_or(accounts::RefreshState{})};
      return core::Ok{};
    });
  });
  if (!s) co_return std::move(s).error();
  co_return out;
}

core::Result<AccessToken> open_access(ConnectDeps& d, const accounts::SocialAccount& a) {
  if (!a.access_token) return core::Error::conflict("The account has no token; reconnect it.");
  auto t = d.keys.open(*a.access_token, accounts::token_aad(a.org, a.id, "access_token"));
  if (!t) return core::Error::internal_error("account " + a.id + ": access token does not open");
  return AccessToken{std::move(*t), a.token_version, a.platform};
}

core::Error inactive(const accounts::SocialAccount& a) {
  return core::Error::conflict("The account is " + a.status + "; the customer must reconnect it.");
}

// Bluesky (no OAuth): refreshSession with the refresh JWT, and when that is
// refused, a new session from the stored app password at the account's PDS.
// A PDS refusing the app password means it was revoked: expired.
boost::asio::awaitable<RefreshResult> renew_bluesky(ConnectDeps& d, const accounts::SocialAccount& a) {
  RefreshResult out;
  const PlatformCalls calls{d.config.http, d.clock, d.config.platform_timeout};
  const auto* pds_value = a.platform_data.if_contains("pds");
  if (pds_value == nullptr || !pds_value->is_string()) {
    out.failure = RefreshFailure::expired;
    out.reason = "expired: the account has no PDS on record";
    co_return out;
  }
  const std::string pds(pds_value->get_string());
  std::optional<Session> session;
  if (a.refresh_token) {
    if (auto jwt = d.keys.open(*a.refresh_token, accounts::token_aad(a.org, a.id, "refresh_token"))) {
      auto refreshed = co_await refresh_session(calls, pds, *jwt);
      if (refreshed.session) session = std::move(refreshed.session);
      else if (!refreshed.refused) {
        out.failure = RefreshFailure::transient;
        out.reason = "transient: " + refreshed.reason;
        co_return out;
      }
    }
  }
  if (!session) {
    auto password = a.app_password ? d.keys.open(*a.app_password, accounts::token_aad(a.org, a.id, "app_password"))
                                   : core::Result<core::Secret>(core::Error::internal_error("no app password"));
    if (!password) {
      out.failure = RefreshFailure::expired;
      out.reason = "expired: no usable app password";
      co_return out;
    }
    auto created = co_await create_session(calls, pds, a.network_unique_id, *password, true);
    if (!created) {
      const bool refused = created.error().code == core::ErrorCode::invalid_credentials;
      out.failure = refused ? RefreshFailure::expired : RefreshFailure::transient;
      out.reason = std::string(refused ? "expired: " : "transient: ") + created.error().internal;
      co_return out;
    }
    session = std::move(*created);
  }
  const core::TimePoint now = d.clock.now();
  TokenGrant g;
  g.expires_at = expiry(jwt_claims(session->access.reveal()), now).value_or(now + kAccessLifetime);
  g.refresh_expires_at = expiry(jwt_claims(session->refresh.reveal()), now).value_or(now + kRefreshLifetime);
  g.access_token = std::move(session->access);
  g.refresh_token = std::move(session->refresh);
  out.grant = std::move(g);
  co_return out;
}

// Runs the refresh this caller claimed, and records its outcome.
boost::asio::awaitable<core::Result<AccessToken>> refresh(ConnectDeps& d, const accounts::SocialAccount& a,
                                                          const accounts::RefreshState& state,
                                                          const providers::ProviderSpec& spec) {
  RefreshResult result;
  if (spec.auth == providers::AuthKind::app_password) {
    result = co_await renew_bluesky(d, a);
  } else {
  std::optional<OAuthApp> app;
  auto looked_up = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = app_for_state(c, d.keys, d.config.shared_apps, a.org, a.platform, a.social_network_id,
                             d.config.callback_url);
      if (!r) return std::move(r).error();
      app = std::move(r->app);
      return core::Ok{};
    });
  });
  if (!looked_up) {
    result.failure = RefreshFailure::transient;
    result.reason = "transient: " + looked_up.error().internal;
  } else if (!app) {
    result.failure = RefreshFailure::transient;  // the app, not the account, is the problem
    result.reason = "transient: the account's OAuth app is disabled or gone";
  } else {
    const bool trades_access = spec.refresh.request.has_value();
    const auto& sealed = trades_access ? a.access_token : a.refresh_token;
    auto credential = sealed ? d.keys.open(*sealed, accounts::token_aad(a.org, a.id,
                                                                         trades_access ? "access_token" : "refresh_token"))
                             : core::Result<core::Secret>(core::Error::internal_error("no refresh credential"));
    if (!credential) {
      result.failure = RefreshFailure::expired;
      result.reason = "expired: no usable refresh credential";
    } else {
      result = co_await refresh_grant({d.config.http, d.clock, d.config.platform_timeout}, spec, *app, *credential);
    }
  }
  }

  const core::TimePoint now = d.clock.now();
  if (result.grant) {
    accounts::RefreshedTokens t{d.keys.seal(d.random, accounts::token_aad(a.org, a.id, "access_token"),
                                            result.grant->access_token.reveal()),
                                std::nullopt, result.grant->expires_at, result.grant->refresh_expires_at};
    if (result.grant->refresh_token)
      t.refresh_token = d.keys.seal(d.random, accounts::token_aad(a.org, a.id, "refresh_token"),
                                    result.grant->refresh_token->reveal());
    bool stored = false;
    auto s = co_await core::run_blocking(d.blocking, [&]() {
      return d.db.transaction([&](store::Connection& c) -> core::Status {
        auto r = accounts::store_refreshed(c, a.id, a.token_version, t, now);
        if (!r) return std::move(r).error();
        stored = *r;
        return core::Ok{};
      });
    });
    if (!s) co_return std::move(s).error();
    if (!stored) co_return core::Error::unavailable("The account changed while its token was renewed; retry.");
    d.log.info("token refreshed", {{"account_id", a.id}, {"platform", a.platform}});
    co_return AccessToken{std::move(result.grant->access_token), a.token_version + 1, a.platform};
  }

  const bool expired = result.failure == RefreshFailure::expired;
  d.log.warn("token refresh failed", {{"account_id", a.id}, {"platform", a.platform}, {"reason", result.reason}});
  // An expired grant changes the status before the attempt is recorded, so a
  // caller waiting on this refresh sees the new status, not a bare failure.
  if (expired)
    if (auto m = co_await mark_account(d, a.org, a.id, std::string(accounts::kTokenExpired), result.reason); !m)
      co_return std::move(m).error();
  std::optional<core::TimePoint> retry_at;
  if (!expired) retry_at = now + refresh_backoff(state.failures + 1);
  auto s = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.with_connection([&](store::Connection& c) {
      return accounts::record_refresh_failure(c, a.id, result.reason, retry_at, now);
    });
  });
  if (!s) co_return std::move(s).error();
  if (expired) co_return core::Error::conflict("The account is token_expired; the customer must reconnect it.");
  co_return core::Error::unavailable("The platform could not renew the token; retry later.", result.reason);
}

}  // namespace

std::chrono::seconds refresh_backoff(std::int64_t failures) {
  std::chrono::seconds delay = 60s;
  for (std::int64_t i = 1; i < failures && delay < 3600s; ++i) delay *= 2;
  return std::min<std::chrono::seconds>(delay, 3600s);
}

boost::asio::awaitable<core::Status> mark_account(ConnectDeps d, core::OrgId org, std::string id, std::string status,
                                                  std::string reason) {
  const std::string event = "account." + status;
  bool changed = false;
  auto s = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.transaction([&](store::Connection& c) -> core::Status {
      auto moved = accounts::transition_status(c, org, id, accounts::kActive, status, d.clock.now());
      if (!moved) return std::move(moved).error();
      changed = *moved;
      if (!changed) return core::Ok{};
      auto a = accounts::find_account(c, org, id);
      if (!a) return std::move(a).error();
      if (!*a) return core::Ok{};
      auto e = webhooks::emit(c, d.clock, d.random, org, event, accounts::to_json(**a));
      if (!e) return std::move(e).error();
      return core::Ok{};
    });
  });
  if (!s) co_return s;
  if (changed) {
    d.log.warn("account status changed", {{"account_id", id}, {"status", status}, {"reason", reason}});
    d.wake_webhooks();
  }
  co_return core::Ok{};
}

boost::asio::awaitable<core::Result<AccessToken>> access_token(ConnectDeps d, core::OrgId org, std::string id,
                                                               std::optional<std::int64_t> stale_version) {
  const auto started = d.clock.monotonic();
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  std::optional<std::int64_t> failures_when_waiting;  // set once this caller waits on another refresher
  while (true) {
    auto snap = co_await load(d, org, id);
    if (!snap) co_return std::move(snap).error();
    if (!*snap) co_return core::Error::not_found("No social account with this id.");
    const accounts::SocialAccount& a = (*snap)->account;
    if (a.status != accounts::kActive) co_return inactive(a);
    const providers::ProviderSpec* spec = d.config.catalog.find(a.platform);
    if (spec == nullptr) co_return core::Error::internal_error("unknown platform " + a.platform);

    const core::TimePoint now = d.clock.now();
    const bool known_stale = stale_version && *stale_version == a.token_version;
    const bool near_expiry = a.token_expires_at && *a.token_expires_at - spec->refresh.margin <= now;
    if (!known_stale && !near_expiry) co_return open_access(d, a);
    if (stale_version && *stale_version < a.token_version) co_return open_access(d, a);  // renewed meanwhile
    // The refresher this caller waited on failed transiently (the account is still active): so does this call.
    if (failures_when_waiting && (*snap)->refresh.failures > *failures_when_waiting && !(*snap)->refresh.lease_until)
      co_return core::Error::unavailable("The platform could not renew the token; retry later.");

    const bool can_refresh =
        spec->auth == providers::AuthKind::app_password
            ? (a.refresh_token.has_value() || a.app_password.has_value())
            : spec->oauth && spec->refresh.supported &&
                  (spec->refresh.request ? a.access_token.has_value() : a.refresh_token.has_value());
    if (!can_refresh) {
      if (known_stale || (a.token_expires_at && *a.token_expires_at <= now)) {
        if (auto m = co_await mark_account(d, org, id, std::string(accounts::kTokenExpired),
                                           "expired: the platform offers no renewal");
            !m)
          co_return std::move(m).error();
        co_return core::Error::conflict("The account is token_expired; the customer must reconnect it.");
      }
      co_return open_access(d, a);  // within the margin but still valid: use it while it lasts
    }

    bool claimed = false;
    auto s = co_await core::run_blocking(d.blocking, [&]() {
      return d.db.with_connection([&](store::Connection& c) -> core::Status {
        auto r = accounts::claim_refresh(c, id, a.token_version, now, now + kLease);
        if (!r) return std::move(r).error();
        claimed = *r;
        return core::Ok{};
      });
    });
    if (!s) co_return std::move(s).error();
    if (claimed) co_return co_await refresh(d, a, (*snap)->refresh, *spec);

    // Someone else is renewing this version: wait for it, then use theirs.
    if (d.clock.monotonic() - started > kWaitLimit)
      co_return core::Error::unavailable("The account's token is being renewed; retry shortly.");
    if (!failures_when_waiting) failures_when_waiting = (*snap)->refresh.failures;
    timer.expires_after(kWaitStep);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace postfuze::connect
