// PostgreSQL test fixtures and the backend list the store-facing suites are
// parameterized over. PostgreSQL tests run when POSTFUZE_TEST_POSTGRES_URL
// names a server where the user may create databases (scripts/test.sh always
// sets it); without it they are skipped with a one-line notice on stderr.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace postfuze::test {

// The admin URL from POSTFUZE_TEST_POSTGRES_URL, if set and not empty.
std::optional<std::string> test_postgres_admin_url();

// A fresh database pf_test_<random> on the test server, dropped (WITH (FORCE))
// on destruction. Throws std::runtime_error when it cannot be created.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& admin_url);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  // The admin URL with its database replaced by name().
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

// Backend names for INSTANTIATE_TEST_SUITE_P: "sqlite", plus "postgres" when
// the test server is configured (otherwise prints the skip notice once).
std::vector<std::string> store_backends();

struct BackendParam {
  std::string name;
};
std::vector<BackendParam> store_backend_params();
inline void PrintTo(const BackendParam& p, std::ostream* os) { *os << p.name; }

// Test-name generator for suites over store_backends() or store_backend_params().
struct BackendParamName {
  std::string operator()(const testing::TestParamInfo<std::string>& info) const { return info.param; }
  std::string operator()(const testing::TestParamInfo<BackendParam>& info) const { return info.param.name; }
};

// A fresh, empty database for one backend: an SQLite file in its own TempDir,
// or a TestDatabase. url() is what open_database / POSTFUZE_DATABASE_URL take.
class BackendDatabase {
 public:
  explicit BackendDatabase(const std::string& backend);
  const std::string& backend() const { return backend_; }
  const std::string& url() const { return url_; }

 private:
  std::string backend_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<TestDatabase> pg_;
  std::string url_;
};

}  // namespace postfuze::test
