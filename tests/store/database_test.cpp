// Conformance suite for store::Database: every TEST_P runs against each backend
// in store_backends() (SQLite always; PostgreSQL when POSTFUZE_TEST_POSTGRES_URL
// is set), so module stores can rely on one behaviour.
#include "store/database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/migrate.hpp"
#include "store/migration_set.hpp"
#include "store/placeholders.hpp"
#include "store/url_redactor.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::store {
namespace {

using core::ErrorCode;
using test::BackendDatabase;

std::string describe(const core::Error& e) {
  return std::string(core::to_string(e.code)) + ": " + e.detail + " / " + e.internal;
}

std::unique_ptr<Database> open_or_throw(const std::string& url, const DatabaseOptions& options = {}) {
  auto db = open_database(url, options);
  if (!db) throw std::runtime_error("open_database failed: " + describe(db.error()));
  return std::move(db).value();
}

core::Result<std::vector<Row>> query(Database& db, std::string_view sql, const Params& params = {}) {
  std::optional<core::Result<std::vector<Row>>> out;
  auto st = db.with_connection([&](Connection& c) -> core::Status {
    out.emplace(c.query(sql, params));
    return core::Ok{};
  });
  if (!st) return std::move(st).error();
  return std::move(*out);
}

core::Result<std::int64_t> execute(Database& db, std::string_view sql, const Params& params = {}) {
  std::optional<core::Result<std::int64_t>> out;
  auto st = db.with_connection([&](Connection& c) -> core::Status {
    out.emplace(c.execute(sql, params));
    return core::Ok{};
  });
  if (!st) return std::move(st).error();
  return std::move(*out);
}

// Rows of a query that must succeed.
std::vector<Row> rows(Database& db, std::string_view sql, const Params& params = {}) {
  auto r = query(db, sql, params);
  if (!r) throw std::runtime_error("query failed: " + describe(r.error()) + " for " + std::string(sql));
  return std::move(r).value();
}

std::int64_t count(Database& db, std::string_view table) {
  return rows(db, "SELECT COUNT(*) FROM " + std::string(table)).at(0).integer(0);
}

std::size_t embedded_count(Dialect d) {
  std::string_view backend = d == Dialect::sqlite ? "sqlite" : "postgres";
  std::size_t n = 0;
  for (const auto& m : embedded_migrations()) n += m.backend == backend;
  return n;
}

class DatabaseTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<BackendDatabase>(GetParam());
    db_ = open_or_throw(backend_->url());
  }

  bool postgres() const { return GetParam() == "postgres"; }
  std::string_view backend_name() const { return postgres() ? "postgres" : "sqlite"; }

  void create_items() {
    auto r = execute(*db_, "CREATE TABLE items (k TEXT PRIMARY KEY, s TEXT, n BIGINT)");
    ASSERT_TRUE(r) << describe(r.error());
  }

  std::unique_ptr<BackendDatabase> backend_;
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, ReportsItsDialect) { EXPECT_EQ(db_->dialect(), postgres() ? Dialect::postgres : Dialect::sqlite); }

TEST_P(DatabaseTest, RoundTripsTextIntegersAndNull) {
  create_items();
  const std::string unicode = "h\xC3\xA9llo \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x9A\x80";  // héllo ✓ 日本 🚀
  const auto max = std::numeric_limits<std::int64_t>::max();
  const auto min = std::numeric_limits<std::int64_t>::min();
  ASSERT_TRUE(execute(*db_, "INSERT INTO items (k, s, n) VALUES ($1, $2, $3)", {"a", unicode, max}));
  ASSERT_TRUE(execute(*db_, "INSERT INTO items (k, s, n) VALUES ($1, $2, $3)", {"b", std::nullopt, min}));
  ASSERT_TRUE(execute(*db_, "INSERT INTO items (k, s, n) VALUES ($1, $2, $3)",
                      {"c", std::string(), std::optional<std::int64_t>()}));

  auto r = rows(*db_, "SELECT k, s, n FROM items ORDER BY k");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].size(), 3u);
  EXPECT_EQ(r[0].text(0), "a");
  EXPECT_EQ(r[0].text(1), unicode);
  EXPECT_EQ(r[0].integer(2), max);
  EXPECT_EQ(r[0].text(2), "9223372036854775807");
  EXPECT_TRUE(r[1].is_null(1));
  EXPECT_EQ(r[1].optional_text(1), std::nullopt);
  EXPECT_EQ(r[1].integer(2), min);
  EXPECT_FALSE(r[2].is_null(1)) << "empty text must not read back as NULL";
  EXPECT_EQ(r[2].text(1), "");
  EXPECT_EQ(r[2].optional_integer(2), std::nullopt);

  // Filtering by a bound unicode value and a bound integer finds the row.
  EXPECT_EQ(rows(*db_, "SELECT k FROM items WHERE s = $1 AND n = $2", {unicode, max}).size(), 1u);

  auto direct = rows(*db_, "SELECT $1, $2", {std::int64_t{42}, "x"});
  ASSERT_EQ(direct.size(), 1u);
  EXPECT_EQ(direct[0].integer(0), 42);
  EXPECT_EQ(direct[0].text(1), "x");
}

