#include "sim/routes.hpp"

#include <array>
#include <cctype>

#include "sim/api_routes.hpp"
#include "sim/bluesky.hpp"
#include "sim/control.hpp"
#include "sim/errors.hpp"
#include "sim/handlers.hpp"
#include "sim/publish_routes.hpp"

namespace postfuze::sim {

namespace {

using http::bhttp::verb;
using Endpoint = boost::asio::awaitable<http::Response> (*)(Call&);

// Token calls that live under the API base on the real hosts.
struct ApiTokenRoute {
  std::string_view platform;
  verb method;
  std::string_view path;
  Endpoint handler;
};

const std::array<ApiTokenRoute, 11> kApiTokenRoutes{
    // graph.facebook.com/{v}/oauth/access_token is the token endpoint itself (§4).
    ApiTokenRoute{"facebook", verb::get, "/api/oauth/access_token", token},
    ApiTokenRoute{"facebook", verb::post, "/api/oauth/access_token", token},
    ApiTokenRoute{"instagram", verb::get, "/api/oauth/access_token", token},
    ApiTokenRoute{"instagram", verb::post, "/api/oauth/access_token", token},
    // §11
    ApiTokenRoute{"threads", verb::get, "/api/access_token", threads_exchange},
    ApiTokenRoute{"threads", verb::get, "/api/refresh_access_token", threads_refresh},
    // Revocation endpoints, re-rooted under the API base like every catalogue URL.
    ApiTokenRoute{"x", verb::post, "/api/2/oauth2/revoke", revoke},
    ApiTokenRoute{"youtube", verb::post, "/api/revoke", revoke},
    ApiTokenRoute{"google_business", verb::post, "/api/revoke", revoke},
    ApiTokenRoute{"reddit", verb::post, "/api/api/v1/revoke_token", revoke},
    ApiTokenRoute{"tiktok", verb::post, "/api/oauth/revoke/", revoke},
};

RecordedRequest recorded(const http::Request& req, const http::Response& res) {
  RecordedRequest r;
  r.method = std::string(req.message.method_string());
  r.target = std::string(req.message.target());
  for (const auto& field : req.message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  r.body = req.message.body();
  r.status = static_cast<int>(res.result_int());
  return r;
}

}  // namespace

Routes::Routes(Sim& sim) : sim_(sim) {
  add_control_routes(control_, sim_);
  control_dispatch_ = http::make_dispatcher(control_);
  bluesky_ = bluesky_handler(sim_);
  for (const auto& p : all_platforms()) {
    add(p, verb::get, "/oauth/authorize", authorize);
    add(p, verb::post, "/oauth/consent", consent);
    add(p, verb::post, "/oauth/token", token);
    if (p.token_via_get) add(p, verb::get, "/oauth/token", token);
  }
  for (const auto& r : kApiTokenRoutes) add(*find_platform(r.platform), r.method, r.path, r.handler);
  for (const auto& r : api_routes())
    add(*find_platform(r.platform), verb::get, "/api" + std::string(r.path), api_handler(r));
  for (const auto& r : publish_routes())
    add(*find_platform(r.platform), r.method, "/api" + std::string(r.path), publish_handler(r));
}

void Routes::add(const Platform& platform, verb method, std::string_view path, PlatformHandler handler) {
  // The Router keeps the lambda for the process's lifetime.
  platforms_.add(
      method, "/" + std::string(platform.id) + std::string(path),
      [this, &platform, handler = std::move(handler)](http::Request& req) -> boost::asio::awaitable<http::Response> {
        Call call{sim_, platform, req};
        co_return co_await handler(call);
      });
}

boost::asio::awaitable<http::Response> Routes::dispatch(const Platform& platform, http::Request& req) {
  auto match = platforms_.match(req.method(), req.target);
  if (auto* found = std::get_if<http::Router::Found>(&match)) {
    req.path_params = std::move(found->params);
    co_return co_await found->route->handler(req);
  }
  Call call{sim_, platform, req};
  if (auto* other = std::get_if<http::Router::MethodNotAllowed>(&match)) {
    http::Response res = api_error(call, ApiProblem::method_not_allowed,
                                   "This path does not support " + std::string(req.message.method_string()) + ".");
    std::string allow;
    for (auto v : other->allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::bhttp::to_string(v));
    res.set(http::bhttp::field::allow, allow);
    co_return res;
  }
  co_return api_error(
      call, ApiProblem::not_found,
      "Unknown path for " + std::string(platform.display_name) + ": " + std::string(req.target.encoded_path()));
}

http::Handler Routes::handler() {
  return [this](http::Request& req) -> boost::asio::awaitable<http::Response> {
    const auto segments = req.target.segments();
    const std::string first = segments.empty() ? std::string() : std::string(*segments.begin());
    if (first == "_sim") co_return co_await control_dispatch_(req);
    if (first == kBluesky || first == "plc") co_return co_await bluesky_(req);
    const Platform* platform = find_platform(first);
    if (!platform)
      co_return http::problem_response(
          core::Error::not_found("Paths start with /_sim/, /bluesky/, /plc/ or a platform id, e.g. /x/oauth/authorize."));
    http::Response res = co_await dispatch(*platform, req);
    sim_.state.record(platform->id, recorded(req, res));
    co_return res;
  };
}

}  // namespace postfuze::sim
