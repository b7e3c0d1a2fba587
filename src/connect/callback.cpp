#include "connect/callback.hpp"

#include <boost/url/parse.hpp>

#include "connect/account_connector.hpp"
#include "connect/authorize_url.hpp"
#include "connect/connect_state.hpp"
#include "connect/oauth_app.hpp"
#include "connect/oauth_client.hpp"
#include "connect/pending_session_store.hpp"
#include "connect/platform_profile.hpp"
#include "core/blocking.hpp"
#include "core/ids.hpp"
#include "providers/json_path.hpp"

namespace postfuze::connect {

namespace {

// How many pages of a sub-account list are read at most (Graph: 100 per page).
constexpr int kMaxSubAccountPages = 10;

// True when both absolute URLs have the same scheme, host and port.
bool same_origin(std::string_view a, std::string_view b) {
  auto ua = boost::urls::parse_absolute_uri(a);
  auto ub = boost::urls::parse_absolute_uri(b);
  return ua && ub && ua->scheme() == ub->scheme() && ua->encoded_host_and_port() == ub->encoded_host_and_port() &&
         !ua->has_userinfo();
}

// Logs why the flow stopped and makes the outcome an error with `code`.
CallbackOutcome& fail(ConnectDeps& d, CallbackOutcome& out, std::string_view code, const std::string& why) {
  out.kind = OutcomeKind::error;
  out.error = std::string(code);
  d.log.warn("connect callback failed",
             {{"platform", out.platform}, {"error", out.error}, {"reason", why}});
  return out;
}

template <typename F>
boost::asio::awaitable<core::Status> in_transaction(ConnectDeps& d, F fn) {
  co_return co_await core::run_blocking(d.blocking, [&d, &fn]() { return d.db.transaction(fn); });
}

}  // namespace

boost::asio::awaitable<CallbackOutcome> handle_callback(ConnectDeps d, CallbackParams p) {
  CallbackOutcome out;
  if (!p.state || p.state->empty()) co_return fail(d, out, kInvalidState, "no state parameter");
  auto opened = open_state(d.keys, d.clock, *p.state);
  if (!opened) co_return fail(d, out, state_error_code(opened.error()), opened.error().internal);
  const ConnectState state = std::move(*opened);
  out.platform = state.platform;

  bool fresh = false;
  auto used = co_await in_transaction(d, [&](store::Connection& c) -> core::Status {
    auto r = use_state_nonce(c, state.nonce, state.expires_at, d.clock.now());
    if (!r) return std::move(r).error();
    fresh = *r;
    return core::Ok{};
  });
  if (!used) co_return fail(d, out, "server_error", used.error().internal);
  if (!fresh) co_return fail(d, out, kInvalidState, "state already used");

  const providers::ProviderSpec* spec = d.config.catalog.find(state.platform);
  if (spec == nullptr || !spec->oauth) co_return fail(d, out, kInvalidState, "state names a platform without OAuth");

  std::optional<OAuthApp> app;
  AppProblem problem = AppProblem::none;
  auto looked_up = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = app_for_state(c, d.keys, d.config.shared_apps, state.org, state.platform, state.network_id,
                             d.config.callback_url);
      if (!r) return std::move(r).error();
      app = std::move(r->app);
      problem = r->problem;
      return core::Ok{};
    });
  });
  if (!looked_up) co_return fail(d, out, "server_error", looked_up.error().internal);
  if (problem == AppProblem::wrong_platform)
    co_return fail(d, out, kInvalidState, "state's network belongs to another platform");

  // From here the state is trusted: its redirect_uri may be used (checked again).
  if (state.redirect_uri && d.config.redirects.allows(*state.redirect_uri)) out.redirect_uri = state.redirect_uri;

  if (p.error) {
    const bool denied = *p.error == "access_denied";
    co_return fail(d, out, denied ? "access_denied" : "platform_error",
                   "platform redirected with error=" + p.error->substr(0, 64));
  }
  if (!p.code || p.code->empty()) co_return fail(d, out, "platform_error", "no code parameter");
  if (problem == AppProblem::disabled) co_return fail(d, out, "network_disabled", "app disabled or removed");

  const PlatformCalls calls{d.config.http, d.clock, d.config.platform_timeout};
  auto grant = co_await exchange_code(calls, *spec, *app, *p.code, state.code_verifier,
                                      effective_scopes(*spec->oauth, app->scopes, std::nullopt));
  if (grant) grant = co_await long_lived(calls, *spec, *app, std::move(*grant));
  if (!grant) co_return fail(d, out, "exchange_failed", grant.error().internal);

  auto identity_json = co_await get_json(calls, spec->api_url(spec->identity.path), grant->access_token);
  if (!identity_json) co_return fail(d, out, "identity_failed", "identity: " + identity_json.error().internal);
  auto identity = read_identity(spec->identity, *identity_json);
  if (!identity) co_return fail(d, out, "identity_failed", identity.error().internal);

  std::vector<Candidate> candidates;
  if (spec->sub_accounts) {
    if (spec->sub_accounts->include_identity) candidates.push_back(identity_candidate(*identity));
    auto listed = co_await get_json(calls, spec->api_url(sub_accounts_path(*spec->sub_accounts, *identity)),
                                    grant->access_token);
    if (!listed) co_return fail(d, out, "identity_failed", "sub-accounts: " + listed.error().internal);
    auto read = read_candidates(*spec->sub_accounts, *listed);
    if (!read) co_return fail(d, out, "identity_failed", read.error().internal);
    for (auto& c : *read) candidates.push_back(std::move(c));
    // Further pages (Graph's paging.next): only on the same origin as the
    // first request, and a bounded number of them.
    const std::string first_url = spec->api_url(sub_accounts_path(*spec->sub_accounts, *identity));
    auto next = providers::string_at(*listed, spec->sub_accounts->next);
    for (int page = 1; next && page < kMaxSubAccountPages; ++page) {
      if (!same_origin(*next, first_url)) break;
      auto more = co_await get_json(calls, *next, grant->access_token);
      if (!more) co_return fail(d, out, "identity_failed", "sub-accounts page: " + more.error().internal);
      auto entries = read_candidates(*spec->sub_accounts, *more);
      if (!entries) co_return fail(d, out, "identity_failed", entries.error().internal);
      for (auto& c : *entries) candidates.push_back(std::move(c));
      next = providers::string_at(*more, spec->sub_accounts->next);
    }
  } else {
    candidates.push_back(identity_candidate(*identity));
  }
  if (candidates.empty()) co_return fail(d, out, "no_accounts", "the login can act for no account");

  Authorization auth{state.platform, app->network_id, state.tenant_id, identity->id, std::move(*grant)};
  core::Status stored = core::Ok{};
  if (candidates.size() == 1) {
    stored = co_await in_transaction(d, [&](store::Connection& c) -> core::Status {
      auto accounts = connect_accounts(c, d.keys, d.clock, d.random, state.org, auth, candidates);
      if (!accounts) return std::move(accounts).error();
      out.accounts = std::move(*accounts);
      return core::Ok{};
    });
    out.kind = OutcomeKind::connected;
  } else {
    const std::string id = core::new_uuid(d.random);
    out.session_token = new_session_token(d.random);
    std::vector<PendingChoice> choices;
    for (const auto& c : candidates) choices.push_back(c.choice);
    const core::TimePoint now = d.clock.now();
    const PendingSession s{id,
                           state.org,
                           hash_session_token(out.session_token),
                           state.platform,
                           app->network_id,
                           state.tenant_id,
                           std::move(choices),
                           d.keys.seal(d.random, secrets_aad(state.org, id), token_bundle(auth, candidates)),
                           auth.grant.scopes,
                           now + kPendingLifetime,
                           std::nullopt,
                           now};
    stored = co_await in_transaction(d, [&](store::Connection& c) -> core::Status {
      // Sessions nobody finalized are dead weight a day after they expired.
      if (auto purged = purge_pending_sessions(c, now - std::chrono::hours(24)); !purged) return std::move(purged).error();
      return insert_pending_session(c, s);
    });
    out.kind = OutcomeKind::pending;
    out.choices = s.choices;
  }
  if (!stored) {
    out.accounts.clear();
    out.session_token.clear();
    co_return fail(d, out, "server_error", stored.error().internal);
  }
  if (out.kind == OutcomeKind::connected) d.wake_webhooks();
  d.log.info("connect callback succeeded", {{"platform", out.platform},
                                            {"outcome", out.kind == OutcomeKind::connected ? "connected" : "pending"},
                                            {"accounts", out.accounts.size()},
                                            {"choices", out.choices.size()}});
  co_return out;
}

}  // namespace postfuze::connect
