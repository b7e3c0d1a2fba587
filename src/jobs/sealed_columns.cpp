#include "jobs/sealed_columns.hpp"

#include <array>

#include "accounts/social_account.hpp"
#include "connect/pending_session.hpp"
#include "connect/social_network.hpp"
#include "webhooks/endpoint_store.hpp"

namespace postfuze::jobs {

namespace {

// One line per sealed column. The previous webhook secret is sealed under the
// same associated data as the current one (webhooks/dispatcher.cpp).
constexpr std::array kColumns = {
    SealedColumn{"webhook_endpoints", "id", "org_id", "secret", &webhooks::secret_aad},
    SealedColumn{"webhook_endpoints", "id", "org_id", "previous_secret", &webhooks::secret_aad},
    SealedColumn{"social_networks", "id", "org_id", "client_secret", &connect::client_secret_aad},
    SealedColumn{"social_accounts", "id", "org_id", "access_token",
                 [](const core::OrgId& o, std::string_view id) { return accounts::token_aad(o, id, "access_token"); }},
    SealedColumn{"social_accounts", "id", "org_id", "refresh_token",
                 [](const core::OrgId& o, std::string_view id) { return accounts::token_aad(o, id, "refresh_token"); }},
    SealedColumn{"social_accounts", "id", "org_id", "app_password",
                 [](const core::OrgId& o, std::string_view id) { return accounts::token_aad(o, id, "app_password"); }},
    SealedColumn{"pending_sessions", "id", "org_id", "secrets", &connect::secrets_aad},
};

}  // namespace

std::span<const SealedColumn> sealed_columns() { return kColumns; }

std::string key_prefix(std::string_view key_id) { return "pf1." + std::string(key_id) + "."; }

std::string names_key_condition(const SealedColumn& column, std::string_view key_id, int param) {
  return "substr(" + std::string(column.column) + ", 1, " + std::to_string(key_prefix(key_id).size()) + ") = $" +
         std::to_string(param);
}

core::Result<std::vector<KeyCount>> count_by_key(store::Connection& c, const std::vector<std::string>& key_ids) {
  std::vector<KeyCount> out;
  for (const auto& col : sealed_columns()) {
    std::int64_t named = 0;
    for (const auto& id : key_ids) {
      auto rows = c.query("SELECT COUNT(*) FROM " + std::string(col.table) + " WHERE " +
                              names_key_condition(col, id, 1),
                          {key_prefix(id)});
      if (!rows) return std::move(rows).error();
      out.push_back({col.name(), id, rows->at(0).integer(0)});
      named += out.back().values;
    }
    auto total = c.query("SELECT COUNT(*) FROM " + std::string(col.table) + " WHERE " + std::string(col.column) +
                         " IS NOT NULL");
    if (!total) return std::move(total).error();
    out.push_back({col.name(), "", total->at(0).integer(0) - named});
  }
  return out;
}

}  // namespace postfuze::jobs
