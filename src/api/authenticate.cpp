#include "api/authenticate.hpp"

#include "core/blocking.hpp"
#include "orgs/api_key_store.hpp"

namespace postfuze::api {

boost::asio::awaitable<core::Result<orgs::ApiKey>> authenticate(ApiContext& ctx, const http::Request& req) {
  std::string_view header = req.header(boost::beast::http::field::authorization);
  constexpr std::string_view kBearer = "Bearer ";
  if (!header.starts_with(kBearer)) co_return core::Error::unauthorized();
  const std::string_view presented = header.substr(kBearer.size());
  if (!orgs::looks_like_api_key(presented)) co_return core::Error::unauthorized();

  const std::string hash = orgs::hash_api_key(presented);
  std::optional<orgs::ApiKey> key;
  auto status = co_await core::run_blocking(ctx.blocking, [&] {
    return ctx.db.with_connection([&](store::Connection& c) -> core::Status {
      auto found = orgs::find_api_key_by_hash(c, hash);
      if (!found) return std::move(found).error();
      key = std::move(*found);
      return core::Ok{};
    });
  });
  if (!status) co_return std::move(status).error();
  if (!key || !key->usable_at(ctx.clock.now())) co_return core::Error::unauthorized();
  co_return std::move(*key);
}

}  // namespace postfuze::api
