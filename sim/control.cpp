#include "sim/control.hpp"

#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "http/json_body.hpp"
#include "sim/bluesky.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_routes.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using http::bhttp::status;
using http::bhttp::verb;

http::Response fail(core::Error error) { return http::problem_response(error); }

// A required non-empty string member of `body`.
std::optional<std::string> string_member(const json::object& body, std::string_view name) {
  const auto* v = body.if_contains(name);
  if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
  return std::string(v->as_string());
}

// The platform named by the "platform" member or query parameter.
const Platform* platform_named(std::optional<std::string_view> name) { return name ? find_platform(*name) : nullptr; }

http::Response register_app(Sim& sim, const http::Request& req) {
  auto body = http::parse_json_object(req);
  if (!body) return fail(body.error());
  const Platform* p = platform_named(string_member(*body, "platform"));
  if (!p) return fail(core::Error::validation("platform", "must be one of the ten simulated platforms"));
  const auto client_id = string_member(*body, "client_id");
  const auto secret = string_member(*body, "client_secret");
  const auto redirect_uri = string_member(*body, "redirect_uri");
  if (!client_id) return fail(core::Error::validation("client_id", "must be a non-empty string", "required"));
  if (!secret) return fail(core::Error::validation("client_secret", "must be a non-empty string", "required"));
  if (!redirect_uri) return fail(core::Error::validation("redirect_uri", "must be a non-empty string", "required"));
  // RFC 6749 §3.1.2: an absolute URI without a fragment.
  auto parsed = urls::parse_absolute_uri(*redirect_uri);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->has_fragment())
    return fail(core::Error::validation("redirect_uri", "must be an absolute http(s) URL without a fragment"));

  std::optional<App> registered = sim.state.with([&](SimState::Data& d) -> std::optional<App> {
    auto [it, added] = d.apps.try_emplace({std::string(p->id), *client_id}, App{*secret, {}});
    App& app = it->second;
    if (!added && app.client_secret != *secret) return std::nullopt;
    bool known = false;
    for (const auto& r : app.redirect_uris) known = known || r == *redirect_uri;
    if (!known) app.redirect_uris.push_back(*redirect_uri);
    return app;
  });
  if (!registered) return fail(core::Error::conflict("This client_id is registered with another client_secret."));
  json::array uris;
  for (const auto& r : registered->redirect_uris) uris.emplace_back(r);
  return http::json_response(status::created, json::object{{"platform", p->id},
                                                           {"client_id", *client_id},
                                                           {"client_secret", registered->client_secret},
                                                           {"redirect_uris", std::move(uris)}});
}

// The effective scenario: P's OAuth knobs plus its publish knobs.
json::object scenario_json(Sim& sim, const Scenario& scenario, const Platform& p) {
  json::object out = to_json(scenario, p);
  add_publish_knobs(out, sim.state.publish_faults(p.id));
  return out;
}

http::Response set_scenario(Sim& sim, const http::Request& req) {
  auto body = http::parse_json_object(req);
  if (!body) return fail(body.error());
  const auto name = string_member(*body, "platform");
  const Platform* p = platform_named(name);
  if (!p && name != kBluesky) return fail(core::Error::validation("platform", "must be one of the ten simulated platforms"));
  const std::string platform = p ? std::string(p->id) : std::string(kBluesky);
  // The publish knobs (publish_faults.hpp) are checked first; nothing is
  // applied unless every knob of the request is good.
  json::object rest;
  for (const auto& [key, value] : *body)
    if (!is_publish_knob(key)) rest[key] = value;
  PublishKnobResult publish = merge_publish_knobs(sim.state.publish_faults(platform), *body, platform);
  if (!publish.faults) return fail(core::Error::validation("knobs", publish.problem));
  if (!p) {
    http::Response res = set_bluesky_scenario(sim, rest);
    if (res.result_int() == 200) {
      sim.state.with([&](SimState::Data& d) { d.publish_faults[platform] = *publish.faults; });
      res = get_bluesky_scenario(sim);
    }
    return res;
  }
  auto merged = sim.state.with([&](SimState::Data& d) {
    KnobResult r = merge_knobs(d.scenario(p->id), rest);
    if (r.scenario) {
      d.scenarios[platform] = *r.scenario;
      d.publish_faults[platform] = *publish.faults;
    }
    return r;
  });
  if (!merged.scenario) return fail(core::Error::validation("knobs", merged.problem));
  return http::json_response(status::ok, scenario_json(sim, *merged.scenario, *p));
}

http::Response get_scenario(Sim& sim, const http::Request& req) {
  if (Params::of(req.target).get("platform") == kBluesky) return get_bluesky_scenario(sim);
  const Platform* p = platform_named(Params::of(req.target).get("platform"));
  if (!p) return fail(core::Error::invalid_parameter("platform", "must name one of the ten simulated platforms"));
  return http::json_response(status::ok, scenario_json(sim, sim.state.scenario(p->id), *p));
}

// GET /_sim/posts[?platform=P]: what the publish calls created, oldest first.
http::Response posts(Sim& sim, const http::Request& req) {
  const Params query = Params::of(req.target);
  const auto name = query.get("platform");
  if (name && !platform_named(name) && name != kBluesky)
    return fail(core::Error::invalid_parameter("platform", "must name one of the simulated platforms"));
  return http::json_response(status::ok, posts_json(sim, name));
}

// GET /_sim/media[?platform=P]: the uploads the publish calls received (media_uploads.hpp).
http::Response media(Sim& sim, const http::Request& req) {
  const Params query = Params::of(req.target);
  const auto name = query.get("platform");
  if (name && !platform_named(name) && name != kBluesky)
    return fail(core::Error::invalid_parameter("platform", "must name one of the simulated platforms"));
  return http::json_response(status::ok, uploads_json(sim, name));
}

