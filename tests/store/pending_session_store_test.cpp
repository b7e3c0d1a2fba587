// Conformance suite for the pending session and state nonce store calls
// (connect/pending_session_store.hpp), run against every backend in
// store_backends(): round trip, tenancy, single consumption (also under
// concurrency), expiry, purge, single-use state nonces; plus the session
// token helpers of connect/pending_session.hpp.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <latch>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "connect/pending_session.hpp"
#include "connect/pending_session_store.hpp"
#include "crypto/encoding.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "support/manual_clock.hpp"
#include "support/postgres.hpp"
#include "support/store_fixture.hpp"

namespace postfuze::connect {
namespace {

using namespace std::chrono_literals;

using test::describe;

class PendingSessionStore : public test::StoreTest {
 protected:
  // A session for `o` created now, expiring kPendingLifetime later; `token`
  // receives the bearer token whose hash is stored.
  PendingSession value(const core::OrgId& o, std::string* token = nullptr) {
    const auto t = new_session_token(random_);
    if (token) *token = t;
    const auto id = core::new_uuid(random_);
    return PendingSession{
        .id = id,
        .org = o,
        .token_hash = hash_session_token(t),
        .platform = "facebook",
        .social_network_id = "sn-facebook",
        .tenant_id = "tenant-7",
        .choices = {{"1001", "page", "Acme Page", "acmepage", "https://cdn.example.com/1001.png"},
                    {"1002", "page", "Second Page", std::nullopt, std::nullopt},
                    {"loc/3", "location", "Ünïcode \"quoted\" name", std::nullopt, "https://x.example/p.png"}},
        .secrets = keys_->seal(random_, secrets_aad(o, id), R"({"user_token":"EAAB","pages":{"1001":"EAAP"}})"),
        .scopes = {"pages_show_list", "pages_manage_posts"},
        .expires_at = clock_.now() + kPendingLifetime,
        .consumed_at = std::nullopt,
        .created_at = clock_.now()};
  }

  PendingSession add(const PendingSession& s) {
    auto st = status_of([&](store::Connection& c) { return insert_pending_session(c, s); });
    if (!st) throw std::runtime_error(describe(st.error()));
    return s;
  }
  PendingSession add(const core::OrgId& o, std::string* token = nullptr) { return add(value(o, token)); }

  std::optional<PendingSession> find(const core::OrgId& o, const std::string& token_hash) {
    return read<std::optional<PendingSession>>(
        [&](store::Connection& c) { return find_pending_session(c, o, token_hash); });
  }
  std::optional<PendingSession> find_by_token(const std::string& token_hash) {
    return read<std::optional<PendingSession>>(
        [&](store::Connection& c) { return find_pending_session_by_token(c, token_hash); });
  }

  bool consume(const core::OrgId& o, const std::string& id, core::TimePoint now) {
    return read<bool>([&](store::Connection& c) { return consume_pending_session(c, o, id, now); });
  }

  bool use_nonce(const std::string& nonce, core::TimePoint expires_at, core::TimePoint now) {
    return read<bool>([&](store::Connection& c) { return use_state_nonce(c, nonce, expires_at, now); });
  }

};

TEST_P(PendingSessionStore, RoundTripsEveryField) {
  std::string token;
  const auto s = add(org_a_, &token);
  EXPECT_EQ(s.token_hash, hash_session_token(token));
  const auto got = find(org_a_, s.token_hash);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, s.id);
  EXPECT_EQ(got->org, org_a_);
  EXPECT_EQ(got->token_hash, s.token_hash);
  EXPECT_EQ(got->platform, "facebook");
  EXPECT_EQ(got->social_network_id, "sn-facebook");
  EXPECT_EQ(got->tenant_id, "tenant-7");
  EXPECT_EQ(got->choices, s.choices);
  ASSERT_EQ(got->choices.size(), 3u);
  EXPECT_FALSE(got->choices[1].username);
  EXPECT_FALSE(got->choices[1].profile_picture_url);
  EXPECT_EQ(got->choices[2].profile_picture_url, "https://x.example/p.png");
  EXPECT_EQ(got->secrets.text(), s.secrets.text());
  EXPECT_EQ(got->scopes, s.scopes);
  EXPECT_EQ(got->expires_at, clock_.now() + kPendingLifetime);
  EXPECT_FALSE(got->consumed_at);
  EXPECT_EQ(got->created_at, clock_.now());

