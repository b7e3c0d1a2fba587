#include "store/postgres_database.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>

#include "store/placeholders.hpp"
#include "store/pooled_database.hpp"
#include "store/url_redactor.hpp"

namespace postfuze::store {

namespace {

constexpr Oid kInt8Oid = 20;  // pg_type.oid of bigint; 0 lets the server infer

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// Everything a connection needs to (re)connect and to report errors safely.
struct Target {
  std::string url;
  std::string connect_timeout;
  UrlRedactor redactor;
};

std::string sql_excerpt(std::string_view sql) {
  constexpr std::size_t kMax = 200;
  return sql.size() <= kMax ? std::string(sql) : std::string(sql.substr(0, kMax)) + "…";
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// SQLSTATEs that mean "the store cannot serve this now; retrying may help".
bool transient_sqlstate(std::string_view state) {
  if (state.size() != 5) return false;
  if (state.starts_with("08")) return state != "08P01";            // connection exception, except protocol misuse
  if (state.starts_with("53")) return true;                        // insufficient resources (too many connections, …)
  return state == "57P01" || state == "57P02" || state == "57P03"  // shutdown, crash, starting up
         || state == "40001" || state == "40P01" || state == "55P03";  // serialization, deadlock, lock timeout
}

class PostgresConnection final : public DriverConnection {
 public:
  static core::Result<std::unique_ptr<DriverConnection>> connect(std::shared_ptr<const Target> target);

  PostgresConnection(std::shared_ptr<const Target> target, PGconn* conn) : target_(std::move(target)), conn_(conn) {}
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;
  ~PostgresConnection() override { PQfinish(conn_); }

  core::Result<std::vector<Row>> query(std::string_view sql, const Params& params) override;
  core::Result<std::int64_t> execute(std::string_view sql, const Params& params) override;
  core::Status execute_script(std::string_view sql) override;
  core::Status revive() override;
  bool recycle() override;
  bool transaction_failed() const override { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

 private:
  core::Result<ResultPtr> run(std::string_view sql, const Params& params);
  core::Result<ResultPtr> check(PGresult* raw, std::string_view sql);
  core::Error error(const PGresult* res, std::string_view sql) const;

  std::shared_ptr<const Target> target_;
  PGconn* conn_;
};

void ignore_notice(void*, const char*) {}  // NOTICEs (e.g. "already exists, skipping") are not errors

core::Error connect_error(const Target& target, PGconn* conn) {
  std::string msg = conn ? trim(PQerrorMessage(conn)) : "out of memory";
  return core::Error::unavailable(
      "The database is unavailable.",
      "postgres: cannot connect to " + target.redactor.redacted_url() + ": " + target.redactor.scrub(msg));
}

core::Result<std::unique_ptr<DriverConnection>> PostgresConnection::connect(std::shared_ptr<const Target> target) {
  // Entries before "dbname" are defaults the URL may override.
  const char* keys[] = {"connect_timeout", "client_encoding", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {target->connect_timeout.c_str(), "UTF8", "postfuze", target->url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    auto e = connect_error(*target, conn);
    PQfinish(conn);
    return e;
  }
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  return std::unique_ptr<DriverConnection>(std::make_unique<PostgresConnection>(std::move(target), conn));
}

core::Error PostgresConnection::error(const PGresult* res, std::string_view sql) const {
  std::string msg = trim(res ? PQresultErrorMessage(res) : PQerrorMessage(conn_));
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string internal = "postgres: " + target_->redactor.scrub(msg);
  if (state) internal += " [" + std::string(state) + "]";
  if (!sql.empty()) internal += " in: " + sql_excerpt(sql);

  if (PQstatus(conn_) != CONNECTION_OK) return core::Error::unavailable("The database is unavailable.", internal);
  std::string_view sqlstate = state ? state : "";
  if (sqlstate == "23505") {
    auto e = core::Error::conflict("A record with the same unique value already exists.");
    e.internal = std::move(internal);
    return e;
  }
  if (transient_sqlstate(sqlstate)) {
    return core::Error::unavailable("The database is busy; try again later.", std::move(internal));
  }
  return core::Error::internal_error(std::move(internal));
}

core::Result<ResultPtr> PostgresConnection::check(PGresult* raw, std::string_view sql) {
  ResultPtr res(raw, &PQclear);
  if (!res) return error(nullptr, sql);
  switch (PQresultStatus(res.get())) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      return res;
    default:
      return error(res.get(), sql);
  }
}

core::Result<ResultPtr> PostgresConnection::run(std::string_view sql, const Params& params) {
  PlaceholderScan scan = scan_placeholders(sql, false);
  if (static_cast<std::size_t>(scan.max_index) != params.size()) {
    return core::Error::internal_error("postgres: statement takes " + std::to_string(scan.max_index) + " parameters, " +
                                       std::to_string(params.size()) + " given, in: " + sql_excerpt(sql));
  }
  std::vector<const char*> values;
  std::vector<Oid> types;
  values.reserve(params.size());
  types.reserve(params.size());
  for (const Param& p : params) {
    values.push_back(p.is_null() ? nullptr : p.as_text().c_str());
    types.push_back(p.is_int() ? kInt8Oid : 0);
  }
  return check(PQexecParams(conn_, scan.sql.c_str(), static_cast<int>(params.size()), types.data(), values.data(),
                            nullptr, nullptr, 0),
               sql);
}

core::Result<std::vector<Row>> PostgresConnection::query(std::string_view sql, const Params& params) {
  auto res = run(sql, params);
  if (!res) return std::move(res).error();
  PGresult* r = res->get();
  const int n = PQntuples(r);
  const int columns = PQnfields(r);
  std::vector<Row> rows;
  rows.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::vector<std::optional<std::string>> cols;
    cols.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, i, c)) {
        cols.emplace_back(std::nullopt);
      } else {
        cols.emplace_back(std::string(PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c))));
      }
    }
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

