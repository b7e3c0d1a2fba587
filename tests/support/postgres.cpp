#include "support/postgres.hpp"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <stdexcept>

namespace postfuze::test {

namespace {

constexpr const char* kEnv = "POSTFUZE_TEST_POSTGRES_URL";

// Runs one statement on a short-lived admin connection (raw libpq, so the
// fixture does not depend on the store code under test).
void admin_exec(const std::string& admin_url, const std::string& sql) {
  PGconn* conn = PQconnectdb(admin_url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("test postgres: cannot connect with " + std::string(kEnv) + ": " + msg);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  std::string msg = PQresultErrorMessage(res);
  PQclear(res);
  PQfinish(conn);
  if (!ok) throw std::runtime_error("test postgres: " + sql + ": " + msg);
}

std::string random_suffix() {
  std::random_device rd;
  std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// admin_url with its database name replaced by `name`.
std::string with_database(const std::string& admin_url, const std::string& name) {
  std::size_t scheme = admin_url.find("://");
  if (scheme == std::string::npos) return admin_url + " dbname=" + name;  // keyword form: later wins
  std::size_t path = admin_url.find_first_of("/?", scheme + 3);
  if (path == std::string::npos) return admin_url + "/" + name;
  if (admin_url[path] == '?') return admin_url.substr(0, path) + "/" + name + admin_url.substr(path);
  std::size_t query = admin_url.find('?', path);
  return admin_url.substr(0, path + 1) + name + (query == std::string::npos ? "" : admin_url.substr(query));
}

}  // namespace

std::optional<std::string> test_postgres_admin_url() {
  const char* v = std::getenv(kEnv);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

TestDatabase::TestDatabase(const std::string& admin_url)
    : admin_url_(admin_url), name_("pf_test_" + random_suffix()), url_(with_database(admin_url, name_)) {
  admin_exec(admin_url_, "CREATE DATABASE " + name_);
}

TestDatabase::~TestDatabase() {
  try {
    admin_exec(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warning: %s\n", e.what());  // a destructor must not throw
  }
}

std::vector<std::string> store_backends() {
  std::vector<std::string> out{"sqlite"};
  if (test_postgres_admin_url()) {
    out.push_back("postgres");
  } else {
    static std::once_flag once;
    // stderr: gtest_discover_tests parses stdout of --gtest_list_tests.
    std::call_once(once,
                   [] { std::fprintf(stderr, "NOTICE: %s is not set; PostgreSQL store tests are skipped.\n", kEnv); });
  }
  return out;
}

std::vector<BackendParam> store_backend_params() {
  std::vector<BackendParam> out;
  for (auto& name : store_backends()) out.push_back({name});
  return out;
}

BackendDatabase::BackendDatabase(const std::string& backend) : backend_(backend) {
  if (backend == "sqlite") {
    dir_ = std::make_unique<TempDir>("postfuze-db");
    url_ = "sqlite:" + dir_->file("postfuze.db").string();
  } else if (backend == "postgres") {
    auto admin = test_postgres_admin_url();
    if (!admin) throw std::runtime_error("BackendDatabase: " + std::string(kEnv) + " is not set");
    pg_ = std::make_unique<TestDatabase>(*admin);
    url_ = pg_->url();
  } else {
    throw std::invalid_argument("BackendDatabase: unknown backend " + backend);
  }
}

}  // namespace postfuze::test
