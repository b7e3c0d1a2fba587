#include "api/endpoint.hpp"

#include "api/authenticate.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::verb;

bool is_write(verb method) { return method != verb::get && method != verb::head && method != verb::options; }

http::Response unauthorized_response() {
  auto res = http::problem_response(core::Error::unauthorized());
  res.set(boost::beast::http::field::www_authenticate, "Bearer");
  return res;
}

void set_rate_headers(http::Response& res, const RateDecision& d) {
  res.set("RateLimit-Limit", std::to_string(d.limit));
  res.set("RateLimit-Remaining", std::to_string(d.remaining));
  res.set("RateLimit-Reset", std::to_string(d.reset_seconds));
}

// The pipeline before and after the handler; see endpoint.hpp.
boost::asio::awaitable<http::Response> run_pipeline(ApiContext& ctx, const Endpoint& ep, http::Request& req) {
  std::optional<orgs::ApiKey> key;
  std::optional<RateDecision> rate;
  if (ep.authenticated) {
    auto auth = co_await authenticate(ctx, req);
    if (!auth) {
      if (auth.error().code == core::ErrorCode::unauthorized) co_return unauthorized_response();
      co_return http::problem_response(auth.error());
    }
    key = std::move(*auth);
    rate = ctx.limiter.check(key->org, req.method(), req.target.path());
    if (!rate->allowed) {
      auto res = http::problem_response(
          {core::ErrorCode::rate_limited, "Rate limit exceeded; retry after the window resets.", {}, {}});
      set_rate_headers(res, *rate);
      res.set(boost::beast::http::field::retry_after, std::to_string(rate->reset_seconds));
      co_return res;
    }
    if (is_write(req.method()) && !ep.write_scope.empty() && !key->allows(ep.write_scope)) {
      auto res = http::problem_response(core::Error::insufficient_scope(ep.write_scope));
      set_rate_headers(res, *rate);
      co_return res;
    }
  }

  Call call{req, key ? &*key : nullptr, ctx};
  auto result = co_await ep.handler(call);
  http::Response res;
  if (result) {
    res = std::move(*result);
  } else {
    const auto& err = result.error();
    if (err.status() >= 500)
      ctx.log.error("request failed",
                    {{"request_id", req.request_id}, {"code", core::to_string(err.code)}, {"error", err.internal}});
    res = http::problem_response(err);
  }
  if (rate) set_rate_headers(res, *rate);
  co_return res;
}

}  // namespace

void mount(http::Router& router, ApiContext& ctx, Endpoint endpoint) {
  const auto method = endpoint.method;
  std::string path = endpoint.path;
  auto handler = [&ctx, ep = std::move(endpoint)](http::Request& req) -> boost::asio::awaitable<http::Response> {
    auto res = co_await run_pipeline(ctx, ep, req);
    // Anything an authenticated route answers concerns one org: never cache it.
    if (ep.authenticated) res.set(boost::beast::http::field::cache_control, "no-store");
    co_return res;
  };
  router.add(method, std::move(path), std::move(handler));
}

}  // namespace postfuze::api