core::Result<std::int64_t> PostgresConnection::execute(std::string_view sql, const Params& params) {
  auto res = run(sql, params);
  if (!res) return std::move(res).error();
  const char* tuples = PQcmdTuples(res->get());  // "" for statements that change no rows
  std::int64_t n = 0;
  std::from_chars(tuples, tuples + std::strlen(tuples), n);
  return n;
}

core::Status PostgresConnection::execute_script(std::string_view sql) {
  auto res = check(PQexec(conn_, std::string(sql).c_str()), sql);
  if (!res) return std::move(res).error();
  return core::Ok{};
}

core::Status PostgresConnection::revive() {
  // A server that closed this connection while it sat idle (restart,
  // pg_terminate_backend) left its goodbye in the socket: reading it, without
  // blocking, turns the status to CONNECTION_BAD. A second read sees the EOF.
  for (int i = 0; i < 2 && PQstatus(conn_) == CONNECTION_OK; ++i) PQconsumeInput(conn_);
  if (PQstatus(conn_) == CONNECTION_OK) return core::Ok{};
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return connect_error(*target_, conn_);
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  return core::Ok{};
}

bool PostgresConnection::recycle() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE:
      return true;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      PQclear(PQexec(conn_, "ROLLBACK"));
      return PQtransactionStatus(conn_) == PQTRANS_IDLE;
    default:
      return false;
  }
}

}  // namespace

core::Result<std::unique_ptr<Database>> open_postgres_database(std::string_view url, const DatabaseOptions& options) {
  auto target = std::make_shared<Target>(
      Target{std::string(url), std::to_string(std::max(options.connect_timeout_s, 1)), UrlRedactor(url)});

  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(target->url.c_str(), &parse_error);
  if (!parsed) {
    std::string msg = parse_error ? trim(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return core::Error::unavailable(
        "The PostgreSQL database URL is invalid.",
        "postgres: invalid URL " + target->redactor.redacted_url() + ": " + target->redactor.scrub(msg));
  }
  PQconninfoFree(parsed);

  auto first = PostgresConnection::connect(target);
  if (!first) return std::move(first).error();
  auto db = std::make_unique<PooledDatabase>(Dialect::postgres, "BEGIN", options.pool_size,
                                             std::chrono::milliseconds(options.busy_timeout_ms),
                                             [target] { return PostgresConnection::connect(target); });
  db->pool().adopt(std::move(first).value());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace postfuze::store
