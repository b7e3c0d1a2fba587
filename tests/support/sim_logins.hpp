// Real tokens from the platform simulator for publish tests, obtained the way
// PostFuze's connect flow gets them: an app registered at the simulator,
// authorize with auto consent → code → token endpoint; Facebook Page tokens
// from GET /me/accounts. Throws std::runtime_error when a step fails, with the
// simulator's answer. Header-only; used by tests/sim/ and tests/publishers/.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "support/http_client.hpp"
#include "support/platform_sim.hpp"

namespace postfuze::test {

inline constexpr const char* kLoginRedirect = "http://app.test/callback";

using LoginParams = std::vector<std::pair<std::string, std::string>>;

inline std::string form_of(const LoginParams& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += boost::urls::encode(k, boost::urls::unreserved_chars) + "=" +
           boost::urls::encode(v, boost::urls::unreserved_chars);
  }
  return out;
}

inline HttpResult checked(HttpResult r, int status, const std::string& what) {
  if (r.status != status)
    throw std::runtime_error(what + " answered " + std::to_string(r.status) + ": " + r.body);
  return r;
}

// authorize (auto consent, `accounts` sub-accounts) → code → token; the token response.
inline boost::json::object sim_login(const PlatformSim& sim, const std::string& platform, LoginParams authorize,
                                     int accounts) {
  const std::string client = "cid-" + platform, secret = "secret-" + platform;
  sim.register_app(platform, client, secret, kLoginRedirect);
  sim.scenario(platform, {{"consent", "auto_approve"}, {"accounts", accounts}});
  authorize.insert(authorize.begin(), {{"client_id", client}, {"redirect_uri", kLoginRedirect}, {"state", "s"}});
  const auto step = checked(http_request(sim.port(), boost::beast::http::verb::get,
                                         "/" + platform + "/oauth/authorize?" + form_of(authorize)),
                            302, "authorize");
  std::string code;
  if (auto u = boost::urls::parse_uri(step.header("location")))
    for (auto p : u->params())
      if (p.key == "code") code = std::string(p.value);
  if (code.empty()) throw std::runtime_error("no code in " + step.header("location"));
  const LoginParams form{{"grant_type", "authorization_code"}, {"code", code},          {"redirect_uri", kLoginRedirect},
                         {"client_id", client},                {"client_secret", secret}};
  const auto token = checked(http_request(sim.port(), boost::beast::http::verb::post, "/" + platform + "/oauth/token",
                                          form_of(form), {{"Content-Type", "application/x-www-form-urlencoded"}}),
                             200, "token");
  return token.json().as_object();
}

inline std::string access_token_of(const boost::json::object& token) {
  return std::string(token.at("access_token").as_string());
}

// A LinkedIn member token with these (space-separated) scopes; the member
// administers `organisations` organisations.
inline std::string linkedin_login(const PlatformSim& sim, const std::string& scopes, int organisations = 0) {
  return access_token_of(sim_login(sim, "linkedin", {{"response_type", "code"}, {"scope", scopes}}, organisations));
}

// A Google Business token (business.manage) for a login with `locations` locations.
inline std::string google_business_login(const PlatformSim& sim, int locations = 1) {
  return access_token_of(sim_login(
      sim, "google_business",
      {{"response_type", "code"}, {"scope", "https://www.googleapis.com/auth/business.manage"}}, locations));
}

// (Page id, Page token) for each of `pages` Pages, as connect reads them from /me/accounts.
inline std::vector<std::pair<std::string, std::string>> facebook_pages(const PlatformSim& sim, int pages = 1,
                                                                        const std::string& scopes =
                                                                            "pages_show_list,pages_manage_posts,"
                                                                            "pages_manage_engagement,"
                                                                            "pages_read_engagement,"
                                                                            "pages_read_user_content") {
  const std::string user = access_token_of(sim_login(sim, "facebook", {{"scope", scopes}}, pages));
  const auto listed = checked(http_request(sim.port(), boost::beast::http::verb::get,
                                           "/facebook/api/me/accounts?fields=id,access_token", "",
                                           {{"Authorization", "Bearer " + user}}),
                              200, "/me/accounts");
  const boost::json::value doc = listed.json();  // keep the document alive while reading it
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& page : doc.at("data").as_array())
    out.emplace_back(std::string(page.at("id").as_string()), std::string(page.at("access_token").as_string()));
  return out;
}

}  // namespace postfuze::test
