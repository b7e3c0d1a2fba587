// migrate() over an explicit migration list, for tests and tools; the
// database.hpp overload passes embedded_migrations().
#pragma once

#include <span>

#include "store/database.hpp"
#include "store/migration_set.hpp"

namespace postfuze::store {

// Applies the entries of `migrations` whose backend matches db.dialect(), as
// migrate(Database&) does. Fails before touching the database when a file name
// lacks its NNNN_ version prefix or two files share a version.
core::Result<int> migrate(Database& db, std::span<const EmbeddedMigration> migrations);

}  // namespace postfuze::store
