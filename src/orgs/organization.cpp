#include "orgs/organization.hpp"

namespace postfuze::orgs {

namespace {

Organization from_row(const store::Row& r) {
  return {core::OrgId{r.text(0)}, r.text(1), core::from_unix_ms(r.integer(2))};
}

core::Result<std::optional<Organization>> one(core::Result<std::vector<store::Row>> rows) {
  if (!rows) return std::move(rows).error();
  if (rows->empty()) return std::optional<Organization>();
  return std::optional<Organization>(from_row(rows->front()));
}

}  // namespace

core::Result<Organization> insert_organization(store::Connection& c, const Organization& org) {
  auto r = c.execute("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)",
                     {org.id.value, org.name, core::to_unix_ms(org.created_at)});
  if (!r) return std::move(r).error();
  return org;
}

core::Result<std::optional<Organization>> find_organization_by_name(store::Connection& c, std::string_view name) {
  return one(c.query("SELECT id, name, created_at FROM organizations WHERE name = $1", {name}));
}

core::Result<std::optional<Organization>> find_organization(store::Connection& c, const core::OrgId& id) {
  return one(c.query("SELECT id, name, created_at FROM organizations WHERE id = $1", {id.value}));
}

core::Result<std::int64_t> count_organizations(store::Connection& c) {
  auto rows = c.query("SELECT COUNT(*) FROM organizations");
  if (!rows) return std::move(rows).error();
  return rows->front().integer(0);
}

core::Result<Organization> ensure_organization(store::Database& db, const core::Clock& clock, core::Random& random,
                                               std::string_view name) {
  std::optional<Organization> found;
  auto lookup = [&](store::Connection& c) -> core::Status {
    auto r = find_organization_by_name(c, name);
    if (!r) return std::move(r).error();
    found = std::move(*r);
    return core::Ok{};
  };
  if (auto s = db.with_connection(lookup); !s) return std::move(s).error();
  if (found) return std::move(*found);

  Organization org{core::OrgId{core::new_uuid(random)}, std::string(name), clock.now()};
  auto s = db.transaction([&](store::Connection& c) -> core::Status {
    auto r = insert_organization(c, org);
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  if (s) return org;
  if (s.error().code != core::ErrorCode::conflict) return std::move(s).error();
  // Another caller created it first: use theirs.
  if (auto again = db.with_connection(lookup); !again) return std::move(again).error();
  if (!found) return core::Error::internal_error("organization vanished after a name conflict");
  return std::move(*found);
}

}  // namespace postfuze::orgs
