// Key rotation's re-encryption pass (jobs/reencrypt.hpp) against every
// backend in store_backends(): rows in every sealed column are sealed under
// key kA, the ring rotates to kB (kA kept for decryption), and the pass runs
// on a real io_context with the store work on a thread pool. Checks: no value
// names kA afterwards and each still opens under its own associated data; a
// value changed between a batch's read and write keeps the writer's value; a
// pass stopped after one batch continues on the next run; a value that does
// not open is left and reported without stopping the pass.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "accounts/account_store.hpp"
#include "accounts/social_account.hpp"
#include "connect/pending_session.hpp"
#include "connect/pending_session_store.hpp"
#include "connect/social_network.hpp"
#include "connect/social_network_store.hpp"
#include "core/log.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "jobs/reencrypt.hpp"
#include "jobs/sealed_columns.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "support/manual_clock.hpp"
#include "support/postgres.hpp"
#include "webhooks/endpoint_store.hpp"

namespace postfuze::jobs {
namespace {

using namespace std::chrono_literals;

std::string describe(const core::Error& e) {
  return std::string(core::to_string(e.code)) + ": " + e.detail + " / " + e.internal;
}

struct StoredValue {
  std::string id;
  core::OrgId org;
  std::string text;
};

class Reencrypt : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<test::BackendDatabase>(GetParam());
    auto db = store::open_database(backend_->url());
    ASSERT_TRUE(db) << describe(db.error());
    db_ = std::move(*db);
    auto m = store::migrate(*db_);
    ASSERT_TRUE(m) << describe(m.error());
    const std::string a = crypto::KeyRing::generate_entry(random_, "kA");
    const std::string b = crypto::KeyRing::generate_entry(random_, "kB");
    ring_a_.emplace(crypto::KeyRing::parse(a).value());
    ring_ab_.emplace(crypto::KeyRing::parse(b + "," + a).value());
    ring_b_.emplace(crypto::KeyRing::parse(b).value());
    orgs_ = {org("acme"), org("globex")};
  }

  core::OrgId org(const std::string& name) {
    auto o = orgs::ensure_organization(*db_, clock_, random_, name);
    if (!o) throw std::runtime_error(describe(o.error()));
    return o->id;
  }

  void exec(const std::function<core::Status(store::Connection&)>& fn) {
    auto s = db_->transaction(fn);
    if (!s) throw std::runtime_error(describe(s.error()));
  }

  // Seals `plain` under kA for `column` and row, remembering what it should open to.
  core::Sealed seal_a(const std::string& column, const core::OrgId& o, const std::string& id, const std::string& plain) {
    for (const auto& c : sealed_columns())
      if (c.name() == column) {
        expected_[column][id] = plain;
        return ring_a_->seal(random_, c.aad(o, id), plain);
      }
    throw std::runtime_error("no sealed column " + column);
  }

  // Rows in every sealed column, all sealed under kA: per org 3 webhook
  // endpoints (two with a previous secret), a social network, 2 accounts (one
  // with an app password) and a pending session.
  void seed() {
    int n = 0;
    for (const auto& o : orgs_) {
      for (int i = 0; i < 3; ++i) {
        webhooks::Endpoint e;
        e.id = core::new_uuid(random_);
        e.org = o;
        e.url = "https://hooks.example.com/" + std::to_string(++n);
        e.events = {"post.published"};
        e.secret = seal_a("webhook_endpoints.secret", o, e.id, "whsec-" + std::to_string(n));
        if (i > 0) {
          e.previous_secret = seal_a("webhook_endpoints.previous_secret", o, e.id, "whsec-old-" + std::to_string(n));
          e.previous_secret_expires_at = clock_.now() + 1h;
        }
        e.created_at = e.updated_at = clock_.now();
        exec([&](store::Connection& c) { return webhooks::insert_endpoint(c, e); });
      }
      connect::SocialNetwork net;
      net.id = core::new_uuid(random_);
      net.org = o;
      net.platform = "linkedin";
      net.client_id = "client";
      net.client_secret = seal_a("social_networks.client_secret", o, net.id, "client-secret-" + o.value);
      net.created_at = net.updated_at = clock_.now();
      exec([&](store::Connection& c) { return connect::insert_social_network(c, net); });
      for (int i = 0; i < 2; ++i) {
        accounts::SocialAccount a;
        a.id = core::new_uuid(random_);
        a.org = o;
        a.platform = i == 0 ? "linkedin" : "bluesky";
        a.social_network_id = net.id;
        a.network_unique_id = "u" + std::to_string(++n);
        a.account_type = "profile";
        a.access_token = seal_a("social_accounts.access_token", o, a.id, "access-" + std::to_string(n));
        a.refresh_token = seal_a("social_accounts.refresh_token", o, a.id, "refresh-" + std::to_string(n));
        if (i == 1) a.app_password = seal_a("social_accounts.app_password", o, a.id, "app-pw-" + std::to_string(n));
        a.created_at = a.updated_at = clock_.now();
        exec([&](store::Connection& c) -> core::Status {
          auto r = accounts::upsert_account(
              c, a.org, a.platform, a.network_unique_id, [&]() -> core::Result<accounts::SocialAccount> { return a; },
              [](accounts::SocialAccount&) -> core::Status { return core::Error::internal_error("exists"); });
          if (!r) return std::move(r).error();
          return core::Ok{};
        });
      }
      connect::PendingSession p;
      p.id = core::new_uuid(random_);
      p.org = o;
      p.token_hash = "hash-" + p.id;
      p.platform = "facebook";
      p.social_network_id = net.id;
      p.secrets = seal_a("pending_sessions.secrets", o, p.id, R"({"access_token":"t"})");
      p.expires_at = clock_.now() + 10min;
      p.created_at = clock_.now();
      exec([&](store::Connection& c) { return connect::insert_pending_session(c, p); });
    }
    for (const auto& c : sealed_columns())
      ASSERT_FALSE(expected_[c.name()].empty()) << "the test seeds no value in " << c.name();
  }

