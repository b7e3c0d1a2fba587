// StoreTest: the common part of the store conformance suites — parameterised
// over store_backends(), each test gets a fresh, migrated database of that
// backend, a key ring, a manual clock and two organisations (org_a_, org_b_),
// plus read/write/status_of/count helpers that turn a store error into an
// exception naming it. Header-only (only *_test.cpp files are compiled per
// folder; support/*.cpp go into pf_test_support).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "support/manual_clock.hpp"
#include "support/postgres.hpp"

namespace postfuze::test {

inline std::string describe(const core::Error& e) {
  return std::string(core::to_string(e.code)) + ": " + e.detail + " / " + e.internal;
}

class StoreTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<BackendDatabase>(GetParam());
    db_ = open(backend_->url());
    auto m = store::migrate(*db_);
    ASSERT_TRUE(m) << describe(m.error());
    auto ring = crypto::KeyRing::parse(crypto::KeyRing::generate_entry(random_, "k1"));
    ASSERT_TRUE(ring);
    keys_.emplace(std::move(*ring));
    org_a_ = org("acme");
    org_b_ = org("globex");
  }

  static std::unique_ptr<store::Database> open(const std::string& url) {
    auto db = store::open_database(url);
    if (!db) throw std::runtime_error("open_database: " + describe(db.error()));
    return std::move(*db);
  }

  core::OrgId org(const std::string& name) {
    auto o = orgs::ensure_organization(*db_, clock_, random_, name);
    if (!o) throw std::runtime_error(describe(o.error()));
    return o->id;
  }

  // Runs `fn` in a transaction (on `db`, or the test's database); its value,
  // or an exception naming the error.
  template <typename T, typename F>
  T write(F fn, store::Database* db = nullptr) {
    std::optional<T> out;
    auto s = (db ? db : db_.get())->transaction([&](store::Connection& c) -> core::Status {
      auto r = fn(c);
      if (!r) return std::move(r).error();
      out.emplace(std::move(*r));
      return core::Ok{};
    });
    if (!s) throw std::runtime_error(describe(s.error()));
    return std::move(*out);
  }

  // Runs `fn` on a connection; its value, or an exception naming the error.
  template <typename T, typename F>
  T read(F fn) {
    std::optional<T> out;
    auto s = db_->with_connection([&](store::Connection& c) -> core::Status {
      auto r = fn(c);
      if (!r) return std::move(r).error();
      out.emplace(std::move(*r));
      return core::Ok{};
    });
    if (!s) throw std::runtime_error(describe(s.error()));
    return std::move(*out);
  }

  // The Status `fn` returns (for asserting on an expected error).
  core::Status status_of(const std::function<core::Status(store::Connection&)>& fn) {
    std::optional<core::Status> out;
    auto s = db_->with_connection([&](store::Connection& c) -> core::Status {
      out.emplace(fn(c));
      return core::Ok{};
    });
    if (!s) throw std::runtime_error(describe(s.error()));
    return std::move(*out);
  }

  std::vector<store::Row> rows(std::string_view sql, const store::Params& params = {}) {
    return read<std::vector<store::Row>>([&](store::Connection& c) { return c.query(sql, params); });
  }
  std::int64_t count(std::string_view sql, const store::Params& params = {}) {
    return rows(sql, params).at(0).integer(0);
  }

  std::unique_ptr<BackendDatabase> backend_;
  std::unique_ptr<store::Database> db_;
  ManualClock clock_;
  crypto::SecureRandom random_;
  std::optional<crypto::KeyRing> keys_;
  core::OrgId org_a_, org_b_;
};

}  // namespace postfuze::test
