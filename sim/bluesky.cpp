#include "sim/bluesky.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <memory>

#include "crypto/encoding.hpp"
#include "http/json_body.hpp"
#include "sim/publish_bluesky.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

namespace {

namespace json = boost::json;
using http::bhttp::status;
using http::bhttp::verb;

// PDS defaults (platforms.md §14).
constexpr std::chrono::minutes kAccessLifetime{120};
constexpr std::chrono::hours kRefreshLifetime{24 * 90};

// Counters for GET /_sim/bluesky/stats; never rename without the README.
constexpr std::array<std::string_view, 7> kCounters{"resolve_handle", "create_session", "refresh_session",
                                                    "get_profile",    "plc",            "rejected",
                                                    "publish"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void count(Sim& sim, std::string_view counter) {
  sim.state.with([&](SimState::Data& d) { ++d.bluesky_counters[std::string(counter)]; });
}

// A refusal caused by the request (counted in stats.rejected).
http::Response rejected(Sim& sim, status code, std::string_view error, std::string_view message) {
  count(sim, "rejected");
  return xrpc_error(code, error, message);
}

std::string seconds(core::TimePoint t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

std::int64_t unix_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string pds_url(const Sim& sim) { return sim.base_url + "/bluesky"; }

// did:web:<host> of the simulated PDS, the JWTs' audience.
std::string pds_did(const Sim& sim) {
  auto u = boost::urls::parse_absolute_uri(sim.base_url);
  return "did:web:" + (u ? std::string(u->encoded_host()) : std::string("localhost"));
}

json::object did_document(const Sim& sim, const BlueskyAccount& a) {
  return {{"@context", json::array{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"}},
          {"id", a.did},
          {"alsoKnownAs", json::array{"at://" + a.handle}},
          {"verificationMethod", json::array{json::object{{"id", a.did + "#atproto"},
                                                          {"type", "Multikey"},
                                                          {"controller", a.did},
                                                          {"publicKeyMultibase", "zQ3shSimulatedKey"}}}},
          {"service", json::array{json::object{{"id", "#atproto_pds"},
                                               {"type", "AtprotoPersonalDataServer"},
                                               {"serviceEndpoint", pds_url(sim)}}}}};
}

// A real-shaped JWT: base64url(header).base64url(payload).base64url(random).
std::string mint_jwt(Sim& sim, std::string_view typ, json::object claims) {
  const json::object header{{"typ", typ}, {"alg", "HS256"}};
  return crypto::base64url_encode(json::serialize(header)) + "." + crypto::base64url_encode(json::serialize(claims)) +
         "." + crypto::base64url_encode(sim.random.bytes(32));
}

// A session pair for `a`, remembered; the createSession / refreshSession answer.
json::object issue_session(Sim& sim, const BlueskyAccount& a, bool app_password) {
  const core::TimePoint now = sim.clock.now();
  const std::string aud = pds_did(sim);
  const std::string access =
      mint_jwt(sim, "at+jwt",
               {{"scope", app_password ? "com.atproto.appPass" : "com.atproto.access"},
                {"sub", a.did},
                {"aud", aud},
                {"iat", unix_seconds(now)},
                {"exp", unix_seconds(now + kAccessLifetime)}});
  const std::string refresh = mint_jwt(sim, "refresh+jwt",
                                       {{"scope", "com.atproto.refresh"},
                                        {"sub", a.did},
                                        {"aud", aud},
                                        {"jti", crypto::base64url_encode(sim.random.bytes(16))},
                                        {"iat", unix_seconds(now)},
                                        {"exp", unix_seconds(now + kRefreshLifetime)}});
  sim.state.with([&](SimState::Data& d) {
    d.bluesky_sessions[access] = BlueskySession{a.did, false, app_password, now + kAccessLifetime, false};
    d.bluesky_sessions[refresh] = BlueskySession{a.did, true, app_password, now + kRefreshLifetime, false};
  });
  json::object out{{"accessJwt", access}, {"refreshJwt", refresh}, {"handle", a.handle}, {"did", a.did}};
  if (!a.email.empty()) {
    out["email"] = a.email;
    out["emailConfirmed"] = true;
  }
  out["didDoc"] = did_document(sim, a);
  out["active"] = true;
  return out;
}

std::optional<BlueskyAccount> find_account(Sim& sim, std::string_view identifier) {
  std::string id = lower(identifier);
  if (id.starts_with('@')) id.erase(0, 1);
  return sim.state.with([&](SimState::Data& d) -> std::optional<BlueskyAccount> {
    for (const auto& a : d.bluesky_accounts)
      if (a.did == identifier || a.handle == id || (!a.email.empty() && lower(a.email) == id)) return a;
    return std::nullopt;
  });
}

BlueskyScenario scenario(Sim& sim) {
  return sim.state.with([](SimState::Data& d) { return d.bluesky; });
}

// The live session of a bearer token, or the XRPC refusal.
struct Authenticated {
  std::optional<BlueskyAccount> account;
  std::optional<http::Response> refusal;
};

Authenticated authenticate(Sim& sim, const http::Request& req, bool refresh) {
  const auto token = bearer_token(req.header(http::bhttp::field::authorization));
  if (!token) return {std::nullopt, rejected(sim, status::unauthorized, "AuthMissing", "Authentication Required")};
  const std::string jwt(*token);
  const core::TimePoint now = sim.clock.now();
  enum class Verdict { ok, unknown, expired, revoked };
  std::string did;
  const Verdict v = sim.state.with([&](SimState::Data& d) {
    auto it = d.bluesky_sessions.find(jwt);
    if (it == d.bluesky_sessions.end() || it->second.refresh != refresh) return Verdict::unknown;
    const BlueskySession& s = it->second;
    if (s.revoked || (s.app_password && d.bluesky.revoke_app_password)) return Verdict::revoked;
    if (now >= s.expires) return Verdict::expired;
    did = s.did;
    return Verdict::ok;
  });
  switch (v) {
    case Verdict::unknown:
      return {std::nullopt, rejected(sim, status::bad_request, "InvalidToken", "Token could not be verified")};
    case Verdict::expired:
      return {std::nullopt, rejected(sim, status::bad_request, "ExpiredToken", "Token has expired")};
    case Verdict::revoked:
      return {std::nullopt, rejected(sim, status::bad_request, "ExpiredToken", "Token has been revoked")};
    case Verdict::ok:
      break;
  }
  auto account = find_account(sim, did);
  if (!account) return {std::nullopt, rejected(sim, status::bad_request, "InvalidToken", "Token could not be verified")};
  return {std::move(account), std::nullopt};
}

// --- XRPC methods -------------------------------------------------------------

http::Response resolve_handle(Sim& sim, const http::Request& req) {
  count(sim, "resolve_handle");
  const Params query = Params::of(req.target);
  const auto handle = query.get("handle");
  if (!handle || handle->empty())
    return rejected(sim, status::bad_request, "InvalidRequest", "Error: Params must have the property \"handle\"");
  auto a = find_account(sim, *handle);
  if (!a || a->did == *handle)
    return rejected(sim, status::bad_request, "HandleNotFound", "Unable to resolve handle");
  return http::json_response(status::ok, json::object{{"did", a->did}});
}

http::Response create_session(Sim& sim, const http::Request& req) {
  count(sim, "create_session");
  const BlueskyScenario knobs = scenario(sim);
  if (knobs.rate_limited) {
    auto res = xrpc_error(status::too_many_requests, "RateLimitExceeded", "Rate Limit Exceeded");
    const core::TimePoint now = sim.clock.now();
    res.set("RateLimit-Limit", "30");
    res.set("RateLimit-Remaining", "0");
    res.set("RateLimit-Reset", seconds(now + std::chrono::minutes(5)));
    res.set("RateLimit-Policy", "30;w=300");
    return res;
  }
  const std::string_view type = req.header(http::bhttp::field::content_type);
  if (!type.starts_with("application/json"))
    return rejected(sim, status::bad_request, "InvalidRequest",
                    "Wrong request encoding (Content-Type): " + std::string(type.substr(0, 64)));
  boost::system::error_code ec;
  const json::value body = json::parse(req.message.body(), ec);
  if (ec || !body.is_object()) return rejected(sim, status::bad_request, "InvalidRequest", "Request body is not JSON");
  const auto& o = body.get_object();
  for (const char* name : {"identifier", "password"}) {
    const auto* v = o.if_contains(name);
    if (!v || !v->is_string())
      return rejected(sim, status::bad_request, "InvalidRequest",
                      "Input must have the property \"" + std::string(name) + "\"");
  }
  const std::string identifier(o.at("identifier").get_string());
  const std::string password(o.at("password").get_string());
  auto a = find_account(sim, identifier);
  // Unknown identifier and wrong password are indistinguishable (platforms.md §14).
  bool app_password = false;
  bool ok = false;
  if (a && password.size() <= 256) {
    if (password == a->app_password && !knobs.revoke_app_password) ok = app_password = true;
    else if (!a->password.empty() && password == a->password) ok = true;
  }
  if (!ok) return rejected(sim, status::unauthorized, "AuthenticationRequired", "Invalid identifier or password");
  return http::json_response(status::ok, issue_session(sim, *a, app_password));
}

http::Response refresh_session(Sim& sim, const http::Request& req) {
  count(sim, "refresh_session");
  Authenticated auth = authenticate(sim, req, true);
  if (auth.refusal) return std::move(*auth.refusal);
  // Rotation: the refresh JWT used here dies (the real 2-hour grace window is not simulated).
  const std::string old(*bearer_token(req.header(http::bhttp::field::authorization)));
  bool app_password = false;
  sim.state.with([&](SimState::Data& d) {
    BlueskySession& s = d.bluesky_sessions.at(old);
    s.revoked = true;
    app_password = s.app_password;
  });
  return http::json_response(status::ok, issue_session(sim, *auth.account, app_password));
}

http::Response get_profile(Sim& sim, const http::Request& req) {
  count(sim, "get_profile");
  Authenticated auth = authenticate(sim, req, false);
  if (auth.refusal) return std::move(*auth.refusal);
  const Params query = Params::of(req.target);
  const auto actor = query.get("actor");
  if (!actor || actor->empty())
    return rejected(sim, status::bad_request, "InvalidRequest", "Error: Params must have the property \"actor\"");
  auto a = find_account(sim, *actor);
  if (!a || (!actor->starts_with("did:") && actor->find('@') != std::string_view::npos))
    return rejected(sim, status::bad_request, "InvalidRequest", "Profile not found");
  json::object out{{"did", a->did}, {"handle", a->handle}};
  if (!a->display_name.empty()) out["displayName"] = a->display_name;
  out["avatar"] = "https://cdn.bsky.platform-sim.invalid/img/avatar/plain/" + a->did + "/avatar@jpeg";
  out["description"] = "";
  out["followersCount"] = 0;
  out["followsCount"] = 0;
  out["postsCount"] = 0;
  return http::json_response(status::ok, out);
}

http::Response plc_document(Sim& sim, const http::Request& req) {
  count(sim, "plc");
  const std::string did(req.param("did"));
  auto a = find_account(sim, did);
  if (!a || a->did != did) {
    count(sim, "rejected");
    return http::json_response(status::not_found, json::object{{"message", "DID not registered: " + did}});
  }
  auto res = http::json_response(status::ok, did_document(sim, *a));
  res.set(http::bhttp::field::content_type, "application/did+ld+json");
  return res;
}

using Method = http::Response (*)(Sim&, const http::Request&);

struct XrpcMethod {
  verb method;
  std::string_view nsid;
  Method handler;
};

const std::array<XrpcMethod, 4> kMethods{
    XrpcMethod{verb::get, "com.atproto.identity.resolveHandle", resolve_handle},
    XrpcMethod{verb::post, "com.atproto.server.createSession", create_session},
    XrpcMethod{verb::post, "com.atproto.server.refreshSession", refresh_session},
    XrpcMethod{verb::get, "app.bsky.actor.getProfile", get_profile},
};

http::Response xrpc(Sim& sim, const http::Request& req) {
  const auto segments = boost::urls::url_view(req.target).segments();
  std::vector<std::string> parts(segments.begin(), segments.end());
  if (parts.size() != 3 || parts[1] != "xrpc")
    return rejected(sim, status::not_found, "NotFound", "Not Found");
  if (scenario(sim).down)
    return xrpc_error(status::service_unavailable, "InternalServerError", "Service Unavailable");
  for (const auto& m : kMethods) {
    if (m.nsid != parts[2]) continue;
    if (m.method != req.method())
      return rejected(sim, status::bad_request, "InvalidRequest",
                      "Incorrect HTTP method (" + std::string(req.message.method_string()) + ") expected " +
                          std::string(http::bhttp::to_string(m.method)));
    return m.handler(sim, req);
  }
  return rejected(sim, status::not_implemented, "MethodNotImplemented", "Method Not Implemented");
}

RecordedRequest recorded(const http::Request& req, const http::Response& res) {
  RecordedRequest r;
  r.method = std::string(req.message.method_string());
  r.target = std::string(req.message.target());
  for (const auto& field : req.message) r.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  r.body = req.message.body();
  r.status = static_cast<int>(res.result_int());
  return r;
}

// --- control -----------------------------------------------------------------

http::Response register_account(Sim& sim, const http::Request& req) {
  auto body = http::parse_json_object(req);
  if (!body) return http::problem_response(body.error());
  BlueskyAccount a;
  std::vector<std::pair<const char*, std::string*>> fields = {{"handle", &a.handle},     {"did", &a.did},
                                                              {"email", &a.email},       {"app_password", &a.app_password},
                                                              {"password", &a.password}, {"display_name", &a.display_name}};
  for (const auto& [key, value] : *body) {
    bool known = false;
    for (auto& [name, target] : fields) {
      if (key != name) continue;
      known = true;
      if (!value.is_string()) return http::problem_response(core::Error::validation(name, "must be a string"));
      *target = std::string(value.as_string());
    }
    if (!known)
      return http::problem_response(core::Error::validation(std::string(key), "unknown member", "unknown_field"));
  }
  a.handle = lower(a.handle);
  if (a.handle.find('.') == std::string::npos || a.handle.starts_with('.') || a.handle.ends_with('.'))
    return http::problem_response(core::Error::validation("handle", "must be a domain name such as alice.bsky.social"));
  if (!a.did.starts_with("did:plc:") && !a.did.starts_with("did:web:"))
    return http::problem_response(core::Error::validation("did", "must be a did:plc: or did:web: DID"));
  if (a.app_password.empty())
    return http::problem_response(core::Error::validation("app_password", "is required", "required"));
  const bool created = sim.state.with([&](SimState::Data& d) {
    for (auto& existing : d.bluesky_accounts)
      if (existing.did == a.did || existing.handle == a.handle) {
        existing = a;
        return false;
      }
    d.bluesky_accounts.push_back(a);
    return true;
  });
  json::object out{{"handle", a.handle}, {"did", a.did}, {"pds", pds_url(sim)}};
  if (!a.email.empty()) out["email"] = a.email;
  if (!a.display_name.empty()) out["display_name"] = a.display_name;
  return http::json_response(created ? status::created : status::ok, out);
}

json::object scenario_json(Sim& sim, const BlueskyScenario& s) {
  json::object out{{"platform", kBluesky},
                   {"down", s.down},
                   {"revoke_app_password", s.revoke_app_password},
                   {"rate_limited", s.rate_limited}};
  add_publish_knobs(out, sim.state.publish_faults(kBluesky));
  return out;
}

}  // namespace

// An XRPC error envelope (platforms.md §14, §18).
http::Response xrpc_error(status code, std::string_view error, std::string_view message) {
  return http::json_response(code, json::object{{"error", error}, {"message", message}});
}

BlueskyAuth bluesky_authenticate(Sim& sim, const http::Request& req) {
  Authenticated a = authenticate(sim, req, false);
  return {std::move(a.account), std::move(a.refusal)};
}

std::optional<BlueskyAccount> bluesky_account(Sim& sim, std::string_view handle_or_did) {
  return find_account(sim, handle_or_did);
}

http::Handler bluesky_handler(Sim& sim) {
  return [&sim](http::Request& req) -> boost::asio::awaitable<http::Response> {
    const auto segments = req.target.segments();
    const std::string first = segments.empty() ? std::string() : std::string(*segments.begin());
    http::Response res;
    if (first == "plc") {
      std::vector<std::string> parts(segments.begin(), segments.end());
      if (parts.size() == 2 && req.method() == verb::get && parts[1].starts_with("did:")) {
        req.path_params = {{"did", parts[1]}};
        res = plc_document(sim, req);
      } else {
        count(sim, "rejected");
        res = http::json_response(status::not_found, json::object{{"message", "Not Found"}});
      }
    } else if (const auto* method = find_bluesky_publish_method(req)) {
      // (No co_await inside ?: — GCC 12 destroys the wrong temporary.)
      if (scenario(sim).down)
        res = xrpc_error(status::service_unavailable, "InternalServerError", "Service Unavailable");
      else
        res = co_await bluesky_publish(sim, req, *method);
    } else {
      res = xrpc(sim, req);
    }
    sim.state.record(kBluesky, recorded(req, res));
    co_return res;
  };
}

void add_bluesky_control_routes(http::Router& router, Sim& sim) {
  router.add(verb::post, "/_sim/bluesky/accounts",
             [&sim](http::Request& req) -> boost::asio::awaitable<http::Response> {
               co_return register_account(sim, req);
             });
  router.add(verb::get, "/_sim/bluesky/stats", [&sim](http::Request&) -> boost::asio::awaitable<http::Response> {
    json::object out;
    sim.state.with([&](SimState::Data& d) {
      for (auto name : kCounters) {
        auto it = d.bluesky_counters.find(name);
        out[name] = it == d.bluesky_counters.end() ? 0 : it->second;
      }
    });
    co_return http::json_response(status::ok, out);
  });
}

http::Response set_bluesky_scenario(Sim& sim, const json::object& knobs) {
  BlueskyScenario next = scenario(sim);
  for (const auto& [key, value] : knobs) {
    if (key == "platform") continue;
    bool* target = key == "down"                  ? &next.down
                   : key == "revoke_app_password" ? &next.revoke_app_password
                   : key == "rate_limited"        ? &next.rate_limited
                                                  : nullptr;
    if (!target)
      return http::problem_response(core::Error::validation("knobs", "unknown knob \"" + std::string(key) + "\""));
    if (!value.is_bool())
      return http::problem_response(core::Error::validation("knobs", std::string(key) + " must be true or false"));
    *target = value.as_bool();
  }
  sim.state.with([&](SimState::Data& d) { d.bluesky = next; });
  return http::json_response(status::ok, scenario_json(sim, next));
}

http::Response get_bluesky_scenario(Sim& sim) { return http::json_response(status::ok, scenario_json(sim, scenario(sim))); }

}  // namespace postfuze::sim