  std::vector<StoredValue> stored(const SealedColumn& column) {
    std::vector<StoredValue> out;
    exec([&](store::Connection& c) -> core::Status {
      auto rows = c.query("SELECT " + std::string(column.id_column) + ", " + std::string(column.org_column) + ", " +
                          std::string(column.column) + " FROM " + std::string(column.table) + " WHERE " +
                          std::string(column.column) + " IS NOT NULL");
      if (!rows) return std::move(rows).error();
      for (const auto& r : *rows) out.push_back({r.text(0), core::OrgId{r.text(1)}, r.text(2)});
      return core::Ok{};
    });
    return out;
  }

  std::int64_t naming(const std::string& key_id) {
    std::int64_t total = 0;
    exec([&](store::Connection& c) -> core::Status {
      auto counts = count_by_key(c, {key_id});
      if (!counts) return std::move(counts).error();
      for (const auto& k : *counts)
        if (k.key_id == key_id) total += k.values;
      return core::Ok{};
    });
    return total;
  }

  std::int64_t seeded() const {
    std::int64_t n = 0;
    for (const auto& [column, values] : expected_) n += static_cast<std::int64_t>(values.size());
    return n;
  }

  ReencryptSummary run_pass(ReencryptOptions options) {
    boost::asio::io_context io;
    boost::asio::thread_pool pool(2);
    core::Logger log(clock_, core::LogLevel::info, log_file_);
    Reencryptor job(io, *db_, pool, *ring_ab_, random_, log, std::move(options));
    std::optional<ReencryptSummary> summary;
    job.start([&](const ReencryptSummary& s) { summary = s; });
    io.run();
    pool.join();
    if (!summary) throw std::runtime_error("the pass did not finish");
    return *summary;
  }

  static ReencryptOptions quick() {
    ReencryptOptions o;
    o.batch_size = 2;  // several batches per column
    o.pause = 1ms;
    o.retry_after = 10ms;
    return o;
  }

  std::string log_text() {
    std::fflush(log_file_);
    std::rewind(log_file_);
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, log_file_)) > 0;) out.append(buf, n);
    return out;
  }

  void TearDown() override { std::fclose(log_file_); }

  std::unique_ptr<test::BackendDatabase> backend_;
  std::unique_ptr<store::Database> db_;
  test::ManualClock clock_;
  crypto::SecureRandom random_;
  std::optional<crypto::KeyRing> ring_a_, ring_ab_, ring_b_;
  std::vector<core::OrgId> orgs_;
  std::map<std::string, std::map<std::string, std::string>> expected_;  // column -> id -> plaintext
  std::FILE* log_file_ = std::tmpfile();
};