  // The stored choices are the wire shape: camelCase, absent members as null.
  const auto raw = read<std::vector<store::Row>>(
      [&](store::Connection& c) { return c.query("SELECT choices FROM pending_sessions WHERE id = $1", {s.id}); });
  const auto& choices = raw.at(0).text(0);
  EXPECT_NE(choices.find(R"("profilePictureUrl":"https://cdn.example.com/1001.png")"), std::string::npos) << choices;
  EXPECT_NE(choices.find(R"("username":null)"), std::string::npos) << choices;
}

TEST_P(PendingSessionStore, NoChoicesAndNoTenantRoundTrip) {
  auto s = value(org_a_);
  s.tenant_id.reset();
  s.choices.clear();
  s.scopes.clear();
  add(s);
  const auto got = find(org_a_, s.token_hash);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->tenant_id);
  EXPECT_TRUE(got->choices.empty());
  EXPECT_TRUE(got->scopes.empty());
}

TEST_P(PendingSessionStore, SecretsOpenOnlyWithTheirOwnAssociatedData) {
  const auto a = add(org_a_);
  const auto b = add(org_a_);
  EXPECT_EQ(secrets_aad(org_a_, a.id), "pending_session.secrets|" + org_a_.value + "|" + a.id);
  const auto got = find(org_a_, a.token_hash);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->secrets.text().find("EAAB"), std::string::npos);
  auto opened = keys_->open(got->secrets, secrets_aad(org_a_, a.id));
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->reveal(), R"({"user_token":"EAAB","pages":{"1001":"EAAP"}})");
  EXPECT_FALSE(keys_->open(got->secrets, secrets_aad(org_a_, b.id)));
  EXPECT_FALSE(keys_->open(got->secrets, secrets_aad(org_b_, a.id)));
}

TEST_P(PendingSessionStore, AnotherOrganizationsSessionReadsAsMissing) {
  const auto s = add(org_a_);
  EXPECT_TRUE(find(org_a_, s.token_hash));
  EXPECT_FALSE(find(org_b_, s.token_hash));
  EXPECT_FALSE(find(org_a_, hash_session_token("ps_unknown")));
  // Nor can it be consumed from there.
  EXPECT_FALSE(consume(org_b_, s.id, clock_.now()));
  EXPECT_FALSE(find(org_a_, s.token_hash)->consumed_at);
  EXPECT_TRUE(consume(org_a_, s.id, clock_.now()));
}

TEST_P(PendingSessionStore, FindByTokenAloneFindsAnyOrgsSession) {
  const auto a = add(org_a_);
  const auto b = add(org_b_);
  const auto got_a = find_by_token(a.token_hash);
  ASSERT_TRUE(got_a);
  EXPECT_EQ(got_a->id, a.id);
  EXPECT_EQ(got_a->org, org_a_);
  const auto got_b = find_by_token(b.token_hash);
  ASSERT_TRUE(got_b);
  EXPECT_EQ(got_b->id, b.id);
  EXPECT_EQ(got_b->org, org_b_);
  EXPECT_FALSE(find_by_token(hash_session_token("ps_unknown")));
  // Found whatever its state: consumed and expired sessions too.
  ASSERT_TRUE(consume(org_a_, a.id, clock_.now()));
  clock_.advance(kPendingLifetime + 1min);
  const auto later = find_by_token(a.token_hash);
  ASSERT_TRUE(later);
  EXPECT_TRUE(later->consumed_at);
}

TEST_P(PendingSessionStore, TokenHashIsUnique) {
  const auto s = add(org_a_);
  auto dup = value(org_b_);
  dup.token_hash = s.token_hash;
  auto st = status_of([&](store::Connection& c) { return insert_pending_session(c, dup); });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::conflict) << describe(st.error());
  EXPECT_EQ(count("SELECT COUNT(*) FROM pending_sessions"), 1);
}

TEST_P(PendingSessionStore, ConsumeSucceedsOnceAndRecordsTheTime) {
  const auto s = add(org_a_);
  clock_.advance(30s);
  const auto at = clock_.now();
  EXPECT_TRUE(consume(org_a_, s.id, at));
  EXPECT_FALSE(consume(org_a_, s.id, at));
  clock_.advance(1s);
  EXPECT_FALSE(consume(org_a_, s.id, clock_.now()));
  const auto got = find(org_a_, s.token_hash);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->consumed_at, at);
  EXPECT_FALSE(consume(org_a_, core::new_uuid(random_), clock_.now()));
}

TEST_P(PendingSessionStore, ExpiredSessionCannotBeConsumed) {
  const auto s = add(org_a_);
  // expires_at itself is already too late (expires_at > now is required).
  EXPECT_FALSE(consume(org_a_, s.id, s.expires_at));
  EXPECT_FALSE(consume(org_a_, s.id, s.expires_at + 1h));
  EXPECT_FALSE(find(org_a_, s.token_hash)->consumed_at);
  EXPECT_TRUE(consume(org_a_, s.id, s.expires_at - 1ms));
}

TEST_P(PendingSessionStore, ConcurrentConsumersExactlyOneWins) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 3;
  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  for (int round = 0; round < kRounds; ++round) {
    const auto s = add(org_a_);
    std::latch start(kThreads);
    std::mutex mu;
    std::vector<std::string> errors;
    std::atomic<int> winners{0}, losers{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&, i] {
        store::Database& db = *dbs[static_cast<std::size_t>(i % 2)];
        start.arrive_and_wait();
        std::optional<bool> won;
        auto st = db.transaction([&](store::Connection& c) -> core::Status {
          auto r = consume_pending_session(c, org_a_, s.id, clock_.now());
          if (!r) return std::move(r).error();
          won = *r;
          return core::Ok{};
        });
        std::lock_guard lock(mu);
        if (!st) {
          errors.push_back(describe(st.error()));
          return;
        }
        ++(*won ? winners : losers);
      });
    for (auto& th : threads) th.join();
    EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]);
    EXPECT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(losers.load(), kThreads - 1) << "round " << round;
    EXPECT_TRUE(find(org_a_, s.token_hash)->consumed_at);
  }
}

