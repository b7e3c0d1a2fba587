#include "orgs/api_key_store.hpp"

#include "store/word_list.hpp"


namespace postfuze::orgs {

namespace {

constexpr std::string_view kColumns =
    "id, org_id, name, prefix, mode, scopes, created_at, expires_at, revoked_at";

ApiKey from_row(const store::Row& r) {
  ApiKey k;
  k.id = r.text(0);
  k.org = core::OrgId{r.text(1)};
  k.name = r.text(2);
  k.prefix = r.text(3);
  k.mode = parse_key_mode(r.text(4)).value_or(KeyMode::test);
  k.scopes = store::split_words(r.text(5));
  k.created_at = core::from_unix_ms(r.integer(6));
  k.expires_at = r.optional_time(7);
  k.revoked_at = r.optional_time(8);
  return k;
}

core::Result<std::optional<ApiKey>> one(core::Result<std::vector<store::Row>> rows) {
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<ApiKey>();
  return std::optional<ApiKey>(from_row(rows->front()));
}

}  // namespace

core::Status insert_api_key(store::Connection& c, const ApiKey& key, std::string_view key_hash) {
  auto r = c.execute(
      "INSERT INTO api_keys (id, org_id, name, prefix, key_hash, mode, scopes, created_at, expires_at, revoked_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {key.id, key.org.value, key.name, key.prefix, key_hash, to_string(key.mode), store::join_words(key.scopes),
       core::to_unix_ms(key.created_at), key.expires_at, key.revoked_at});
  if (!r) return std::move(r).error();
  return core::Ok{};
}

core::Result<IssuedApiKey> issue_api_key(store::Connection& c, const core::Clock& clock, core::Random& random,
                                         const core::OrgId& org, NewApiKey request) {
  auto generated = generate_api_key(request.mode, random);
  ApiKey key{core::new_uuid(random), org,        std::move(request.name), generated.prefix, request.mode,
             std::move(request.scopes), clock.now(), request.expires_at, std::nullopt};
  if (auto s = insert_api_key(c, key, generated.hash); !s) return std::move(s).error();
  return IssuedApiKey{std::move(key), std::move(generated.plaintext)};
}

core::Result<std::optional<ApiKey>> find_api_key_by_hash(store::Connection& c, std::string_view key_hash) {
  return one(c.query("SELECT " + std::string(kColumns) + " FROM api_keys WHERE key_hash = $1", {key_hash}));
}

core::Result<std::optional<ApiKey>> find_api_key(store::Connection& c, const core::OrgId& org, std::string_view id) {
  return one(
      c.query("SELECT " + std::string(kColumns) + " FROM api_keys WHERE org_id = $1 AND id = $2", {org.value, id}));
}

core::Result<ApiKeyPage> list_api_keys(store::Connection& c, const core::OrgId& org,
                                       const std::optional<KeysetPosition>& after, int limit) {
  auto rows = store::keyset_query(c, "SELECT " + std::string(kColumns) + " FROM api_keys WHERE org_id = $1",
                                  {org.value}, after, limit);
  if (!rows) return std::move(rows).error();
  return store::to_page<ApiKey>(*rows, limit, from_row);
}

core::Result<bool> revoke_api_key(store::Connection& c, const core::OrgId& org, std::string_view id,
                                  core::TimePoint now) {
  auto existing = find_api_key(c, org, id);
  if (!existing) return std::move(existing).error();
  if (!*existing) return false;
  auto r = c.execute("UPDATE api_keys SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL",
                     {org.value, id, core::to_unix_ms(now)});
  if (!r) return std::move(r).error();
  return true;
}

core::Result<std::vector<ApiKey>> list_all_api_keys(store::Connection& c) {
  auto rows = c.query("SELECT " + std::string(kColumns) + " FROM api_keys ORDER BY created_at DESC, id DESC");
  if (!rows) return std::move(rows).error();
  std::vector<ApiKey> out;
  for (const auto& r : *rows) out.push_back(from_row(r));
  return out;
}

}  // namespace postfuze::orgs
