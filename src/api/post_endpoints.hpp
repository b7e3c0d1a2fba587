// /api/v1/posts (contract §14–18; docs/decisions.md D23–D29): create (with
// idempotency), list, get, edit, cancel, retry, and the attempt log.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_posts(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
