// The API-key resource (a self-hosted addition; contract §4 leaves key
// management unspecified — docs/decisions.md D2):
//   GET    /api/v1/api-keys          keyset list, newest first
//   POST   /api/v1/api-keys          issue a key; plaintext returned once (201)
//   GET    /api/v1/api-keys/{id}
//   DELETE /api/v1/api-keys/{id}     revoke (200 with the revoked key)
// Writes need the "*" scope, and a test key may only issue test keys, so no
// key can mint a more powerful one.
#pragma once

#include "api/endpoint.hpp"

namespace postfuze::api {

void mount_api_keys(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
