#include "api/health_endpoint.hpp"

#include "core/blocking.hpp"
#include "core/time_format.hpp"

namespace postfuze::api {

void mount_health(http::Router& router, ApiContext& ctx) {
  mount(router, ctx,
        {boost::beast::http::verb::get, "/api/v1/health", false, {},
         [](Call& call) -> boost::asio::awaitable<core::Result<http::Response>> {
           auto& ctx = call.ctx;
           const auto ping = co_await core::run_blocking(ctx.blocking, [&ctx] { return ctx.db.ping(); });
           boost::json::object body{{"ok", ping.ok()},
                                    {"service", "PostFuze"},
                                    {"time", core::format_timestamp(ctx.clock.now())}};
           if (ping) co_return http::json_response(boost::beast::http::status::ok, body);
           ctx.log.warn("health check: store unavailable", {{"error", ping.error().internal}});
           auto res = http::json_response(boost::beast::http::status::service_unavailable, body);
           res.set(boost::beast::http::field::retry_after, "5");
           res.set(boost::beast::http::field::cache_control, "no-store");
           co_return res;
         }});
}

}  // namespace postfuze::api
