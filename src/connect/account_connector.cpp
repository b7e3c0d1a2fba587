#include "connect/account_connector.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "accounts/account_json.hpp"
#include "accounts/account_store.hpp"
#include "core/ids.hpp"
#include "webhooks/outbox.hpp"

namespace postfuze::connect {

namespace {

namespace json = boost::json;

// Writes everything the authorization says about the account; the id is set.
void apply(accounts::SocialAccount& a, const crypto::KeyRing& keys, core::Random& random, core::TimePoint now,
           const Authorization& auth, const Candidate& candidate) {
  const PendingChoice& choice = candidate.choice;
  a.social_network_id = auth.network_id;
  if (auth.tenant_id) a.tenant_id = auth.tenant_id;  // re-stamped only when one was given
  a.username = choice.username;
  a.display_name = choice.name;
  a.profile_image_url = choice.profile_picture_url;
  a.account_type = choice.type;
  a.status = std::string(accounts::kActive);
  a.scopes = auth.grant.scopes;
  const core::Secret& access = candidate.token ? *candidate.token : auth.grant.access_token;
  a.access_token = keys.seal(random, accounts::token_aad(a.org, a.id, "access_token"), access.reveal());
  a.refresh_token.reset();
  if (auth.grant.refresh_token)
    a.refresh_token = keys.seal(random, accounts::token_aad(a.org, a.id, "refresh_token"),
                                auth.grant.refresh_token->reveal());
  // A per-entry token (Facebook Page) does not expire with the user token.
  a.token_expires_at = candidate.token ? std::nullopt : auth.grant.expires_at;
  a.refresh_token_expires_at = auth.grant.refresh_expires_at;
  a.token_version += 1;
  a.platform_data["login_id"] = auth.login_id;
  a.last_synced_at = now;
  a.updated_at = now;
}

std::optional<std::int64_t> ms(const std::optional<core::TimePoint>& t) {
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count();
}

std::optional<core::TimePoint> from_ms(const json::value* v) {
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return core::TimePoint(std::chrono::milliseconds(v->get_int64()));
}

}  // namespace

core::Result<std::vector<accounts::SocialAccount>> connect_accounts(store::Connection& c, const crypto::KeyRing& keys,
                                                                    const core::Clock& clock, core::Random& random,
                                                                    const core::OrgId& org, const Authorization& auth,
                                                                    const std::vector<Candidate>& chosen) {
  const core::TimePoint now = clock.now();
  std::vector<accounts::SocialAccount> out;
  for (const Candidate& candidate : chosen) {
    auto upserted = accounts::upsert_account(
        c, org, auth.platform, candidate.choice.id,
        [&]() -> core::Result<accounts::SocialAccount> {
          accounts::SocialAccount a;
          a.id = core::new_uuid(random);
          a.org = org;
          a.platform = auth.platform;
          a.network_unique_id = candidate.choice.id;
          a.created_at = now;
          apply(a, keys, random, now, auth, candidate);
          return a;
        },
        [&](accounts::SocialAccount& a) -> core::Status {
          apply(a, keys, random, now, auth, candidate);
          return core::Ok{};
        });
    if (!upserted) return std::move(upserted).error();
    auto emitted = webhooks::emit(c, clock, random, org, "account.connected", accounts::to_json(upserted->account));
    if (!emitted) return std::move(emitted).error();
    out.push_back(std::move(upserted->account));
  }
  return out;
}

std::string token_bundle(const Authorization& auth, const std::vector<Candidate>& candidates) {
  json::object tokens;
  for (const auto& c : candidates)
    if (c.token) tokens[c.choice.id] = c.token->reveal();
  json::object doc{{"login_id", auth.login_id},
                   {"access_token", auth.grant.access_token.reveal()},
                   {"tokens", std::move(tokens)}};
  if (auth.grant.refresh_token) doc["refresh_token"] = auth.grant.refresh_token->reveal();
  if (auto t = ms(auth.grant.expires_at)) doc["expires_at"] = *t;
  if (auto t = ms(auth.grant.refresh_expires_at)) doc["refresh_expires_at"] = *t;
  return json::serialize(doc);
}

core::Status read_token_bundle(const core::Secret& bundle, Authorization& auth, std::vector<Candidate>& candidates) {
  boost::system::error_code ec;
  const json::value v = json::parse(bundle.reveal(), ec);
  if (ec || !v.is_object()) return core::Error::internal_error("pending session token bundle is not JSON");
  const auto& o = v.get_object();
  const auto* access = o.if_contains("access_token");
  if (access == nullptr || !access->is_string()) return core::Error::internal_error("token bundle lacks access_token");
  auth.grant.access_token = core::Secret(std::string(access->get_string()));
  if (const auto* r = o.if_contains("refresh_token"); r && r->is_string())
    auth.grant.refresh_token = core::Secret(std::string(r->get_string()));
  auth.grant.expires_at = from_ms(o.if_contains("expires_at"));
  auth.grant.refresh_expires_at = from_ms(o.if_contains("refresh_expires_at"));
  if (const auto* l = o.if_contains("login_id"); l && l->is_string()) auth.login_id = std::string(l->get_string());
  if (const auto* t = o.if_contains("tokens"); t && t->is_object())
    for (auto& c : candidates)
      if (const auto* tok = t->get_object().if_contains(c.choice.id); tok && tok->is_string())
        c.token = core::Secret(std::string(tok->get_string()));
  return core::Ok{};
}

}  // namespace postfuze::connect
