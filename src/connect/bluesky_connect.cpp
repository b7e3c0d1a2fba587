#include "connect/bluesky_connect.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "accounts/account_json.hpp"
#include "accounts/account_store.hpp"
#include "connect/atproto_identity.hpp"
#include "connect/atproto_session.hpp"
#include "connect/platform_profile.hpp"
#include "connect/shared_apps.hpp"
#include "connect/social_network_store.hpp"
#include "core/blocking.hpp"
#include "webhooks/outbox.hpp"

namespace postfuze::connect {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

constexpr std::string_view kPlatform = "bluesky";
// GET the profile with the session (app.bsky.actor.getProfile at the PDS,
// which serves or proxies it); the catalogue's identity spec reads it.
boost::asio::awaitable<core::Result<PlatformIdentity>> read_profile(PlatformCalls calls,
                                                                    const providers::ProviderSpec& spec,
                                                                    const std::string& pds, const std::string& did,
                                                                    const core::Secret& access) {
  net::OutboundRequest req;
  req.method = verb::get;
  req.url = pds + providers::fill_placeholder(spec.identity.path, "did", did);
  req.timeout = calls.timeout;
  req.max_response_bytes = 256 * 1024;
  req.enforce_address_policy = true;
  req.headers.emplace_back("Authorization", "Bearer " + access.reveal());
  req.headers.emplace_back("Accept", "application/json");
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  if (r.failure || !r.response || r.response->status != 200)
    co_return core::Error::unavailable("", "getProfile: " + describe_xrpc(r));
  boost::system::error_code ec;
  const json::value v = json::parse(r.response->body, ec);
  if (ec) co_return core::Error::unavailable("", "getProfile: the body is not JSON");
  co_return read_identity(spec.identity, v);
}

struct Resolved {
  Session session;
  std::string pds;
};

boost::asio::awaitable<core::Result<Resolved>> log_in(PlatformCalls calls, const ConnectConfig& cc,
                                                      const BlueskyCredentials& creds) {
  const IdentifierKind kind = identifier_kind(creds.identifier);
  if (kind == IdentifierKind::email) {
    // The service (entryway) logs the email in and names the account's DID
    // and, in didDoc, its PDS.
    auto session = co_await create_session(calls, cc.bluesky_service, creds.identifier, creds.app_password, false);
    if (!session) co_return std::move(session).error();
    std::optional<std::string> pds;
    if (session->did_doc && session->did_doc->is_object()) {
      const json::value* id = session->did_doc->get_object().if_contains("id");
      if (id && id->is_string() && id->get_string() == session->did) pds = pds_endpoint(*session->did_doc);
    }
    if (!pds) {
      auto resolved = co_await resolve_pds(calls, cc.plc_url, session->did);
      if (!resolved) co_return std::move(resolved).error();
      pds = std::move(*resolved);
    }
    co_return Resolved{std::move(*session), std::move(*pds)};
  }

  std::string did;
  std::string login = creds.identifier;
  if (kind == IdentifierKind::did) {
    did = creds.identifier;
  } else {
    login = normalize_handle(creds.identifier);
    auto resolved = co_await resolve_handle(calls, cc.bluesky_service, login);
    if (!resolved) co_return std::move(resolved).error();
    did = std::move(*resolved);
  }
  auto pds = co_await resolve_pds(calls, cc.plc_url, did);
  if (!pds) co_return std::move(pds).error();
  auto session = co_await create_session(calls, *pds, login, creds.app_password, true);
  if (!session) co_return std::move(session).error();
  // The PDS must answer for the identity we resolved, not another one.
  if (session->did != did) co_return bluesky_unreachable("createSession answered for another DID than the one resolved");
  co_return Resolved{std::move(*session), std::move(*pds)};
}

core::Error fail(ConnectDeps& d, core::Error e) {
  d.log.warn("bluesky connect failed", {{"platform", kPlatform},
                                         {"error", core::to_string(e.code)},
                                         {"reason", e.internal.empty() ? e.detail : e.internal}});
  return e;
}

}  // namespace

