// Real access tokens from a running PlatformSim for publish tests: registers
// an app, authorizes with consent auto_approve and exchanges the code the way
// each platform wants (X: PKCE + Basic; Threads: form credentials; Reddit:
// Basic, duration=permanent). Header-only; throws on any unexpected answer.
#pragma once

#include <stdexcept>
#include <string>

#include "sim/sim_client.hpp"

namespace postfuze::test {

inline constexpr const char* kTokenRedirect = "http://app.test/callback";

inline std::string sim_code(const PlatformSim& sim, const std::string& platform, const Pairs& params) {
  sim.scenario(platform, {{"consent", "auto_approve"}});
  const auto r = http_request(sim.port(), verb::get, "/" + platform + "/oauth/authorize?" + encode_pairs(params));
  if (r.status != 302) throw std::runtime_error("authorize " + platform + ": " + std::to_string(r.status) + " " + r.body);
  auto cb = parse_callback(r.header("location"));
  return cb.params["code"];
}

inline std::string token_from(const HttpResult& r) {
  if (r.status != 200) throw std::runtime_error("token: " + std::to_string(r.status) + " " + r.body);
  return std::string(r.json().at("access_token").as_string());
}

// scopes: space-separated.
inline std::string x_token(const PlatformSim& sim,
                           const std::string& scopes = "tweet.read tweet.write users.read offline.access") {
  const std::string verifier = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
  sim.register_app("x", "x-client", "x-secret", kTokenRedirect);
  const std::string code = sim_code(sim, "x",
                                    {{"response_type", "code"},
                                     {"client_id", "x-client"},
                                     {"redirect_uri", kTokenRedirect},
                                     {"scope", scopes},
                                     {"state", "s"},
                                     {"code_challenge", s256(verifier)},
                                     {"code_challenge_method", "S256"}});
  return token_from(http_request(
      sim.port(), verb::post, "/x/oauth/token",
      encode_pairs({{"grant_type", "authorization_code"},
                    {"code", code},
                    {"redirect_uri", kTokenRedirect},
                    {"code_verifier", verifier}}),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", basic("x-client", "x-secret")}}));
}

// scopes: comma-separated.
inline std::string threads_token(
    const PlatformSim& sim,
    const std::string& scopes = "threads_basic,threads_content_publish,threads_manage_replies,threads_read_replies") {
  sim.register_app("threads", "th-app", "th-secret", kTokenRedirect);
  const std::string code = sim_code(sim, "threads",
                                    {{"client_id", "th-app"},
                                     {"redirect_uri", kTokenRedirect},
                                     {"scope", scopes},
                                     {"response_type", "code"},
                                     {"state", "s"}});
  return token_from(http_request(sim.port(), verb::post, "/threads/oauth/token",
                                 encode_pairs({{"client_id", "th-app"},
                                               {"client_secret", "th-secret"},
                                               {"grant_type", "authorization_code"},
                                               {"redirect_uri", kTokenRedirect},
                                               {"code", code}}),
                                 {{"Content-Type", "application/x-www-form-urlencoded"}}));
}

// scopes: space-separated.
inline std::string reddit_token(const PlatformSim& sim, const std::string& scopes = "identity submit read history") {
  sim.register_app("reddit", "rd-client", "rd-secret", kTokenRedirect);
  const std::string code = sim_code(sim, "reddit",
                                    {{"client_id", "rd-client"},
                                     {"response_type", "code"},
                                     {"state", "s"},
                                     {"redirect_uri", kTokenRedirect},
                                     {"duration", "permanent"},
                                     {"scope", scopes}});
  return token_from(http_request(
      sim.port(), verb::post, "/reddit/oauth/token",
      encode_pairs({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kTokenRedirect}}),
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", basic("rd-client", "rd-secret")}}));
}

// A Bluesky session's accessJwt for a freshly registered account.
inline std::string bluesky_token(const PlatformSim& sim, const std::string& handle, const std::string& did) {
  sim.register_bluesky_account(handle, did, "abcd-efgh-ijkl-mnop");
  const auto r = http_request(sim.port(), verb::post, "/bluesky/xrpc/com.atproto.server.createSession",
                              R"({"identifier":")" + handle + R"(","password":"abcd-efgh-ijkl-mnop"})",
                              {{"Content-Type", "application/json"}});
  if (r.status != 200) throw std::runtime_error("createSession: " + r.body);
  return std::string(r.json().at("accessJwt").as_string());
}

}  // namespace postfuze::test
