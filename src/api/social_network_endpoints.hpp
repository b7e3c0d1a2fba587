// The social network resource — the developer's own OAuth app per platform
// (contract §10; docs/decisions.md D19):
//   POST   /api/v1/social-networks          upsert on (org, platform): 201 created, 200 updated
//   GET    /api/v1/social-networks          {"data": [...]}, at most one per platform, by platform
//   GET    /api/v1/social-networks/{id}
//   PATCH  /api/v1/social-networks/{id}     partial update; platform is immutable
//   DELETE /api/v1/social-networks/{id}     204
// `client_secret` is write-only: sealed at rest, never in a response, log or
// error. Writes need the accounts:write scope.
#pragma once

#include "api/endpoint.hpp"

namespace postfuze::api {

void mount_social_networks(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
