// Webhook event names (contract §23.1 — binding, never renamed) plus the
// synthetic `webhook.test`, which only POST /webhooks/{id}/test sends and
// which no endpoint subscribes to.
#pragma once

#include <string_view>
#include <vector>

namespace postfuze::webhooks {

inline constexpr std::string_view kTestEvent = "webhook.test";

const std::vector<std::string_view>& event_types();
bool is_event_type(std::string_view name);

}  // namespace postfuze::webhooks
