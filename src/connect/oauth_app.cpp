#include "connect/oauth_app.hpp"

#include "connect/social_network.hpp"
#include "connect/social_network_store.hpp"

namespace postfuze::connect {

namespace {

// The record as an app; nullopt when it lacks usable credentials.
core::Result<std::optional<OAuthApp>> from_record(const crypto::KeyRing& keys, const SocialNetwork& n,
                                                  const std::string& callback_url) {
  if (!n.is_enabled || !n.client_id || !n.client_secret) return std::optional<OAuthApp>();
  auto secret = keys.open(*n.client_secret, client_secret_aad(n.org, n.id));
  if (!secret) return core::Error::internal_error("social network " + n.id + ": client secret does not open");
  OAuthApp app{n.id, false, *n.client_id, std::move(*secret), n.redirect_uri.value_or(callback_url), n.scopes};
  return std::optional<OAuthApp>(std::move(app));
}

std::optional<OAuthApp> from_shared(const SharedApps& shared, std::string_view platform,
                                    const std::string& callback_url) {
  const SharedApp* s = shared.find(platform);
  if (s == nullptr) return std::nullopt;
  return OAuthApp{shared_network_id(platform), true, s->client_id, s->client_secret, callback_url, s->scopes};
}

}  // namespace

core::Result<std::optional<OAuthApp>> resolve_app(store::Connection& c, const crypto::KeyRing& keys,
                                                  const SharedApps& shared, const core::OrgId& org,
                                                  std::string_view platform, const std::string& callback_url) {
  auto record = find_social_network_by_platform(c, org, platform);
  if (!record) return std::move(record).error();
  if (*record) {
    auto app = from_record(keys, **record, callback_url);
    if (!app || *app) return app;
  }
  return from_shared(shared, platform, callback_url);
}

core::Result<StateApp> app_for_state(store::Connection& c, const crypto::KeyRing& keys, const SharedApps& shared,
                                     const core::OrgId& org, std::string_view platform, std::string_view network_id,
                                     const std::string& callback_url) {
  if (network_id == shared_network_id(platform)) {
    auto app = from_shared(shared, platform, callback_url);
    return StateApp{std::move(app), app ? AppProblem::none : AppProblem::disabled};
  }
  auto record = find_social_network(c, org, network_id);
  if (!record) return std::move(record).error();
  if (!*record) return StateApp{std::nullopt, AppProblem::disabled};
  if ((*record)->platform != platform) return StateApp{std::nullopt, AppProblem::wrong_platform};
  auto app = from_record(keys, **record, callback_url);
  if (!app) return std::move(app).error();
  return StateApp{std::move(*app), *app ? AppProblem::none : AppProblem::disabled};
}

}  // namespace postfuze::connect
