// POST /social-accounts/bluesky/connect (contract §12; docs/decisions.md
// D20): connect a Bluesky account with an identifier (handle, email or DID)
// and an app password — no OAuth round trip. API key with accounts:write;
// its own rate bucket (10/min per org, rate_limiter.cpp). 201 for a new
// account, 200 when the same DID reconnects (same id). The password is never
// echoed, in an error or anywhere else.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_bluesky(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
