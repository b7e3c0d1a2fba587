// Database: the SQL door shared by every module's store.
//
// Two backends implement it: SQLite (embedded default; WAL, busy timeout, a
// small pool of connections) and PostgreSQL (libpq, a connection pool). Module
// stores (orgs::ApiKeyStore, …) are written once against this interface in the
// portable SQL subset both accept; where the dialects differ a store asks
// dialect() and picks its text. SQL uses PostgreSQL-style `$1, $2…`
// placeholders on both backends.
//
// Values cross as text or 64-bit integers; NULL is an empty optional. Times are
// stored as integer Unix milliseconds, booleans as 0/1 integers, ids as text.
//
// Thread safety: a Database may be used from many threads at once; each call
// borrows its own connection from the pool. A Connection is used by one thread
// at a time, only inside the callback that received it. All calls block: run
// them on the blocking pool, never on an I/O thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/sealed.hpp"

namespace postfuze::store {

enum class Dialect { sqlite, postgres };

// One bound parameter: NULL, text, or a 64-bit integer. PostgreSQL receives
// integers typed bigint (text is left for the server to infer): write
// `$1::int` where a function insists on integer.
class Param {
 public:
  Param(std::nullopt_t) {}
  Param(std::string v) : text_(std::move(v)) {}
  Param(std::string_view v) : text_(std::string(v)) {}
  Param(const char* v) : text_(std::string(v)) {}
  Param(std::int64_t v) : text_(std::to_string(v)), is_int_(true), int_(v) {}
  Param(int v) : Param(static_cast<std::int64_t>(v)) {}
  Param(bool v) : Param(static_cast<std::int64_t>(v ? 1 : 0)) {}
  Param(std::optional<std::string> v) : text_(std::move(v)) {}
  Param(std::optional<std::int64_t> v) {
    if (v) *this = Param(*v);
  }
  // Times are stored as Unix milliseconds, secrets only sealed.
  Param(core::TimePoint t) : Param(core::to_unix_ms(t)) {}
  Param(std::optional<core::TimePoint> t) {
    if (t) *this = Param(*t);
  }
  Param(const core::Sealed& s) : text_(s.text()) {}
  Param(const std::optional<core::Sealed>& s) {
    if (s) text_ = s->text();
  }

  bool is_null() const { return !text_.has_value(); }
  bool is_int() const { return is_int_; }
  std::int64_t as_int() const { return int_; }
  const std::string& as_text() const { return *text_; }

 private:
  std::optional<std::string> text_;
  bool is_int_ = false;
  std::int64_t int_ = 0;
};

using Params = std::vector<Param>;

// One result row; columns in SELECT order, each NULL or its text form.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool is_null(std::size_t i) const { return !cols_.at(i).has_value(); }
  const std::string& text(std::size_t i) const;     // precondition: not NULL
  std::int64_t integer(std::size_t i) const;         // precondition: not NULL, integral (PostgreSQL t/f read as 1/0)
  bool boolean(std::size_t i) const { return integer(i) != 0; }
  std::optional<std::string> optional_text(std::size_t i) const { return cols_.at(i); }
  std::optional<std::int64_t> optional_integer(std::size_t i) const;
  core::TimePoint time(std::size_t i) const { return core::from_unix_ms(integer(i)); }
  std::optional<core::TimePoint> optional_time(std::size_t i) const {
    if (auto v = optional_integer(i)) return core::from_unix_ms(*v);
    return std::nullopt;
  }

 private:
  std::vector<std::optional<std::string>> cols_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one statement and returns its rows (empty for statements without any).
  // Errors: a unique/primary-key violation → core::ErrorCode::conflict; a lost
  // connection or busy database → unavailable; anything else → internal. The
  // SQL text and driver message go to Error::internal only.
  virtual core::Result<std::vector<Row>> query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual core::Result<std::int64_t> execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual core::Status execute_script(std::string_view sql) = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs fn inside one transaction on one connection: commits when fn returns
  // ok, rolls back when it returns an error (which is passed through) or throws
  // (rethrown). SQLite transactions begin IMMEDIATE so writers queue on the
  // busy timeout instead of failing to upgrade.
  virtual core::Status transaction(const std::function<core::Status(Connection&)>& fn) = 0;

  // Runs fn on a pooled connection in autocommit mode.
  virtual core::Status with_connection(const std::function<core::Status(Connection&)>& fn) = 0;

  // Cheap liveness check (SELECT 1); unavailable when the store does not answer.
  virtual core::Status ping() = 0;
};

struct DatabaseOptions {
  int pool_size = 4;                  // connections kept open
  int busy_timeout_ms = 5000;         // SQLite busy timeout; PostgreSQL pool wait
  int connect_timeout_s = 5;          // PostgreSQL connect_timeout
};

// Opens "sqlite:PATH" (creating the file and its directory) or
// "postgresql://…" / "postgres://…". Errors name the problem without echoing a
// password from the URL.
core::Result<std::unique_ptr<Database>> open_database(std::string_view url, const DatabaseOptions& options = {});

// Applies every embedded migration for the database's dialect that is not yet
// recorded in schema_migrations, each in its own transaction, in version order.
// Safe to run from several processes at once (PostgreSQL: advisory lock;
// SQLite: BEGIN IMMEDIATE). Returns the number of migrations applied.
// store/migrate.hpp has an overload taking an explicit migration list.
core::Result<int> migrate(Database& db);

}  // namespace postfuze::store
