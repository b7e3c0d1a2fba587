// The OAuth connect routes (contract §11): POST
// /social-networks/{platform}/auth-url (API key), GET /connect/callback (the
// platform's redirect; authenticated by `state`) and POST /connect/pending
// (the hosted page's picker form; authenticated by the session token plus a
// CSRF token bound to a cookie).
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_connect(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
