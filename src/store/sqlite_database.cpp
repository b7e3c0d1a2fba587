#include "store/sqlite_database.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <unordered_map>

#include "store/placeholders.hpp"
#include "store/pooled_database.hpp"

namespace postfuze::store {

namespace {

// Statements built from dynamic text could grow the cache without bound; past
// this many the cache starts over.
constexpr std::size_t kStatementCacheLimit = 64;

std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  return sql.size() <= kMax ? std::string(sql) : std::string(sql.substr(0, kMax)) + "…";
}

core::Error sqlite_error(int rc, std::string_view message, std::string_view sql) {
  std::string internal = "sqlite: " + std::string(message) + " (" + sqlite3_errstr(rc) + ")";
  if (!sql.empty()) internal += " in: " + sql_excerpt(sql);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    auto e = core::Error::conflict("A record with the same unique value already exists.");
    e.internal = std::move(internal);
    return e;
  }
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return core::Error::unavailable("The database is busy; try again later.", std::move(internal));
  }
  return core::Error::internal_error(std::move(internal));
}

// Lets the statement cache be searched with a string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

bool only_whitespace(const char* p) {
  for (; *p; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != ';') return false;
  }
  return true;
}

class SqliteConnection final : public DriverConnection {
 public:
  static core::Result<std::unique_ptr<DriverConnection>> open(const std::string& path, const DatabaseOptions& options);

  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    clear_cache();
    sqlite3_close_v2(db_);
  }

  core::Result<std::vector<Row>> query(std::string_view sql, const Params& params) override;
  core::Result<std::int64_t> execute(std::string_view sql, const Params& params) override;
  core::Status execute_script(std::string_view sql) override;
  bool recycle() override;

 private:
  // Resets a cached statement and drops its bindings when a call ends, so the
  // statement holds no lock and no pointer into the caller's params.
  struct Reset {
    sqlite3_stmt* stmt;
    ~Reset() {
      if (stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    }
  };

  // A prepared, bound statement; nullptr for text with no statement in it.
  core::Result<sqlite3_stmt*> prepare(std::string_view sql, const Params& params);
  core::Error error(int rc, std::string_view sql) const { return sqlite_error(rc, sqlite3_errmsg(db_), sql); }
  void clear_cache();

  sqlite3* db_;
  // Keyed by the caller's SQL text, before placeholder rewriting.
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

core::Result<std::unique_ptr<DriverConnection>> SqliteConnection::open(const std::string& path,
                                                                       const DatabaseOptions& options) {
  sqlite3* raw = nullptr;
  // NOMUTEX: the pool hands a connection to one thread at a time.
  int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto conn = std::make_unique<SqliteConnection>(raw);  // owns raw even when the open failed
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return core::Error::unavailable("The database could not be opened.", "sqlite: cannot open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  // The busy timeout first: switching to WAL itself needs a lock another
  // process may hold for a moment.
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  if (auto st = conn->execute_script("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
      !st) {
    auto e = std::move(st).error();
    return core::Error::unavailable("The database could not be opened.",
                                    "sqlite: cannot configure " + path + ": " + e.internal);
  }
  return std::unique_ptr<DriverConnection>(std::move(conn));
}

void SqliteConnection::clear_cache() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
}

core::Result<sqlite3_stmt*> SqliteConnection::prepare(std::string_view sql, const Params& params) {
  sqlite3_stmt* stmt = nullptr;
  if (auto it = cache_.find(sql); it != cache_.end()) {
    stmt = it->second;
  } else {
    PlaceholderScan scan = scan_placeholders(sql, true);
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, scan.sql.c_str(), static_cast<int>(scan.sql.size() + 1), SQLITE_PREPARE_PERSISTENT,
                                &stmt, &tail);
    if (rc != SQLITE_OK) return error(rc, sql);
    if (tail && !only_whitespace(tail)) {
      sqlite3_finalize(stmt);
      return core::Error::internal_error("sqlite: more than one statement (use execute_script) in: " +
                                         sql_excerpt(sql));
    }
    if (!stmt) return static_cast<sqlite3_stmt*>(nullptr);
    if (cache_.size() >= kStatementCacheLimit) clear_cache();
    cache_.emplace(std::string(sql), stmt);
  }

  int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<std::size_t>(expected) != params.size()) {
    return core::Error::internal_error("sqlite: statement takes " + std::to_string(expected) + " parameters, " +
                                       std::to_string(params.size()) + " given, in: " + sql_excerpt(sql));
  }
  for (int i = 0; i < expected; ++i) {
    const Param& p = params[static_cast<std::size_t>(i)];
    int rc;
    if (p.is_null()) {
      rc = sqlite3_bind_null(stmt, i + 1);
    } else if (p.is_int()) {
      rc = sqlite3_bind_int64(stmt, i + 1, p.as_int());
    } else {
      // SQLITE_STATIC: params outlive the call and bindings are cleared at its end.
      rc = sqlite3_bind_text64(stmt, i + 1, p.as_text().data(), p.as_text().size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) {
      Reset reset{stmt};
      return error(rc, sql);
    }
  }
  return stmt;
}

core::Result<std::vector<Row>> SqliteConnection::query(std::string_view sql, const Params& params) {
  auto prepared = prepare(sql, params);
  if (!prepared) return std::move(prepared).error();
  std::vector<Row> rows;
  sqlite3_stmt* stmt = *prepared;
  if (!stmt) return rows;
  Reset reset{stmt};
  const int columns = sqlite3_column_count(stmt);
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error(rc, sql);
    std::vector<std::optional<std::string>> cols;
    cols.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
        cols.emplace_back(std::nullopt);
      } else {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        cols.emplace_back(std::string(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
      }
    }
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

core::Result<std::int64_t> SqliteConnection::execute(std::string_view sql, const Params& params) {
  auto prepared = prepare(sql, params);
  if (!prepared) return std::move(prepared).error();
  sqlite3_stmt* stmt = *prepared;
  if (!stmt) return std::int64_t{0};
  Reset reset{stmt};
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, even
  // across DDL; the total only moves when this statement changed rows.
  const sqlite3_int64 before = sqlite3_total_changes64(db_);
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error(rc, sql);
  }
  if (sqlite3_total_changes64(db_) == before) return std::int64_t{0};
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

core::Status SqliteConnection::execute_script(std::string_view sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return core::Ok{};
  std::string text = message ? message : sqlite3_errmsg(db_);
  sqlite3_free(message);
  return sqlite_error(rc, text, sql);
}

bool SqliteConnection::recycle() {
  if (sqlite3_get_autocommit(db_)) return true;
  (void)sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return sqlite3_get_autocommit(db_) != 0;
}

std::string effective_path(std::string_view path) {
  // "sqlite:///abs/file.db" names /abs/file.db, as in the common URL spelling.
  if (path.starts_with("//")) path.remove_prefix(2);
  return std::string(path);
}

}  // namespace

core::Result<std::unique_ptr<Database>> open_sqlite_database(std::string_view url_path,
                                                             const DatabaseOptions& options) {
  std::string path = effective_path(url_path);
  if (path.empty()) {
    return core::Error::unavailable("The SQLite database URL has no path; expected sqlite:PATH.",
                                    "sqlite: empty path in database URL");
  }
  const bool memory = path == ":memory:";
  if (!memory) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return core::Error::unavailable("The database directory could not be created.",
                                      "sqlite: cannot create " + parent.string() + ": " + ec.message());
    }
  }

  auto first = SqliteConnection::open(path, options);
  if (!first) return std::move(first).error();
  auto db = std::make_unique<PooledDatabase>(Dialect::sqlite, "BEGIN IMMEDIATE", memory ? 1 : options.pool_size,
                                             std::chrono::milliseconds(options.busy_timeout_ms),
                                             [path, options] { return SqliteConnection::open(path, options); });
  db->pool().adopt(std::move(first).value());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace postfuze::store