TEST_P(Reencrypt, RewritesEverySealedValueUnderTheActiveKey) {
  seed();
  EXPECT_EQ(naming("kA"), seeded());
  EXPECT_EQ(naming("kB"), 0);

  const auto summary = run_pass(quick());
  EXPECT_TRUE(summary.completed);
  EXPECT_EQ(summary.rewritten, seeded());
  EXPECT_EQ(summary.failed, 0);
  EXPECT_EQ(summary.lost_race, 0);
  EXPECT_EQ(summary.remaining, 0);

  EXPECT_EQ(naming("kA"), 0);
  EXPECT_EQ(naming("kB"), seeded());
  for (const auto& column : sealed_columns()) {
    const auto values = stored(column);
    EXPECT_EQ(values.size(), expected_[column.name()].size()) << column.name();
    for (const auto& v : values) {
      EXPECT_TRUE(v.text.starts_with("pf1.kB.")) << column.name();
      // Opens with kB alone: kA is no longer needed.
      auto plain = ring_b_->open(core::Sealed::from_storage(v.text), column.aad(v.org, v.id));
      ASSERT_TRUE(plain) << column.name() << " " << v.id;
      EXPECT_EQ(plain->reveal(), expected_[column.name()][v.id]) << column.name();
      // Still bound to its row: another row's associated data does not open it.
      EXPECT_FALSE(ring_b_->open(core::Sealed::from_storage(v.text), column.aad(v.org, "another-id")));
    }
  }
  const std::string log = log_text();
  EXPECT_NE(log.find("re-encryption started"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("table":"webhook_endpoints","column":"secret","rewritten":6)"), std::string::npos) << log;
  EXPECT_NE(log.find("re-encryption finished: no sealed value names an old key"), std::string::npos) << log;

  // A second pass finds nothing to do.
  const auto again = run_pass(quick());
  EXPECT_TRUE(again.completed);
  EXPECT_EQ(again.rewritten, 0);
  EXPECT_EQ(again.remaining, 0);
}

TEST_P(Reencrypt, AConcurrentWriterWins) {
  seed();
  const SealedColumn& secrets = sealed_columns()[0];
  ASSERT_EQ(secrets.name(), "webhook_endpoints.secret");
  std::string changed_id;
  auto options = quick();
  // Between the first batch's read and its write, another writer rotates the
  // secret of the first endpoint that batch read (ids in order).
  options.before_write = [&](const SealedColumn& column) {
    if (column.name() != secrets.name() || !changed_id.empty()) return;
    exec([&](store::Connection& c) -> core::Status {
      auto rows = c.query("SELECT id, org_id FROM webhook_endpoints ORDER BY id LIMIT 1");
      if (!rows) return std::move(rows).error();
      changed_id = rows->at(0).text(0);
      const core::OrgId o{rows->at(0).text(1)};
      auto n = c.execute("UPDATE webhook_endpoints SET secret = $1 WHERE id = $2",
                         {ring_ab_->seal(random_, webhooks::secret_aad(o, changed_id), "rotated-by-the-api"), changed_id});
      if (!n) return std::move(n).error();
      return core::Ok{};
    });
  };
  const auto summary = run_pass(options);
  ASSERT_FALSE(changed_id.empty());
  EXPECT_TRUE(summary.completed);
  EXPECT_EQ(summary.lost_race, 1);
  EXPECT_EQ(summary.rewritten, seeded() - 1);
  EXPECT_EQ(summary.remaining, 0);
  EXPECT_EQ(naming("kA"), 0);
  for (const auto& v : stored(secrets)) {
    auto plain = ring_ab_->open(core::Sealed::from_storage(v.text), secrets.aad(v.org, v.id));
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->reveal(), v.id == changed_id ? "rotated-by-the-api" : expected_[secrets.name()][v.id]);
  }
}

TEST_P(Reencrypt, AStoppedPassContinuesOnTheNextRun) {
  seed();
  auto options = quick();
  options.max_batches = 1;
  const auto first = run_pass(options);
  EXPECT_FALSE(first.completed);
  EXPECT_EQ(naming("kA") + naming("kB"), seeded());
  EXPECT_EQ(naming("kB"), 2) << "one batch of two rows";
  EXPECT_GT(naming("kA"), 0);

  const auto second = run_pass(quick());
  EXPECT_TRUE(second.completed);
  EXPECT_EQ(second.rewritten, seeded() - 2);
  EXPECT_EQ(second.remaining, 0);
  EXPECT_EQ(naming("kA"), 0);
  EXPECT_EQ(naming("kB"), seeded());
}

TEST_P(Reencrypt, AValueThatDoesNotOpenIsLeftAndReported) {
  seed();
  // Copy one endpoint's sealed secret onto another endpoint: its associated
  // data names the first row, so it does not open on the second.
  std::string moved_id;
  exec([&](store::Connection& c) -> core::Status {
    auto rows = c.query("SELECT id, secret FROM webhook_endpoints ORDER BY id LIMIT 2");
    if (!rows) return std::move(rows).error();
    moved_id = rows->at(1).text(0);
    auto n = c.execute("UPDATE webhook_endpoints SET secret = $1 WHERE id = $2", {rows->at(0).text(1), moved_id});
    if (!n) return std::move(n).error();
    return core::Ok{};
  });
  const auto summary = run_pass(quick());
  EXPECT_TRUE(summary.completed);
  EXPECT_EQ(summary.failed, 1);
  EXPECT_EQ(summary.rewritten, seeded() - 1);
  EXPECT_EQ(summary.remaining, 1);
  EXPECT_EQ(naming("kA"), 1);
  const std::string log = log_text();
  EXPECT_NE(log.find("a sealed value does not open"), std::string::npos) << log;
  EXPECT_NE(log.find(moved_id), std::string::npos) << log;
}

TEST_P(Reencrypt, CountsValuesNamingUnconfiguredKeys) {
  seed();
  std::int64_t unknown = -1;
  exec([&](store::Connection& c) -> core::Status {
    auto counts = count_by_key(c, {"kB"});
    if (!counts) return std::move(counts).error();
    unknown = 0;
    for (const auto& k : *counts)
      if (k.key_id.empty()) unknown += k.values;
    return core::Ok{};
  });
  EXPECT_EQ(unknown, seeded());
}

INSTANTIATE_TEST_SUITE_P(Backends, Reencrypt, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::jobs
