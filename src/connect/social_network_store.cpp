#include "connect/social_network_store.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "store/word_list.hpp"

namespace postfuze::connect {

namespace {

constexpr std::string_view kColumns =
    "id, org_id, platform, display_name, client_id, client_secret, redirect_uri, scopes, extra_config, is_enabled, "
    "created_at, updated_at";

boost::json::object parse_config(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.as_object());
}

SocialNetwork from_row(const store::Row& r) {
  SocialNetwork n;
  n.id = r.text(0);
  n.org = core::OrgId{r.text(1)};
  n.platform = r.text(2);
  n.display_name = r.optional_text(3);
  n.client_id = r.optional_text(4);
  if (auto s = r.optional_text(5)) n.client_secret = core::Sealed::from_storage(*s);
  n.redirect_uri = r.optional_text(6);
  n.scopes = store::split_words(r.text(7));
  n.extra_config = parse_config(r.text(8));
  n.is_enabled = r.boolean(9);
  n.created_at = core::from_unix_ms(r.integer(10));
  n.updated_at = core::from_unix_ms(r.integer(11));
  return n;
}

store::Params insert_params(const SocialNetwork& n) {
  return {n.id,
          n.org.value,
          n.platform,
          n.display_name,
          n.client_id,
          n.client_secret,
          n.redirect_uri,
          store::join_words(n.scopes),
          boost::json::serialize(n.extra_config),
          n.is_enabled,
          core::to_unix_ms(n.created_at),
          core::to_unix_ms(n.updated_at)};
}

const std::string kInsert = "INSERT INTO social_networks (" + std::string(kColumns) +
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

core::Result<std::optional<SocialNetwork>> find_where(store::Connection& c, std::string_view condition,
                                                      const store::Params& params) {
  auto rows = c.query("SELECT " + std::string(kColumns) + " FROM social_networks WHERE " + std::string(condition),
                      params);
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<SocialNetwork>();
  return std::optional<SocialNetwork>(from_row(rows->front()));
}

core::Result<Upserted> update_existing(store::Connection& c, SocialNetwork n,
                                       const std::function<core::Status(SocialNetwork&)>& update) {
  if (auto s = update(n); !s) return std::move(s).error();
  if (auto s = update_social_network(c, n); !s) return std::move(s).error();
  return Upserted{std::move(n), false};
}

}  // namespace

core::Status insert_social_network(store::Connection& c, const SocialNetwork& n) {
  auto r = c.execute(kInsert, insert_params(n));
  if (!r) return std::move(r).error();
  return core::Ok{};
}

core::Result<std::optional<SocialNetwork>> find_social_network(store::Connection& c, const core::OrgId& org,
                                                               std::string_view id) {
  return find_where(c, "org_id = $1 AND id = $2", {org.value, id});
}

core::Result<std::optional<SocialNetwork>> find_social_network_by_platform(store::Connection& c,
                                                                           const core::OrgId& org,
                                                                           std::string_view platform) {
  return find_where(c, "org_id = $1 AND platform = $2", {org.value, platform});
}

core::Result<std::vector<SocialNetwork>> list_social_networks(store::Connection& c, const core::OrgId& org) {
  auto rows = c.query("SELECT " + std::string(kColumns) + " FROM social_networks WHERE org_id = $1 ORDER BY platform",
                      {org.value});
  if (!rows) return std::move(rows).error();
  std::vector<SocialNetwork> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(from_row(r));
  // Byte order whatever the PostgreSQL collation.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.platform < b.platform; });
  return out;
}

core::Status update_social_network(store::Connection& c, const SocialNetwork& n) {
  auto r = c.execute(
      "UPDATE social_networks SET display_name = $3, client_id = $4, client_secret = $5, redirect_uri = $6, "
      "scopes = $7, extra_config = $8, is_enabled = $9, updated_at = $10 WHERE org_id = $1 AND id = $2",
      {n.org.value, n.id, n.display_name, n.client_id, n.client_secret, n.redirect_uri,
       store::join_words(n.scopes), boost::json::serialize(n.extra_config), n.is_enabled,
       core::to_unix_ms(n.updated_at)});
  if (!r) return std::move(r).error();
  if (*r == 0) return core::Error::not_found();
  return core::Ok{};
}

core::Result<bool> delete_social_network(store::Connection& c, const core::OrgId& org, std::string_view id) {
  auto r = c.execute("DELETE FROM social_networks WHERE org_id = $1 AND id = $2", {org.value, id});
  if (!r) return std::move(r).error();
  return *r > 0;
}

core::Result<Upserted> upsert_social_network(store::Connection& c, const core::OrgId& org, std::string_view platform,
                                             const std::function<core::Result<SocialNetwork>()>& create,
                                             const std::function<core::Status(SocialNetwork&)>& update) {
  auto existing = find_social_network_by_platform(c, org, platform);
  if (!existing) return std::move(existing).error();
  if (*existing) return update_existing(c, std::move(**existing), update);

  auto fresh = create();
  if (!fresh) return std::move(fresh).error();
  // ON CONFLICT DO NOTHING rather than catching the unique violation: on
  // PostgreSQL a failed statement would abort the caller's transaction. A
  // concurrent insert of the same (org, platform) makes this one change no
  // row (PostgreSQL waits for the other transaction to commit first; SQLite
  // writers are serialised by BEGIN IMMEDIATE), and then we update the winner.
  auto inserted = c.execute(kInsert + " ON CONFLICT (org_id, platform) DO NOTHING", insert_params(*fresh));
  if (!inserted) return std::move(inserted).error();
  if (*inserted == 1) return Upserted{std::move(*fresh), true};

  auto winner = find_social_network_by_platform(c, org, platform);
  if (!winner) return std::move(winner).error();
  if (!*winner) return core::Error::conflict("The social network changed concurrently; retry the request.");
  return update_existing(c, std::move(**winner), update);
}

}  // namespace postfuze::connect
