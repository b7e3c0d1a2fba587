#include "accounts/refresh_store.hpp"

#include "accounts/social_account.hpp"

namespace postfuze::accounts {

core::Result<std::optional<RefreshState>> read_refresh_state(store::Connection& c, const core::OrgId& org,
                                                             std::string_view id) {
  auto rows = c.query(
      "SELECT last_refresh_at, last_refresh_outcome, refresh_lease_until, next_refresh_at, refresh_failures "
      "FROM social_accounts WHERE org_id = $1 AND id = $2",
      {org.value, id});
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<RefreshState>();
  const auto& r = rows->front();
  return std::optional<RefreshState>(
      RefreshState{r.optional_time(0), r.optional_text(1), r.optional_time(2), r.optional_time(3), r.integer(4)});
}

core::Result<bool> claim_refresh(store::Connection& c, std::string_view id, std::int64_t version, core::TimePoint now,
                                 core::TimePoint lease_until) {
  auto n = c.execute(
      "UPDATE social_accounts SET refresh_lease_until = $1 WHERE id = $2 AND token_version = $3 AND status = $4 "
      "AND (refresh_lease_until IS NULL OR refresh_lease_until <= $5)",
      {lease_until, id, version, std::string(kActive), now});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Result<bool> store_refreshed(store::Connection& c, std::string_view id, std::int64_t version,
                                   const RefreshedTokens& t, core::TimePoint now) {
  auto n = c.execute(
      "UPDATE social_accounts SET access_token = $1, refresh_token = COALESCE($2, refresh_token), "
      "token_expires_at = $3, refresh_token_expires_at = COALESCE($4, refresh_token_expires_at), "
      "token_version = token_version + 1, refresh_lease_until = NULL, next_refresh_at = NULL, refresh_failures = 0, "
      "last_refresh_at = $5, last_refresh_outcome = 'ok', updated_at = $5 WHERE id = $6 AND token_version = $7",
      {t.access_token, t.refresh_token, t.expires_at, t.refresh_expires_at, now, id, version});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Status record_refresh_failure(store::Connection& c, std::string_view id, std::string_view outcome,
                                    std::optional<core::TimePoint> retry_at, core::TimePoint now) {
  auto n = c.execute(
      "UPDATE social_accounts SET refresh_lease_until = NULL, next_refresh_at = $1, "
      "refresh_failures = refresh_failures + 1, last_refresh_at = $2, last_refresh_outcome = $3 WHERE id = $4",
      {retry_at, now, std::string(outcome.substr(0, 200)), id});
  if (!n) return std::move(n).error();
  return core::Ok{};
}

core::Result<bool> transition_status(store::Connection& c, const core::OrgId& org, std::string_view id,
                                     std::string_view from, std::string_view to, core::TimePoint now) {
  auto n = c.execute("UPDATE social_accounts SET status = $1, updated_at = $2 WHERE org_id = $3 AND id = $4 AND "
                     "status = $5",
                     {to, now, org.value, id, from});
  if (!n) return std::move(n).error();
  return *n == 1;
}

core::Result<std::vector<std::pair<core::OrgId, std::string>>> due_for_refresh(
    store::Connection& c, const std::vector<std::string>& platforms, core::TimePoint horizon, core::TimePoint now,
    int limit) {
  std::vector<std::pair<core::OrgId, std::string>> out;
  if (platforms.empty()) return out;
  store::Params params{std::string(kActive), horizon, now};
  std::string in;
  for (const auto& p : platforms) {
    params.emplace_back(p);
    in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
  }
  params.emplace_back(static_cast<std::int64_t>(limit));
  auto rows = c.query(
      "SELECT org_id, id FROM social_accounts WHERE status = $1 AND token_expires_at IS NOT NULL AND "
      "token_expires_at < $2 AND refresh_token IS NOT NULL AND (next_refresh_at IS NULL OR next_refresh_at <= $3) "
      "AND (refresh_lease_until IS NULL OR refresh_lease_until <= $3) AND platform IN (" + in +
          ") ORDER BY token_expires_at LIMIT $" + std::to_string(params.size()),
      params);
  if (!rows) return std::move(rows).error();
  for (const auto& r : *rows) out.emplace_back(core::OrgId{r.text(0)}, r.text(1));
  return out;
}

}  // namespace postfuze::accounts
