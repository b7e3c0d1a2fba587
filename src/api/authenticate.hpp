// authenticate: turns an `Authorization: Bearer sk_…` header into the key it
// names (contract §4). A header that is missing or does not have a key's
// shape is refused before any store lookup; an unknown, revoked or expired key
// gets the same 401. The key is looked up by its SHA-256, so how long the
// lookup takes reveals nothing about how close a guess was.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "api/context.hpp"
#include "http/request.hpp"
#include "orgs/api_key.hpp"

namespace postfuze::api {

boost::asio::awaitable<core::Result<orgs::ApiKey>> authenticate(ApiContext& ctx, const http::Request& req);

}  // namespace postfuze::api
