// Pending sessions through the API (contract §11.5, with the API key as the
// connect guide says): GET /social-accounts/pending/{token} lists the
// choices, POST …/finalize connects the selected ones. camelCase members as
// the seed shows them.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_pending_sessions(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
