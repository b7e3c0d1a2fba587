// Endpoint: one API route and the policy the pipeline applies before its
// handler runs — API-key authentication (contract §4), the write scope for
// mutating methods, and the per-org rate limits (§6) with RateLimit-* headers.
// Handlers return a Result; an error becomes the problem document.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "api/context.hpp"
#include "core/blocking.hpp"
#include "http/router.hpp"
#include "orgs/api_key.hpp"

namespace postfuze::api {

// What a handler receives: the request, the authenticated key (when the
// endpoint requires one) and the context.
struct Call {
  http::Request& request;
  const orgs::ApiKey* key;  // null on unauthenticated endpoints
  ApiContext& ctx;

  const core::OrgId& org() const { return key->org; }
};

using EndpointHandler = std::function<boost::asio::awaitable<core::Result<http::Response>>(Call&)>;

struct Endpoint {
  boost::beast::http::verb method;
  std::string path;
  bool authenticated = true;
  std::string_view write_scope;  // required for this write; empty for reads
  EndpointHandler handler;
};

void mount(http::Router& router, ApiContext& ctx, Endpoint endpoint);

// Runs a store call on the blocking pool.
template <typename F>
boost::asio::awaitable<core::Status> with_store(ApiContext& ctx, F fn) {
  co_return co_await core::run_blocking(ctx.blocking, [&ctx, &fn]() { return ctx.db.with_connection(fn); });
}

// The resource a store lookup (`find(Connection&)` → Result<optional<T>>)
// returns, or 404 `not_found` with `missing` when there is none.
template <typename T, typename F>
boost::asio::awaitable<core::Result<T>> found_or_404(ApiContext& ctx, F find, const std::string& missing) {
  std::optional<T> found;
  auto s = co_await core::run_blocking(ctx.blocking, [&]() {
    return ctx.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = find(c);
      if (!r) return std::move(r).error();
      found = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) co_return std::move(s).error();
  if (!found) co_return core::Error::not_found(missing);
  co_return std::move(*found);
}

template <typename F>
boost::asio::awaitable<core::Status> in_transaction(ApiContext& ctx, F fn) {
  co_return co_await core::run_blocking(ctx.blocking, [&ctx, &fn]() { return ctx.db.transaction(fn); });
}

}  // namespace postfuze::api