TEST_P(DatabaseTest, BooleansReadAsIntegers) {
  auto r = rows(*db_, "SELECT 1 = 1, 1 = 2");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].boolean(0));
  EXPECT_FALSE(r[0].boolean(1));
}

TEST_P(DatabaseTest, ReusesAndReordersParameters) {
  create_items();
  ASSERT_TRUE(execute(*db_, "INSERT INTO items (k, s, n) VALUES ($2, $2, $1)", {7, "dup"}));
  auto r = rows(*db_, "SELECT k, s, n FROM items");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text(0), "dup");
  EXPECT_EQ(r[0].text(1), "dup");
  EXPECT_EQ(r[0].integer(2), 7);

  auto order = rows(*db_, "SELECT $3, $1, $2, $1", {"a", "b", "c"});
  ASSERT_EQ(order.size(), 1u);
  EXPECT_EQ(order[0].text(0), "c");
  EXPECT_EQ(order[0].text(1), "a");
  EXPECT_EQ(order[0].text(2), "b");
  EXPECT_EQ(order[0].text(3), "a");

  // `$1` inside a string literal or comment is text, not a parameter.
  auto quoted = rows(*db_, "SELECT '$1 and $2', $1 -- $2\n", {"v"});
  ASSERT_EQ(quoted.size(), 1u);
  EXPECT_EQ(quoted[0].text(0), "$1 and $2");
  EXPECT_EQ(quoted[0].text(1), "v");
}

TEST_P(DatabaseTest, RejectsAParameterCountMismatch) {
  auto too_few = query(*db_, "SELECT $1, $2", {"a"});
  ASSERT_FALSE(too_few);
  EXPECT_EQ(too_few.error().code, ErrorCode::internal);
  auto too_many = query(*db_, "SELECT $1", {"a", "b"});
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::internal);
}

TEST_P(DatabaseTest, ExecuteReturnsChangedRowCounts) {
  create_items();
  for (int i = 1; i <= 3; ++i) {
    auto n = execute(*db_, "INSERT INTO items (k, n) VALUES ($1, $2)", {"k" + std::to_string(i), i});
    ASSERT_TRUE(n) << describe(n.error());
    EXPECT_EQ(*n, 1);
  }
  auto updated = execute(*db_, "UPDATE items SET n = n + 10 WHERE n >= $1", {2});
  ASSERT_TRUE(updated);
  EXPECT_EQ(*updated, 2);
  // Statements that change nothing report 0, not the previous statement's count.
  auto ddl = execute(*db_, "CREATE TABLE other (x BIGINT)");
  ASSERT_TRUE(ddl) << describe(ddl.error());
  EXPECT_EQ(*ddl, 0);
  auto none = execute(*db_, "DELETE FROM items WHERE k = $1", {"missing"});
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  auto deleted = execute(*db_, "DELETE FROM items");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 3);
}

TEST_P(DatabaseTest, TransactionCommits) {
  create_items();
  auto st = db_->transaction([](Connection& c) -> core::Status {
    for (const char* k : {"a", "b"}) {
      auto n = c.execute("INSERT INTO items (k) VALUES ($1)", {k});
      if (!n) return std::move(n).error();
    }
    auto seen = c.query("SELECT COUNT(*) FROM items");
    if (!seen || seen->at(0).integer(0) != 2) return core::Error::internal_error("own writes not visible");
    return core::Ok{};
  });
  ASSERT_TRUE(st) << describe(st.error());
  EXPECT_EQ(count(*db_, "items"), 2);
}

