// Store calls for webhook endpoints. Every call takes the owning OrgId; a
// deleted endpoint, or another organisation's, reads as missing. Secrets
// cross this boundary only sealed. Run inside the caller's connection or
// transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/sealed.hpp"
#include "store/database.hpp"
#include "store/keyset.hpp"

namespace postfuze::webhooks {

struct Endpoint {
  std::string id;
  core::OrgId org;
  std::string url;
  std::string description;
  std::vector<std::string> events;
  bool is_enabled = true;
  std::optional<std::string> disabled_reason;
  core::Sealed secret = core::Sealed::from_storage("");
  std::optional<core::Sealed> previous_secret;
  std::optional<core::TimePoint> previous_secret_expires_at;
  std::optional<core::TimePoint> failing_since;
  core::TimePoint created_at;
  core::TimePoint updated_at;

  bool subscribes_to(std::string_view event_type) const;
};

using EndpointPage = store::Page<Endpoint>;

// The associated data every endpoint secret is sealed under.
std::string secret_aad(const core::OrgId& org, std::string_view endpoint_id);

core::Status insert_endpoint(store::Connection& c, const Endpoint& e);
core::Result<std::optional<Endpoint>> find_endpoint(store::Connection& c, const core::OrgId& org, std::string_view id);
core::Result<EndpointPage> list_endpoints(store::Connection& c, const core::OrgId& org,
                                          const std::optional<store::KeysetPosition>& after, int limit);
// Writes url, description, events, is_enabled, disabled_reason, secrets,
// failing_since and updated_at of an existing endpoint.
core::Status update_endpoint(store::Connection& c, const Endpoint& e);
// Soft-deletes the endpoint and cancels its pending deliveries. False when missing.
core::Result<bool> delete_endpoint(store::Connection& c, const core::OrgId& org, std::string_view id,
                                   core::TimePoint now);
// Enabled, not deleted endpoints of the org (for fan-out at emit time).
core::Result<std::vector<Endpoint>> active_endpoints(store::Connection& c, const core::OrgId& org);

}  // namespace postfuze::webhooks
