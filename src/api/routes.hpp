// Every API route, mounted in one place so the router can be compared with
// docs/openapi.yaml (tests/api/openapi_test.cpp).
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_all(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
