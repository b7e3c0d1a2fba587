#include "store/migrate.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace postfuze::store {

namespace {

// Serializes migrators across PostgreSQL sessions; "postfuze" in ASCII.
constexpr std::string_view kLockSql = "SELECT pg_advisory_xact_lock(8101821198435187301)";

struct Planned {
  std::int64_t version = 0;
  std::string_view file;
  std::string_view sql;
};

core::Error migration_error(std::string internal) {
  return core::Error::internal_error("migrate: " + std::move(internal));
}

// "0001_orgs_and_api_keys.sql" → 1.
std::optional<std::int64_t> parse_version(std::string_view file) {
  std::size_t underscore = file.find('_');
  if (underscore == 0 || underscore == std::string_view::npos || !file.ends_with(".sql")) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(file.data(), file.data() + underscore, v);
  if (ec != std::errc() || end != file.data() + underscore || v < 0) return std::nullopt;
  return v;
}

core::Result<std::vector<Planned>> plan(Dialect dialect, std::span<const EmbeddedMigration> migrations) {
  const std::string_view backend = dialect == Dialect::sqlite ? "sqlite" : "postgres";
  std::vector<Planned> out;
  for (const auto& m : migrations) {
    if (m.backend != backend) continue;
    auto version = parse_version(m.file);
    if (!version) return migration_error("migration file name lacks a NNNN_ version: " + std::string(m.file));
    out.push_back({*version, m.file, m.sql});
  }
  std::sort(out.begin(), out.end(), [](const Planned& a, const Planned& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return migration_error("two migrations share version " + std::to_string(out[i].version) + ": " +
                             std::string(out[i - 1].file) + " and " + std::string(out[i].file));
    }
  }
  return out;
}

// Takes the cross-process migration lock (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the write lock).
core::Status lock(Dialect dialect, Connection& c) {
  if (dialect != Dialect::postgres) return core::Ok{};
  auto rows = c.query(kLockSql);
  if (!rows) return std::move(rows).error();
  return core::Ok{};
}

}  // namespace

core::Result<int> migrate(Database& db) { return migrate(db, embedded_migrations()); }

core::Result<int> migrate(Database& db, std::span<const EmbeddedMigration> migrations) {
  const Dialect dialect = db.dialect();
  auto planned = plan(dialect, migrations);
  if (!planned) return std::move(planned).error();

  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide on PostgreSQL.
  const std::string_view create_sql =
      dialect == Dialect::sqlite ? "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
                                 : "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
  if (auto st = db.transaction([&](Connection& c) -> core::Status {
        if (auto locked = lock(dialect, c); !locked) return locked;
        auto made = c.execute(create_sql);
        if (!made) return std::move(made).error();
        return core::Ok{};
      });
      !st) {
    return std::move(st).error();
  }

  // A first look without the lock skips the common case (nothing to do) cheaply.
  std::set<std::int64_t> applied;
  if (auto st = db.with_connection([&](Connection& c) -> core::Status {
        auto rows = c.query("SELECT version FROM schema_migrations");
        if (!rows) return std::move(rows).error();
        for (const Row& r : *rows) applied.insert(r.integer(0));
        return core::Ok{};
      });
      !st) {
    return std::move(st).error();
  }

  const core::SystemClock clock;
  int count = 0;
  for (const Planned& m : *planned) {
    if (applied.contains(m.version)) continue;
    bool ran = false;
    auto st = db.transaction([&](Connection& c) -> core::Status {
      ran = false;
      if (auto locked = lock(dialect, c); !locked) return locked;
      // Re-check under the lock: another process may have applied it meanwhile.
      auto seen = c.query("SELECT 1 FROM schema_migrations WHERE version = $1", {m.version});
      if (!seen) return std::move(seen).error();
      if (!seen->empty()) return core::Ok{};
      if (auto done = c.execute_script(m.sql); !done) return done;
      auto recorded = c.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                                {m.version, m.file, core::to_unix_ms(clock.now())});
      if (!recorded) return std::move(recorded).error();
      ran = true;
      return core::Ok{};
    });
    if (!st) {
      core::Error e = std::move(st).error();
      e.internal = "migrate: " + std::string(m.file) + ": " + e.internal;
      return e;
    }
    if (ran) ++count;
  }
  return count;
}

}  // namespace postfuze::store
