// Social accounts (contract §13, §21.3): list (keyset, filters id,
// tenant_id, platform, status), get, delete (soft: disconnected, tokens
// erased, account.disconnected), health (status, token expiry, last refresh
// and its outcome, scopes missing vs required) and validate (checks the token
// against the platform now, renewing it when needed). Never a token.
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_social_accounts(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
