#include "webhooks/endpoint_store.hpp"

#include "store/word_list.hpp"

#include <algorithm>

namespace postfuze::webhooks {

namespace {

constexpr std::string_view kColumns =
    "id, org_id, url, description, events, is_enabled, disabled_reason, secret, previous_secret, "
    "previous_secret_expires_at, failing_since, created_at, updated_at";

Endpoint from_row(const store::Row& r) {
  Endpoint e;
  e.id = r.text(0);
  e.org = core::OrgId{r.text(1)};
  e.url = r.text(2);
  e.description = r.text(3);
  e.events = store::split_words(r.text(4));
  e.is_enabled = r.boolean(5);
  e.disabled_reason = r.optional_text(6);
  e.secret = core::Sealed::from_storage(r.text(7));
  if (auto s = r.optional_text(8)) e.previous_secret = core::Sealed::from_storage(*s);
  e.previous_secret_expires_at = r.optional_time(9);
  e.failing_since = r.optional_time(10);
  e.created_at = core::from_unix_ms(r.integer(11));
  e.updated_at = core::from_unix_ms(r.integer(12));
  return e;
}

}  // namespace

bool Endpoint::subscribes_to(std::string_view event_type) const {
  return std::find(events.begin(), events.end(), event_type) != events.end();
}

std::string secret_aad(const core::OrgId& org, std::string_view endpoint_id) {
  return "webhook.secret|" + org.value + "|" + std::string(endpoint_id);
}

core::Status insert_endpoint(store::Connection& c, const Endpoint& e) {
  auto r = c.execute("INSERT INTO webhook_endpoints (" + std::string(kColumns) +
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                     {e.id, e.org.value, e.url, e.description, store::join_words(e.events), e.is_enabled, e.disabled_reason,
                      e.secret.text(), e.previous_secret, e.previous_secret_expires_at,
                      e.failing_since, core::to_unix_ms(e.created_at), core::to_unix_ms(e.updated_at)});
  if (!r) return std::move(r).error();
  return core::Ok{};
}

core::Result<std::optional<Endpoint>> find_endpoint(store::Connection& c, const core::OrgId& org, std::string_view id) {
  auto rows = c.query("SELECT " + std::string(kColumns) +
                          " FROM webhook_endpoints WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
                      {org.value, id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<Endpoint>();
  return std::optional<Endpoint>(from_row(rows->front()));
}

core::Result<EndpointPage> list_endpoints(store::Connection& c, const core::OrgId& org,
                                          const std::optional<store::KeysetPosition>& after, int limit) {
  auto rows = store::keyset_query(
      c, "SELECT " + std::string(kColumns) + " FROM webhook_endpoints WHERE org_id = $1 AND deleted_at IS NULL",
      {org.value}, after, limit);
  if (!rows) return std::move(rows).error();
  return store::to_page<Endpoint>(*rows, limit, from_row);
}

core::Status update_endpoint(store::Connection& c, const Endpoint& e) {
  auto r = c.execute(
      "UPDATE webhook_endpoints SET url = $3, description = $4, events = $5, is_enabled = $6, disabled_reason = $7, "
      "secret = $8, previous_secret = $9, previous_secret_expires_at = $10, failing_since = $11, updated_at = $12 "
      "WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
      {e.org.value, e.id, e.url, e.description, store::join_words(e.events), e.is_enabled, e.disabled_reason, e.secret.text(),
       e.previous_secret, e.previous_secret_expires_at, e.failing_since,
       core::to_unix_ms(e.updated_at)});
  if (!r) return std::move(r).error();
  if (*r == 0) return core::Error::not_found();
  return core::Ok{};
}

core::Result<bool> delete_endpoint(store::Connection& c, const core::OrgId& org, std::string_view id,
                                   core::TimePoint now) {
  const auto ms = core::to_unix_ms(now);
  auto r = c.execute("UPDATE webhook_endpoints SET deleted_at = $3, updated_at = $3 "
                     "WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
                     {org.value, id, ms});
  if (!r) return std::move(r).error();
  if (*r == 0) return false;
  auto canceled = c.execute("UPDATE webhook_deliveries SET status = 'canceled', updated_at = $3 "
                            "WHERE org_id = $1 AND endpoint_id = $2 AND status = 'pending'",
                            {org.value, id, ms});
  if (!canceled) return std::move(canceled).error();
  return true;
}

core::Result<std::vector<Endpoint>> active_endpoints(store::Connection& c, const core::OrgId& org) {
  auto rows = c.query("SELECT " + std::string(kColumns) +
                          " FROM webhook_endpoints WHERE org_id = $1 AND is_enabled = 1 AND deleted_at IS NULL",
                      {org.value});
  if (!rows) return std::move(rows).error();
  std::vector<Endpoint> out;
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

}  // namespace postfuze::webhooks
