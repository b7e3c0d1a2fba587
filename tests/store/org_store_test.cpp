// Conformance suite for the organisation and API-key store calls, run against
// every backend in store_backends(): tenancy in every signature, keyset order,
// idempotent revocation, and a name race that must yield one organisation.
#include <latch>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "crypto/secure_random.hpp"
#include "orgs/api_key_store.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "support/manual_clock.hpp"
#include "support/postgres.hpp"

namespace postfuze::orgs {
namespace {

class OrgStore : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<test::BackendDatabase>(GetParam());
    auto db = store::open_database(backend_->url());
    ASSERT_TRUE(db) << db.error().internal;
    db_ = std::move(*db);
    ASSERT_TRUE(store::migrate(*db_));
  }

  Organization org(const std::string& name) {
    auto o = ensure_organization(*db_, clock_, random_, name);
    if (!o) throw std::runtime_error(o.error().internal);
    return *o;
  }

  IssuedApiKey issue(const Organization& o, KeyMode mode = KeyMode::live, std::vector<std::string> scopes = {"*"}) {
    std::optional<IssuedApiKey> issued;
    auto s = db_->transaction([&](store::Connection& c) -> core::Status {
      auto r = issue_api_key(c, clock_, random_, o.id, {"k", mode, scopes, std::nullopt});
      if (!r) return std::move(r).error();
      issued.emplace(std::move(*r));
      return core::Ok{};
    });
    if (!s) throw std::runtime_error(s.error().internal);
    return std::move(*issued);
  }

  template <typename T, typename F>
  T read(F fn) {
    std::optional<T> out;
    auto s = db_->with_connection([&](store::Connection& c) -> core::Status {
      auto r = fn(c);
      if (!r) return std::move(r).error();
      out.emplace(std::move(*r));
      return core::Ok{};
    });
    if (!s) throw std::runtime_error(s.error().internal);
    return std::move(*out);
  }

  std::unique_ptr<test::BackendDatabase> backend_;
  std::unique_ptr<store::Database> db_;
  test::ManualClock clock_;
  crypto::SecureRandom random_;
};

TEST_P(OrgStore, EnsureOrganizationFindsOrCreatesByName) {
  const auto a = org("acme");
  const auto again = org("acme");
  EXPECT_EQ(a.id, again.id);
  EXPECT_NE(org("globex").id, a.id);
  EXPECT_EQ(read<std::int64_t>([](store::Connection& c) { return count_organizations(c); }), 2);
}

TEST_P(OrgStore, ConcurrentEnsureOfOneNameYieldsOneOrganization) {
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> ids(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto o = ensure_organization(*db_, clock_, random_, "race");
      ids[i] = o ? o->id.value : "error: " + o.error().internal;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u) << ids[0];
  EXPECT_EQ(read<std::int64_t>([](store::Connection& c) { return count_organizations(c); }), 1);
}

TEST_P(OrgStore, KeysAreFoundByHashOnlyAndStoredWithoutPlaintext) {
  const auto o = org("acme");
  const auto k = issue(o, KeyMode::test, {"posts:write"});
  const auto found =
      read<std::optional<ApiKey>>([&](store::Connection& c) { return find_api_key_by_hash(c, hash_api_key(k.plaintext.reveal())); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, k.key.id);
  EXPECT_EQ(found->org, o.id);
  EXPECT_EQ(found->mode, KeyMode::test);
  EXPECT_EQ(found->scopes, std::vector<std::string>{"posts:write"});
  EXPECT_FALSE(read<std::optional<ApiKey>>(
      [&](store::Connection& c) { return find_api_key_by_hash(c, hash_api_key(k.plaintext.reveal() + "x")); }));
  // No column holds the plaintext.
  const auto rows = read<std::vector<store::Row>>([](store::Connection& c) {
    return c.query("SELECT id, org_id, name, prefix, key_hash, mode, scopes FROM api_keys");
  });
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r.text(i).find(k.plaintext.reveal()), std::string::npos);
}

TEST_P(OrgStore, AnotherOrganizationsKeyReadsAsMissing) {
  const auto a = org("a");
  const auto b = org("b");
  const auto ka = issue(a);
  EXPECT_TRUE(read<std::optional<ApiKey>>([&](store::Connection& c) { return find_api_key(c, a.id, ka.key.id); }));
  EXPECT_FALSE(read<std::optional<ApiKey>>([&](store::Connection& c) { return find_api_key(c, b.id, ka.key.id); }));
  EXPECT_FALSE(read<bool>([&](store::Connection& c) { return revoke_api_key(c, b.id, ka.key.id, clock_.now()); }));
  const auto still = read<std::optional<ApiKey>>([&](store::Connection& c) { return find_api_key(c, a.id, ka.key.id); });
  EXPECT_FALSE(still->revoked_at);
  EXPECT_TRUE(read<ApiKeyPage>([&](store::Connection& c) { return list_api_keys(c, b.id, std::nullopt, 10); }).items.empty());
}

TEST_P(OrgStore, RevocationIsIdempotentAndKeepsTheFirstTime) {
  const auto o = org("acme");
  const auto k = issue(o);
  const auto first = clock_.now();
  EXPECT_TRUE(read<bool>([&](store::Connection& c) { return revoke_api_key(c, o.id, k.key.id, first); }));
  clock_.advance(std::chrono::milliseconds(5000));
  EXPECT_TRUE(read<bool>([&](store::Connection& c) { return revoke_api_key(c, o.id, k.key.id, clock_.now()); }));
  const auto key = read<std::optional<ApiKey>>([&](store::Connection& c) { return find_api_key(c, o.id, k.key.id); });
  EXPECT_EQ(key->revoked_at, first);
  EXPECT_FALSE(key->usable_at(clock_.now()));
}

TEST_P(OrgStore, KeysetPagesAreNewestFirstWithIdTiebreak) {
  const auto o = org("acme");
  std::vector<std::string> ids;
  for (int i = 0; i < 9; ++i) {
    ids.push_back(issue(o).key.id);
    if (i % 3 == 2) clock_.advance(std::chrono::milliseconds(10));  // three keys share each timestamp
  }
  std::vector<ApiKey> all;
  std::optional<KeysetPosition> after;
  for (;;) {
    const auto page = read<ApiKeyPage>([&](store::Connection& c) { return list_api_keys(c, o.id, after, 4); });
    all.insert(all.end(), page.items.begin(), page.items.end());
    if (!page.has_more) break;
    after = KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
  }
  ASSERT_EQ(all.size(), 9u);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const bool ordered = all[i - 1].created_at > all[i].created_at ||
                         (all[i - 1].created_at == all[i].created_at && all[i - 1].id > all[i].id);
    EXPECT_TRUE(ordered) << i;
  }
  std::set<std::string> seen;
  for (const auto& k : all) seen.insert(k.id);
  EXPECT_EQ(seen, std::set<std::string>(ids.begin(), ids.end()));
}

INSTANTIATE_TEST_SUITE_P(Backends, OrgStore, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::orgs