TEST_P(DatabaseTest, TransactionRollsBackWhenFnReturnsAnError) {
  create_items();
  auto st = db_->transaction([](Connection& c) -> core::Status {
    auto n = c.execute("INSERT INTO items (k) VALUES ($1)", {"a"});
    if (!n) return std::move(n).error();
    return core::Error::not_found("nope");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::not_found);
  EXPECT_EQ(st.error().detail, "nope");
  EXPECT_EQ(count(*db_, "items"), 0);
}

TEST_P(DatabaseTest, TransactionRollsBackAndRethrowsWhenFnThrows) {
  create_items();
  // One connection, so the next call reuses the one the exception left.
  DatabaseOptions one;
  one.pool_size = 1;
  auto db = open_or_throw(backend_->url(), one);
  EXPECT_THROW((void)db->transaction([](Connection& c) -> core::Status {
    (void)c.execute("INSERT INTO items (k) VALUES ($1)", {"a"});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(count(*db, "items"), 0);

  auto st = db->transaction([](Connection& c) -> core::Status {
    auto n = c.execute("INSERT INTO items (k) VALUES ($1)", {"b"});
    if (!n) return std::move(n).error();
    return core::Ok{};
  });
  ASSERT_TRUE(st) << describe(st.error());
  EXPECT_EQ(count(*db_, "items"), 1);
}

TEST_P(DatabaseTest, ConnectionIsReturnedWithoutAnOpenTransaction) {
  create_items();
  DatabaseOptions one;
  one.pool_size = 1;
  auto db = open_or_throw(backend_->url(), one);
  // A caller that BEGINs by hand and forgets to finish must not leak its
  // transaction to the next borrower.
  ASSERT_TRUE(db->with_connection([](Connection& c) -> core::Status {
    if (auto b = c.execute("BEGIN"); !b) return std::move(b).error();
    auto n = c.execute("INSERT INTO items (k) VALUES ($1)", {"left-open"});
    if (!n) return std::move(n).error();
    return core::Ok{};
  }));
  EXPECT_EQ(count(*db_, "items"), 0);
  auto st = db->transaction([](Connection& c) -> core::Status {
    auto n = c.execute("INSERT INTO items (k) VALUES ($1)", {"next"});
    if (!n) return std::move(n).error();
    return core::Ok{};
  });
  ASSERT_TRUE(st) << describe(st.error());
  EXPECT_EQ(count(*db_, "items"), 1);
}

TEST_P(DatabaseTest, UniqueViolationIsConflict) {
  ASSERT_TRUE(execute(*db_, "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT UNIQUE NOT NULL)"));
  ASSERT_TRUE(execute(*db_, "INSERT INTO users (id, email) VALUES ($1, $2)", {1, "a@example.com"}));

  auto same_key = execute(*db_, "INSERT INTO users (id, email) VALUES ($1, $2)", {1, "b@example.com"});
  ASSERT_FALSE(same_key);
  EXPECT_EQ(same_key.error().code, ErrorCode::conflict) << describe(same_key.error());
  auto same_email = execute(*db_, "INSERT INTO users (id, email) VALUES ($1, $2)", {2, "a@example.com"});
  ASSERT_FALSE(same_email);
  EXPECT_EQ(same_email.error().code, ErrorCode::conflict) << describe(same_email.error());
  // The client-facing detail is generic; the driver message and SQL go to internal.
  EXPECT_EQ(same_email.error().detail.find("users"), std::string::npos);
  EXPECT_EQ(same_email.error().detail.find("INSERT"), std::string::npos);
  EXPECT_NE(same_email.error().internal.find("INSERT INTO users"), std::string::npos);

  // Other constraint failures are not conflicts.
  auto not_null = execute(*db_, "INSERT INTO users (id, email) VALUES ($1, $2)", {3, std::nullopt});
  ASSERT_FALSE(not_null);
  EXPECT_EQ(not_null.error().code, ErrorCode::internal) << describe(not_null.error());

  // A conflict inside a transaction rolls the whole transaction back.
  auto st = db_->transaction([](Connection& c) -> core::Status {
    auto a = c.execute("INSERT INTO users (id, email) VALUES ($1, $2)", {10, "c@example.com"});
    if (!a) return std::move(a).error();
    auto b = c.execute("INSERT INTO users (id, email) VALUES ($1, $2)", {11, "c@example.com"});
    if (!b) return std::move(b).error();
    return core::Ok{};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::conflict);
  EXPECT_EQ(count(*db_, "users"), 1);
}

TEST_P(DatabaseTest, SyntaxErrorIsInternalWithTheDriverMessageKeptInternal) {
  auto r = query(*db_, "SELEC nonsense");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::internal);
  EXPECT_EQ(r.error().detail.find("SELEC"), std::string::npos);
  EXPECT_NE(r.error().internal.find("SELEC nonsense"), std::string::npos) << r.error().internal;
}

TEST_P(DatabaseTest, SwallowedStatementErrorInATransaction) {
  create_items();
  auto st = db_->transaction([](Connection& c) -> core::Status {
    auto a = c.execute("INSERT INTO items (k) VALUES ($1)", {"a"});
    if (!a) return std::move(a).error();
    (void)c.execute("INSERT INTO no_such_table VALUES (1)");  // error ignored on purpose
    return core::Ok{};
  });
  if (postgres()) {
    // PostgreSQL has aborted the transaction: reporting success would be a lie.
    ASSERT_FALSE(st);
    EXPECT_EQ(count(*db_, "items"), 0);
  } else {
    // SQLite fails only the statement; the transaction goes on and commits.
    ASSERT_TRUE(st) << describe(st.error());
    EXPECT_EQ(count(*db_, "items"), 1);
  }
}

TEST_P(DatabaseTest, MigrateAppliesEverythingOnceThenNothing) {
  const auto expected = embedded_count(db_->dialect());
  ASSERT_GT(expected, 0u);
  auto first = migrate(*db_);
  ASSERT_TRUE(first) << describe(first.error());
  EXPECT_EQ(static_cast<std::size_t>(*first), expected);
  auto second = migrate(*db_);
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_EQ(*second, 0);

  auto recorded = rows(*db_, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_EQ(recorded.size(), expected);
  EXPECT_EQ(recorded[0].integer(0), 1);
  EXPECT_EQ(recorded[0].text(1), "0001_orgs_and_api_keys.sql");
  EXPECT_GT(recorded[0].integer(2), 1'600'000'000'000);  // Unix ms

  // The schema is there and enforces its constraints.
  ASSERT_TRUE(
      execute(*db_, "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)", {"org_1", "Acme", 1}));
  auto dup =
      execute(*db_, "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)", {"org_2", "Acme", 2});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  auto orphan = execute(*db_,
                        "INSERT INTO api_keys (id, org_id, name, prefix, key_hash, mode, scopes, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        {"key_1", "org_missing", "n", "p", "h", "test", "", 1});
  ASSERT_FALSE(orphan) << "foreign keys must be enforced";
  EXPECT_EQ(orphan.error().code, ErrorCode::internal);
}

TEST_P(DatabaseTest, MigrateFromTwoThreadsAtOnceAppliesEachMigrationOnce) {
  // Many small migrations widen the window in which the two can interleave.
  std::vector<std::string> names, sqls;
  for (int v = 1; v <= 12; ++v) {
    char name[32];
    std::snprintf(name, sizeof name, "%04d_t%d.sql", 100 + v, v);  // clear of the embedded versions
    names.emplace_back(name);
    sqls.push_back("CREATE TABLE t" + std::to_string(v) + " (x BIGINT); INSERT INTO t" + std::to_string(v) +
                   " (x) VALUES (" + std::to_string(v) + ");");
  }
  std::vector<EmbeddedMigration> list;
  for (std::size_t i = 0; i < names.size(); ++i) list.push_back({backend_name(), names[i], sqls[i]});

  for (bool embedded : {true, false}) {
    SCOPED_TRACE(embedded ? "embedded migrations" : "12 generated migrations");
    auto a = open_or_throw(backend_->url());
    auto b = open_or_throw(backend_->url());
    std::optional<core::Result<int>> ra, rb;
    std::latch start(2);
    auto run = [&](Database& db, std::optional<core::Result<int>>& out) {
      start.arrive_and_wait();
      out.emplace(embedded ? migrate(db) : migrate(db, list));
    };
    std::thread ta(run, std::ref(*a), std::ref(ra));
    std::thread tb(run, std::ref(*b), std::ref(rb));
    ta.join();
    tb.join();
    ASSERT_TRUE(*ra) << describe(ra->error());
    ASSERT_TRUE(*rb) << describe(rb->error());
    const std::size_t expected = embedded ? embedded_count(db_->dialect()) : list.size();
    EXPECT_EQ(static_cast<std::size_t>(ra->value() + rb->value()), expected);
  }
  EXPECT_EQ(static_cast<std::size_t>(count(*db_, "schema_migrations")), embedded_count(db_->dialect()) + 12);
  EXPECT_EQ(count(*db_, "t12"), 1) << "each migration's script ran exactly once";
}

TEST_P(DatabaseTest, MigrateOrdersByNumericVersion) {
  // String order would run 10_ before 9_ and fail on the missing table.
  std::vector<EmbeddedMigration> list = {
      {backend_name(), "10_fill.sql", "INSERT INTO ordered (x) VALUES (10);"},
      {backend_name(), "9_create.sql", "CREATE TABLE ordered (x BIGINT);"},
      {postgres() ? "sqlite" : "postgres", "8_other_backend.sql", "THIS IS NOT SQL"},
  };
  auto n = migrate(*db_, list);
  ASSERT_TRUE(n) << describe(n.error());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(count(*db_, "ordered"), 1);
}

TEST_P(DatabaseTest, MigrateRejectsDuplicateVersionsAndBadNamesBeforeApplyingAny) {
  std::vector<EmbeddedMigration> dup = {
      {backend_name(), "0001_first.sql", "CREATE TABLE dup_first (x BIGINT);"},
      {backend_name(), "0002_a.sql", "CREATE TABLE dup_a (x BIGINT);"},
      {backend_name(), "002_b.sql", "CREATE TABLE dup_b (x BIGINT);"},
  };
  auto r = migrate(*db_, dup);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().internal.find("0002_a.sql"), std::string::npos) << r.error().internal;
  EXPECT_FALSE(query(*db_, "SELECT COUNT(*) FROM dup_first")) << "nothing may be applied";

  std::vector<EmbeddedMigration> unnamed = {{backend_name(), "first.sql", "CREATE TABLE bad_name (x BIGINT);"}};
  EXPECT_FALSE(migrate(*db_, unnamed));
  EXPECT_FALSE(query(*db_, "SELECT COUNT(*) FROM bad_name"));
}

TEST_P(DatabaseTest, FailedMigrationIsRolledBackAndRetried) {
  std::vector<EmbeddedMigration> broken = {
      {backend_name(), "0001_ok.sql", "CREATE TABLE m1 (x BIGINT);"},
      {backend_name(), "0002_broken.sql", "CREATE TABLE m2 (x BIGINT); INSERT INTO no_such_table VALUES (1);"},
  };
  auto r = migrate(*db_, broken);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().internal.find("0002_broken.sql"), std::string::npos) << r.error().internal;
  EXPECT_TRUE(query(*db_, "SELECT COUNT(*) FROM m1"));
  EXPECT_FALSE(query(*db_, "SELECT COUNT(*) FROM m2")) << "the failed migration's DDL must roll back";
  auto versions = rows(*db_, "SELECT version FROM schema_migrations");
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].integer(0), 1);

  std::vector<EmbeddedMigration> fixed = {
      broken[0],
      {backend_name(), "0002_fixed.sql", "CREATE TABLE m2 (x BIGINT);"},
  };
  auto again = migrate(*db_, fixed);
  ASSERT_TRUE(again) << describe(again.error());
  EXPECT_EQ(*again, 1);
}

TEST_P(DatabaseTest, ConcurrentWritersAllLand) {
  create_items();
  // Two Database objects on one URL stand in for two server processes.
  auto other = open_or_throw(backend_->url());
  constexpr int kThreads = 8;
  constexpr int kInserts = 50;
  std::atomic<int> failures{0};
  std::mutex mu;
  std::string first_failure;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Database& db = t % 2 ? *other : *db_;
      start.arrive_and_wait();
      for (int i = 0; i < kInserts; ++i) {
        std::string key = std::to_string(t) + "-" + std::to_string(i);
        core::Status st = core::Ok{};
        if (t % 4 < 2) {
          auto n = execute(db, "INSERT INTO items (k, n) VALUES ($1, $2)", {key, i});
          if (!n) st = std::move(n).error();
        } else {
          // Read-then-write transactions: the pattern that deadlocks SQLite without BEGIN IMMEDIATE.
          st = db.transaction([&](Connection& c) -> core::Status {
            auto seen = c.query("SELECT COUNT(*) FROM items WHERE k = $1", {key});
            if (!seen) return std::move(seen).error();
            auto n = c.execute("INSERT INTO items (k, n) VALUES ($1, $2)", {key, i});
            if (!n) return std::move(n).error();
            return core::Ok{};
          });
        }
        if (!st) {
          ++failures;
          std::lock_guard lk(mu);
          if (first_failure.empty()) first_failure = describe(st.error());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_EQ(count(*db_, "items"), kThreads * kInserts);
}

TEST_P(DatabaseTest, PingSucceeds) {
  auto st = db_->ping();
  EXPECT_TRUE(st) << describe(st.error());
}

TEST_P(DatabaseTest, PoolWaitIsBoundedByTheBusyTimeout) {
  DatabaseOptions options;
  options.pool_size = 1;
  options.busy_timeout_ms = 300;
  auto db = open_or_throw(backend_->url(), options);
  std::optional<core::Status> nested;
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(db->with_connection([&](Connection&) -> core::Status {
    nested.emplace(db->ping());  // the only connection is in use right here
    return core::Ok{};
  }));
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(*nested);
  EXPECT_EQ(nested->error().code, ErrorCode::unavailable);
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_TRUE(db->ping()) << "the connection is back in the pool afterwards";
}

TEST_P(DatabaseTest, RecoversAfterTheServerDropsAPooledConnection) {
  if (!postgres()) GTEST_SKIP() << "PostgreSQL only: an SQLite connection cannot be dropped by a server";
  DatabaseOptions one;
  one.pool_size = 1;
  auto db = open_or_throw(backend_->url(), one);
  auto before = rows(*db, "SELECT pg_backend_pid()").at(0).integer(0);
  auto killed = rows(*db_, "SELECT pg_terminate_backend($1::int, 5000)", {before});
  ASSERT_TRUE(killed.at(0).boolean(0));

  auto st = db->ping();
  ASSERT_TRUE(st) << describe(st.error());
  auto after = rows(*db, "SELECT pg_backend_pid()").at(0).integer(0);
  EXPECT_NE(after, before);
}

TEST_P(DatabaseTest, SqliteConnectionsUseWalAndTheConfiguredPragmas) {
  if (postgres()) GTEST_SKIP() << "SQLite only";
  DatabaseOptions options;
  options.busy_timeout_ms = 1234;
  auto db = open_or_throw(backend_->url(), options);
  EXPECT_EQ(rows(*db, "PRAGMA journal_mode").at(0).text(0), "wal");
  EXPECT_EQ(rows(*db, "PRAGMA foreign_keys").at(0).integer(0), 1);
  EXPECT_EQ(rows(*db, "PRAGMA synchronous").at(0).integer(0), 1);  // NORMAL
  EXPECT_EQ(rows(*db, "PRAGMA busy_timeout").at(0).integer(0), 1234);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, testing::ValuesIn(test::store_backends()), test::BackendParamName());

// --- opening: URLs and failures (no server needed) ---------------------------------------------

TEST(OpenDatabase, UnreachablePostgresIsUnavailableQuicklyAndKeepsThePasswordOut) {
  for (std::string url : {"postgresql://postgres:s3cr3tpw@127.0.0.1:1/x",
                          "postgres://postgres@127.0.0.1:1/x?password=s3cr3tpw&connect_timeout=2",
                          "postgresql://postgres:p%41s3cr3tpw@127.0.0.1:1/x"}) {
    SCOPED_TRACE(url);
    auto started = std::chrono::steady_clock::now();
    auto db = open_database(url);
    ASSERT_FALSE(db);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    const core::Error& e = db.error();
    EXPECT_EQ(e.code, ErrorCode::unavailable);
    EXPECT_NE(e.internal.find("127.0.0.1"), std::string::npos) << e.internal;  // names the target
    for (const auto* field : {&e.detail, &e.internal}) {
      EXPECT_EQ(field->find("s3cr3tpw"), std::string::npos) << *field;
      EXPECT_EQ(field->find("pAs3cr3t"), std::string::npos) << *field;
    }
  }
}

TEST(OpenDatabase, MalformedPostgresUrlKeepsThePasswordOut) {
  // libpq's parse error quotes the bad token, which here is the password.
  auto db = open_database("postgresql://postgres:bad%zzsecret@127.0.0.1:1/x");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
  EXPECT_EQ(db.error().internal.find("zzsecret"), std::string::npos) << db.error().internal;
  EXPECT_EQ(db.error().detail.find("zzsecret"), std::string::npos) << db.error().detail;
}

TEST(OpenDatabase, UnsupportedSchemeIsRejectedWithoutEchoingTheUrl) {
  auto db = open_database("mysql://root:hunter2@localhost/db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
  EXPECT_EQ(db.error().internal.find("hunter2"), std::string::npos);
  EXPECT_EQ(db.error().detail.find("hunter2"), std::string::npos);
  EXPECT_NE(db.error().internal.find("mysql"), std::string::npos);
  EXPECT_FALSE(open_database(""));
}

TEST(OpenDatabase, SqliteCreatesTheParentDirectory) {
  test::TempDir dir;
  auto path = dir.file("a/b/c/postfuze.db");
  auto db = open_database("sqlite:" + path.string());
  ASSERT_TRUE(db) << describe(db.error());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE((*db)->ping());
}

TEST(OpenDatabase, SqliteNeedsAPath) {
  auto db = open_database("sqlite:");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
}

TEST(OpenDatabase, SqliteUnopenablePathIsUnavailable) {
  test::TempDir dir;
  // The path is a directory: sqlite cannot open it as a database file.
  auto db = open_database("sqlite:" + dir.path().string());
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::unavailable);
}

TEST(OpenDatabase, SqliteMemoryDatabaseWorksWithOneConnection) {
  auto db = open_database("sqlite::memory:");
  ASSERT_TRUE(db) << describe(db.error());
  auto n = migrate(**db);
  ASSERT_TRUE(n) << describe(n.error());
  EXPECT_EQ(static_cast<std::size_t>(*n), embedded_count(Dialect::sqlite));
  EXPECT_EQ(count(**db, "organizations"), 0);
}

// --- helpers ------------------------------------------------------------------------------------

TEST(Placeholders, RewritesOnlyRealParameters) {
  auto s = scan_placeholders("SELECT $1, '$2', \"$3\", a$4, $12 -- $13\n/* $14 */ $$ $15 $$ $tag$ $16 $tag$ $2", true);
  EXPECT_EQ(s.sql, "SELECT ?1, '$2', \"$3\", a$4, ?12 -- $13\n/* $14 */ $$ $15 $$ $tag$ $16 $tag$ ?2");
  EXPECT_EQ(s.max_index, 12);
  auto kept = scan_placeholders("UPDATE t SET a = $2 WHERE b = 'it''s $3' AND c = $1", false);
  EXPECT_EQ(kept.sql, "UPDATE t SET a = $2 WHERE b = 'it''s $3' AND c = $1");
  EXPECT_EQ(kept.max_index, 2);
  EXPECT_EQ(scan_placeholders("SELECT 1", true).max_index, 0);
}

TEST(UrlRedactor, MasksPasswordsInEveryUrlForm) {
  UrlRedactor userinfo("postgresql://alice:pa%40ss@db.example:5432/app?sslmode=require");
  EXPECT_EQ(userinfo.redacted_url(), "postgresql://alice:***@db.example:5432/app?sslmode=require");
  EXPECT_EQ(userinfo.scrub("auth failed for pa@ss and pa%40ss"), "auth failed for *** and ***");

  UrlRedactor query("postgres://alice@db/app?sslmode=disable&password=hunter2");
  EXPECT_EQ(query.redacted_url(), "postgres://alice@db/app?sslmode=disable&password=***");

  UrlRedactor keywords("host=db user=alice password='sec ret' dbname=app");
  EXPECT_EQ(keywords.redacted_url(), "host=db user=alice password=*** dbname=app");
  EXPECT_EQ(keywords.scrub("x sec ret y"), "x *** y");

  UrlRedactor none("postgresql://alice@db/app");
  EXPECT_EQ(none.redacted_url(), "postgresql://alice@db/app");
  EXPECT_EQ(none.scrub("alice"), "alice");
}

TEST(Row, ReadsTextIntegersAndRejectsMisuse) {
  Row r({std::string("42"), std::nullopt, std::string("x"), std::string("-7"), std::string("t")});
  EXPECT_EQ(r.integer(0), 42);
  EXPECT_EQ(r.optional_integer(1), std::nullopt);
  EXPECT_EQ(r.optional_integer(3), -7);
  EXPECT_TRUE(r.boolean(4));
  EXPECT_THROW((void)r.text(1), std::logic_error);
  EXPECT_THROW((void)r.integer(2), std::logic_error);
  EXPECT_THROW((void)r.text(9), std::out_of_range);
}

}  // namespace
}  // namespace postfuze::store