boost::asio::awaitable<core::Result<BlueskyConnection>> connect_bluesky(ConnectDeps d, core::OrgId org,
                                                                        BlueskyCredentials creds) {
  const ConnectConfig& cc = d.config;
  const PlatformCalls calls{cc.http, d.clock, cc.platform_timeout};
  const providers::ProviderSpec* spec = cc.catalog.find(std::string(kPlatform));
  if (spec == nullptr) co_return fail(d, core::Error::internal_error("the catalogue has no bluesky entry"));

  auto resolved = co_await log_in(calls, cc, creds);
  if (!resolved) co_return fail(d, resolved.error());
  Session& session = resolved->session;

  // App passwords only (contract §12): the session JWT's scope says which
  // password logged in — com.atproto.appPass(Privileged) for an app password,
  // com.atproto.access for the main account password.
  const auto access_claims = jwt_claims(session.access.reveal());
  const std::string scope =
      access_claims ? json_string_member(*access_claims, "scope").value_or(std::string()) : std::string();
  if (scope == kScopeFullAccess) {
    core::Error e = core::Error::validation(
        "app_password",
        "This is the account's main password. Create an app password in Bluesky (Settings → App Passwords) and "
        "connect with it.",
        "account_password");
    e.internal = "createSession with the main account password";
    co_return fail(d, std::move(e));
  }
  if (scope != kScopeAppPass && scope != kScopeAppPassPrivileged)
    co_return fail(d, bluesky_unreachable("createSession's access JWT has an unexpected scope '" + scope.substr(0, 64) + "'"));

  const core::TimePoint now = d.clock.now();
  const core::TimePoint access_expires = expiry(access_claims, now).value_or(now + kAccessLifetime);
  const core::TimePoint refresh_expires =
      expiry(jwt_claims(session.refresh.reveal()), now).value_or(now + kRefreshLifetime);

  PlatformIdentity profile{session.did, session.handle, std::nullopt, std::nullopt};
  auto read = co_await read_profile(calls, *spec, resolved->pds, session.did, session.access);
  if (read && read->id == session.did) {
    profile.name = read->name;
    profile.picture = read->picture;
  } else {
    // The profile only decorates the account: connect without it.
    d.log.warn("bluesky profile unavailable",
               {{"platform", kPlatform}, {"reason", read ? "getProfile answered another DID" : read.error().internal}});
  }

  auto apply = [&](accounts::SocialAccount& a, const std::string& network_id) {
    a.social_network_id = network_id;
    if (creds.tenant_id) a.tenant_id = creds.tenant_id;  // re-stamped only when one was given
    a.username = session.handle;
    a.display_name = profile.name && !profile.name->empty() ? profile.name : std::optional<std::string>(session.handle);
    a.profile_image_url = profile.picture;
    a.account_type = "profile";
    a.status = std::string(accounts::kActive);
    a.scopes = {scope};
    a.access_token = d.keys.seal(d.random, accounts::token_aad(a.org, a.id, "access_token"), session.access.reveal());
    a.refresh_token =
        d.keys.seal(d.random, accounts::token_aad(a.org, a.id, "refresh_token"), session.refresh.reveal());
    a.app_password =
        d.keys.seal(d.random, accounts::token_aad(a.org, a.id, "app_password"), creds.app_password.reveal());
    a.token_expires_at = access_expires;
    a.refresh_token_expires_at = refresh_expires;
    a.token_version += 1;
    a.platform_data["pds"] = resolved->pds;
    a.platform_data["login_id"] = session.did;
    a.last_synced_at = now;
    a.updated_at = now;
  };

  BlueskyConnection out;
  auto stored = co_await core::run_blocking(d.blocking, [&]() {
    return d.db.transaction([&](store::Connection& c) -> core::Status {
      // A BYOK record is not required (contract §12): the org's record when
      // it has one, else the platform's fixed shared id.
      auto network = find_social_network_by_platform(c, org, kPlatform);
      if (!network) return std::move(network).error();
      const std::string network_id = *network ? (*network)->id : shared_network_id(kPlatform);
      auto upserted = accounts::upsert_account(
          c, org, kPlatform, session.did,
          [&]() -> core::Result<accounts::SocialAccount> {
            accounts::SocialAccount a;
            a.id = core::new_uuid(d.random);
            a.org = org;
            a.platform = std::string(kPlatform);
            a.network_unique_id = session.did;
            a.created_at = now;
            apply(a, network_id);
            return a;
          },
          [&](accounts::SocialAccount& a) -> core::Status {
            apply(a, network_id);
            return core::Ok{};
          });
      if (!upserted) return std::move(upserted).error();
      auto emitted =
          webhooks::emit(c, d.clock, d.random, org, "account.connected", accounts::to_json(upserted->account));
      if (!emitted) return std::move(emitted).error();
      out.account = std::move(upserted->account);
      out.created = upserted->created;
      return core::Ok{};
    });
  });
  if (!stored) co_return fail(d, stored.error());
  d.wake_webhooks();
  d.log.info("bluesky connected", {{"platform", kPlatform},
                                   {"account_id", out.account.id},
                                   {"created", out.created},
                                   {"pds", resolved->pds}});
  co_return out;
}

}  // namespace postfuze::connect
