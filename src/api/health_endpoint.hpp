// GET /api/v1/health (contract §9): no authentication. 200
// {"ok":true,"service":"PostFuze","time":…} when the store answers; 503 with
// "ok":false and Retry-After when it does not.
#pragma once

#include "api/endpoint.hpp"

namespace postfuze::api {

void mount_health(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
