// The webhook resource (contract §23; docs/webhooks.md):
//   POST   /api/v1/webhooks                                    register (secret shown once)
//   GET    /api/v1/webhooks                                    keyset list
//   GET    /api/v1/webhooks/{id}
//   PATCH  /api/v1/webhooks/{id}                               url, events, description, is_enabled
//   DELETE /api/v1/webhooks/{id}                               204; pending deliveries canceled
//   POST   /api/v1/webhooks/{id}/rotate-secret                 new secret once; old one signs 24 h more
//   POST   /api/v1/webhooks/{id}/test                          queue a signed webhook.test event
//   GET    /api/v1/webhooks/{id}/deliveries                    the attempt log, newest first
//   POST   /api/v1/webhooks/{id}/deliveries/{delivery_id}/resend
//   POST   /api/v1/webhooks/{id}/recover                       re-queue failed deliveries since a time
// Writes need the webhooks:write scope.
#pragma once

#include "api/endpoint.hpp"

namespace postfuze::api {

void mount_webhooks(http::Router& router, ApiContext& ctx);

}  // namespace postfuze::api
