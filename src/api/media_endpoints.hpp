// /api/v1/media (contract §19; docs/media.md): ask for an upload URL,
// confirm an upload, list, read and delete assets, and set a thumbnail.
// Writes need the media:write scope; test keys may use every media route
// (media never reaches a platform by itself).
#pragma once

#include "api/context.hpp"
#include "http/router.hpp"

namespace postfuze::api {

void mount_media(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
