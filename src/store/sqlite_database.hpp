// The SQLite backend: a pool of connections to one database file, each in WAL
// mode with a busy timeout and foreign keys on. Transactions begin IMMEDIATE so
// concurrent writers queue on the busy timeout instead of failing to upgrade.
#pragma once

#include <memory>
#include <string_view>

#include "store/database.hpp"

namespace postfuze::store {

// path is what follows "sqlite:"; its parent directory is created if missing.
// ":memory:" gets a single connection (each connection would see its own database).
core::Result<std::unique_ptr<Database>> open_sqlite_database(std::string_view path, const DatabaseOptions& options);

}  // namespace postfuze::store
