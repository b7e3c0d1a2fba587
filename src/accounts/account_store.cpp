#include "accounts/account_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/word_list.hpp"

namespace postfuze::accounts {

namespace {

constexpr std::string_view kColumns =
    "id, org_id, platform, tenant_id, social_network_id, network_unique_id, username, display_name, "
    "profile_image_url, account_type, status, scopes, access_token, refresh_token, token_expires_at, "
    "refresh_token_expires_at, token_version, platform_data, last_synced_at, created_at, updated_at, app_password";

boost::json::object parse_platform_data(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

std::optional<core::Sealed> optional_sealed(const store::Row& r, std::size_t i) {
  if (auto s = r.optional_text(i)) return core::Sealed::from_storage(std::move(*s));
  return std::nullopt;
}

SocialAccount from_row(const store::Row& r) {
  SocialAccount a;
  a.id = r.text(0);
  a.org = core::OrgId{r.text(1)};
  a.platform = r.text(2);
  a.tenant_id = r.optional_text(3);
  a.social_network_id = r.text(4);
  a.network_unique_id = r.text(5);
  a.username = r.optional_text(6);
  a.display_name = r.optional_text(7);
  a.profile_image_url = r.optional_text(8);
  a.account_type = r.text(9);
  a.status = r.text(10);
  a.scopes = store::split_words(r.text(11));
  a.access_token = optional_sealed(r, 12);
  a.refresh_token = optional_sealed(r, 13);
  a.token_expires_at = r.optional_time(14);
  a.refresh_token_expires_at = r.optional_time(15);
  a.token_version = r.integer(16);
  a.platform_data = parse_platform_data(r.text(17));
  a.last_synced_at = r.optional_time(18);
  a.created_at = r.time(19);
  a.updated_at = r.time(20);
  a.app_password = optional_sealed(r, 21);
  return a;
}

store::Params insert_params(const SocialAccount& a) {
  return {a.id,
          a.org.value,
          a.platform,
          a.tenant_id,
          a.social_network_id,
          a.network_unique_id,
          a.username,
          a.display_name,
          a.profile_image_url,
          a.account_type,
          a.status,
          store::join_words(a.scopes),
          a.access_token,
          a.refresh_token,
          a.token_expires_at,
          a.refresh_token_expires_at,
          a.token_version,
          boost::json::serialize(a.platform_data),
          a.last_synced_at,
          a.created_at,
          a.updated_at,
          a.app_password};
}

const std::string kInsert = "INSERT INTO social_accounts (" + std::string(kColumns) +
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
                            "$18, $19, $20, $21, $22)";

core::Result<std::optional<SocialAccount>> find_where(store::Connection& c, std::string_view condition,
                                                      const store::Params& params) {
  auto rows =
      c.query("SELECT " + std::string(kColumns) + " FROM social_accounts WHERE " + std::string(condition), params);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<SocialAccount>();
  return std::optional<SocialAccount>(from_row(rows->front()));
}

core::Result<Upserted> update_existing(store::Connection& c, SocialAccount a,
                                       const std::function<core::Status(SocialAccount&)>& update) {
  if (auto s = update(a); !s) return std::move(s).error();
  if (auto s = update_account(c, a); !s) return std::move(s).error();
  return Upserted{std::move(a), false};
}

}  // namespace

core::Result<std::optional<SocialAccount>> find_account(store::Connection& c, const core::OrgId& org,
                                                        std::string_view id) {
  return find_where(c, "org_id = $1 AND id = $2", {org.value, id});
}

core::Result<std::optional<SocialAccount>> find_account_by_identity(store::Connection& c, const core::OrgId& org,
                                                                    std::string_view platform,
                                                                    std::string_view network_unique_id) {
  return find_where(c, "org_id = $1 AND platform = $2 AND network_unique_id = $3",
                    {org.value, platform, network_unique_id});
}

core::Result<Upserted> upsert_account(store::Connection& c, const core::OrgId& org, std::string_view platform,
                                      std::string_view network_unique_id,
                                      const std::function<core::Result<SocialAccount>()>& create,
                                      const std::function<core::Status(SocialAccount&)>& update) {
  auto existing = find_account_by_identity(c, org, platform, network_unique_id);
  if (!existing) return std::move(existing).error();
  if (*existing) return update_existing(c, std::move(**existing), update);

  auto fresh = create();
  if (!fresh) return std::move(fresh).error();
  // As upsert_social_network: ON CONFLICT DO NOTHING rather than catching the
  // unique violation, which on PostgreSQL would abort the caller's
  // transaction. A concurrent insert of the same identity makes this one
  // change no row (PostgreSQL waits for the other transaction to commit
  // first; SQLite writers are serialised by BEGIN IMMEDIATE), and then we
  // update the winner.
  auto inserted =
      c.execute(kInsert + " ON CONFLICT (org_id, platform, network_unique_id) DO NOTHING", insert_params(*fresh));
  if (!inserted) return std::move(inserted).error();
  if (*inserted == 1) return Upserted{std::move(*fresh), true};

  auto winner = find_account_by_identity(c, org, platform, network_unique_id);
  if (!winner) return std::move(winner).error();
  if (!*winner) return core::Error::conflict("The account changed concurrently; retry the request.");
  return update_existing(c, std::move(**winner), update);
}

core::Status update_account(store::Connection& c, const SocialAccount& a) {
  auto r = c.execute(
      "UPDATE social_accounts SET tenant_id = $3, social_network_id = $4, username = $5, display_name = $6, "
      "profile_image_url = $7, account_type = $8, status = $9, scopes = $10, access_token = $11, "
      "refresh_token = $12, token_expires_at = $13, refresh_token_expires_at = $14, token_version = $15, "
      "platform_data = $16, last_synced_at = $17, updated_at = $18, app_password = $19 WHERE org_id = $1 AND id = $2",
      {a.org.value, a.id, a.tenant_id, a.social_network_id, a.username, a.display_name, a.profile_image_url,
       a.account_type, a.status, store::join_words(a.scopes), a.access_token, a.refresh_token, a.token_expires_at,
       a.refresh_token_expires_at, a.token_version, boost::json::serialize(a.platform_data), a.last_synced_at,
       a.updated_at, a.app_password});
  if (!r) return std::move(r).error();
  if (*r == 0) return core::Error::not_found();
  return core::Ok{};
}

core::Result<store::Page<SocialAccount>> list_accounts(store::Connection& c, const core::OrgId& org,
                                                       const AccountFilter& filter,
                                                       const std::optional<store::KeysetPosition>& after, int limit) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM social_accounts WHERE org_id = $1";
  store::Params params{org.value};
  auto match = [&](std::string_view column, const std::string& value) {
    params.emplace_back(value);
    sql += " AND " + std::string(column) + " = $" + std::to_string(params.size());
  };
  if (filter.id) match("id", *filter.id);
  if (filter.tenant_id) match("tenant_id", *filter.tenant_id);
  if (filter.platform) match("platform", *filter.platform);
  if (filter.status)
    match("status", *filter.status);
  else
    sql += " AND status <> '" + std::string(kDisconnected) + "'";
  auto rows = store::keyset_query(c, sql, std::move(params), after, limit);
  if (!rows) return std::move(rows).error();
  return store::to_page<SocialAccount>(*rows, limit, from_row);
}

}  // namespace postfuze::accounts