TEST_P(PendingSessionStore, PurgeDeletesSessionsThatExpiredBefore) {
  const auto early = add(org_a_);
  clock_.advance(5min);
  const auto late = add(org_b_);
  // early expires at T+10min, late at T+15min.
  EXPECT_EQ(read<std::int64_t>([&](store::Connection& c) { return purge_pending_sessions(c, early.expires_at); }), 0);
  EXPECT_EQ(read<std::int64_t>([&](store::Connection& c) { return purge_pending_sessions(c, early.expires_at + 1ms); }),
            1);
  EXPECT_FALSE(find_by_token(early.token_hash));
  EXPECT_TRUE(find_by_token(late.token_hash));
  EXPECT_EQ(read<std::int64_t>([&](store::Connection& c) { return purge_pending_sessions(c, late.expires_at + 1h); }),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM pending_sessions"), 0);
}

TEST_P(PendingSessionStore, StateNonceIsSingleUse) {
  const auto now = clock_.now();
  EXPECT_TRUE(use_nonce("nonce-1", now + 10min, now));
  EXPECT_FALSE(use_nonce("nonce-1", now + 10min, now));
  EXPECT_FALSE(use_nonce("nonce-1", now + 20min, now + 5min));
  EXPECT_TRUE(use_nonce("nonce-2", now + 10min, now));
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces"), 2);
  // A replay inside a transaction leaves the transaction usable (PostgreSQL).
  auto st = db_->transaction([&](store::Connection& c) -> core::Status {
    auto r = use_state_nonce(c, "nonce-1", now + 10min, now);
    if (!r) return std::move(r).error();
    EXPECT_FALSE(*r);
    auto again = use_state_nonce(c, "nonce-3", now + 10min, now);
    if (!again) return std::move(again).error();
    EXPECT_TRUE(*again);
    return core::Ok{};
  });
  ASSERT_TRUE(st) << describe(st.error());
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces"), 3);
}

TEST_P(PendingSessionStore, ExpiredNoncesArePurged) {
  const auto t0 = clock_.now();
  EXPECT_TRUE(use_nonce("old-1", t0 + 1min, t0));
  EXPECT_TRUE(use_nonce("old-2", t0 + 2min, t0));
  EXPECT_TRUE(use_nonce("live", t0 + 30min, t0));
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces"), 3);
  // At t0+2min only old-1 has expired (expires_at < now).
  EXPECT_TRUE(use_nonce("new-1", t0 + 12min, t0 + 2min));
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces WHERE nonce = 'old-1'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces WHERE nonce = 'old-2'"), 1);
  EXPECT_TRUE(use_nonce("new-2", t0 + 13min, t0 + 3min));
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces"), 3);  // live, new-1, new-2
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces WHERE nonce IN ('live', 'new-1', 'new-2')"), 3);
  // Once its record is gone, an expired nonce records again (its state can no longer open).
  EXPECT_TRUE(use_nonce("old-1", t0 + 13min, t0 + 3min));
}

TEST_P(PendingSessionStore, ConcurrentUsesOfOneNonceExactlyOneWins) {
  constexpr int kThreads = 8;
  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  const auto now = clock_.now();
  std::latch start(kThreads);
  std::mutex mu;
  std::vector<std::string> errors;
  std::atomic<int> winners{0}, losers{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      store::Database& db = *dbs[static_cast<std::size_t>(i % 2)];
      start.arrive_and_wait();
      std::optional<bool> won;
      auto st = db.transaction([&](store::Connection& c) -> core::Status {
        auto r = use_state_nonce(c, "shared-nonce", now + 10min, now);
        if (!r) return std::move(r).error();
        won = *r;
        return core::Ok{};
      });
      std::lock_guard lock(mu);
      if (!st) {
        errors.push_back(describe(st.error()));
        return;
      }
      ++(*won ? winners : losers);
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(losers.load(), kThreads - 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM connect_state_nonces"), 1);
}

TEST(PendingSessionToken, IsPrefixedBase64urlOf32RandomBytes) {
  crypto::SecureRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    const auto t = new_session_token(random);
    ASSERT_EQ(t.substr(0, 3), "ps_");
    EXPECT_EQ(t.size(), 3u + 43u) << t;
    const auto raw = crypto::base64url_decode(std::string_view(t).substr(3));
    ASSERT_TRUE(raw) << t;
    EXPECT_EQ(raw->size(), 32u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 16u);
}

TEST(PendingSessionToken, HashIsLowercaseHexSha256) {
  // FIPS 180-2 test vector for "abc".
  EXPECT_EQ(hash_session_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_NE(hash_session_token("ps_a"), hash_session_token("ps_b"));
  EXPECT_EQ(hash_session_token("ps_a").size(), 64u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PendingSessionStore, testing::ValuesIn(test::store_backends()),
                         test::BackendParamName());

}  // namespace
}  // namespace postfuze::connect