http::Response stats(Sim& sim) {
  json::object out;
  sim.state.with([&](SimState::Data& d) {
    for (const auto& p : all_platforms()) {
      json::object counters;
      auto it = d.counters.find(p.id);
      for (std::size_t i = 0; i < kCounterNames.size(); ++i)
        counters[kCounterNames[i]] = it == d.counters.end() ? 0 : it->second[i];
      out[p.id] = std::move(counters);
    }
  });
  return http::json_response(status::ok, out);
}

http::Response requests(Sim& sim, const http::Request& req) {
  const Params query = Params::of(req.target);
  const auto name = query.get("platform");
  const Platform* p = platform_named(name);
  if (!p && name != kBluesky)
    return fail(core::Error::invalid_parameter("platform", "must name one of the simulated platforms"));
  const std::string_view id = p ? p->id : kBluesky;
  json::array out;
  sim.state.with([&](SimState::Data& d) {
    auto it = d.requests.find(id);
    if (it == d.requests.end()) return;
    for (const auto& r : it->second) {
      json::object headers;
      for (const auto& [k, v] : r.headers) {
        if (auto* prev = headers.if_contains(k))
          headers[k] = std::string(prev->as_string()) + ", " + v;
        else
          headers[k] = v;
      }
      out.push_back(json::object{{"method", r.method},
                                 {"target", r.target},
                                 {"headers", std::move(headers)},
                                 {"body", r.body},
                                 {"status", r.status}});
    }
  });
  return http::json_response(status::ok, out);
}

http::Response overrides(Sim& sim, const http::Request& req) {
  const Params query = Params::of(req.target);
  const std::string base(query.get("base").value_or(sim.base_url));
  auto parsed = urls::parse_absolute_uri(base);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->has_query() ||
      parsed->has_fragment())
    return fail(core::Error::invalid_parameter("base", "must be an absolute http(s) URL without query or fragment"));
  std::string prefix(parsed->encoded_path());
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  json::object out;
  for (const auto& p : all_platforms()) {
    auto at = [&](std::string_view suffix) {
      urls::url u(*parsed);
      u.set_encoded_path(prefix + "/" + std::string(p.id) + std::string(suffix));
      return std::string(u.buffer());
    };
    out[p.id] = {
        {"authorize_url", at("/oauth/authorize")}, {"token_url", at("/oauth/token")}, {"api_base_url", at("/api")}};
  }
  // Bluesky has no OAuth URLs; its catalogue api_base_url is the PDS (XRPC under /xrpc).
  urls::url pds(*parsed);
  pds.set_encoded_path(prefix + "/" + std::string(kBluesky));
  out[kBluesky] = {{"api_base_url", std::string(pds.buffer())}};
  return http::json_response(status::ok, out);
}

http::Response advance_clock(Sim& sim, const http::Request& req) {
  auto body = http::parse_json_object(req);
  if (!body) return fail(body.error());
  const auto* v = body->if_contains("advance_seconds");
  if (!v || !(v->is_int64() || v->is_uint64()) || (v->is_int64() && v->as_int64() < 0))
    return fail(core::Error::validation("advance_seconds", "must be a non-negative integer"));
  const auto seconds = v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
  const auto total = sim.clock.advance(std::chrono::seconds(seconds));
  return http::json_response(status::ok, json::object{{"offset_seconds", total.count() / 1000}});
}

using Sync = http::Response (*)(Sim&, const http::Request&);

// Every credential the simulator has handed out or holds: OAuth tokens and
// codes, Bluesky JWTs, app and account passwords, client secrets — so a test
// can scan PostFuze's database, log and responses for any of them.
http::Response issued(Sim& sim, const http::Request&) {
  json::array out;
  sim.state.with([&](SimState::Data& d) {
    for (const auto& [token, _] : d.tokens) out.emplace_back(token);
    for (const auto& [code, _] : d.codes) out.emplace_back(code);
    for (const auto& [jwt, _] : d.bluesky_sessions) out.emplace_back(jwt);
    for (const auto& a : d.bluesky_accounts) {
      if (!a.app_password.empty()) out.emplace_back(a.app_password);
      if (!a.password.empty()) out.emplace_back(a.password);
    }
    for (const auto& [key, app] : d.apps) out.emplace_back(app.client_secret);
  });
  return http::json_response(status::ok, json::object{{"secrets", std::move(out)}});
}

http::Handler sync(Sim& sim, Sync f) {
  return [&sim, f](http::Request& req) -> boost::asio::awaitable<http::Response> { co_return f(sim, req); };
}

}  // namespace

void add_control_routes(http::Router& router, Sim& sim) {
  router.add(verb::post, "/_sim/apps", sync(sim, register_app));
  router.add(verb::post, "/_sim/scenario", sync(sim, set_scenario));
  router.add(verb::get, "/_sim/scenario", sync(sim, get_scenario));
  router.add(verb::post, "/_sim/reset", sync(sim, [](Sim& s, const http::Request&) {
               s.state.reset();
               s.clock.reset();
               return http::json_response(status::ok, json::object{{"reset", true}});
             }));
  router.add(verb::get, "/_sim/stats", sync(sim, [](Sim& s, const http::Request&) { return stats(s); }));
  router.add(verb::get, "/_sim/requests", sync(sim, requests));
  router.add(verb::get, "/_sim/overrides", sync(sim, overrides));
  router.add(verb::post, "/_sim/clock", sync(sim, advance_clock));
  router.add(verb::get, "/_sim/issued", sync(sim, issued));
  router.add(verb::get, "/_sim/posts", sync(sim, posts));
  router.add(verb::get, "/_sim/media", sync(sim, media));
  add_bluesky_control_routes(router, sim);
}

}  // namespace postfuze::sim
