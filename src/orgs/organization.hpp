// Organisations: the tenancy boundary. Every other row names its org, and
// every store call takes the OrgId first.
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace postfuze::orgs {

struct Organization {
  core::OrgId id;
  std::string name;
  core::TimePoint created_at;
};

// Store calls, to be run inside the caller's connection or transaction.
core::Result<Organization> insert_organization(store::Connection& c, const Organization& org);
core::Result<std::optional<Organization>> find_organization_by_name(store::Connection& c, std::string_view name);
core::Result<std::optional<Organization>> find_organization(store::Connection& c, const core::OrgId& id);
core::Result<std::int64_t> count_organizations(store::Connection& c);

// Finds the organisation named `name` or creates it. Two callers racing on
// the same name both get the one row.
core::Result<Organization> ensure_organization(store::Database& db, const core::Clock& clock, core::Random& random,
                                               std::string_view name);

}  // namespace postfuze::orgs
