// Conformance suite for the social account store calls
// (accounts/account_store.hpp), run against every backend in
// store_backends(): round trip, tenancy, one account per (org, platform,
// network_unique_id), upsert and its insert race, concurrent upserts, the
// filtered keyset list, and the sealed tokens' associated data.
#include <gtest/gtest.h>

#include <array>
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

#include "accounts/account_store.hpp"
#include "accounts/social_account.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "support/manual_clock.hpp"
#include "support/postgres.hpp"
#include "support/store_fixture.hpp"

namespace postfuze::accounts {
namespace {

using namespace std::chrono_literals;
using AccountPage = store::Page<SocialAccount>;

using test::describe;

core::Status ok() { return core::Ok{}; }

class AccountStore : public test::StoreTest {
 protected:
  // A complete account with every optional field set and both tokens sealed
  // under its own id.
  SocialAccount value(const core::OrgId& o, const std::string& platform, const std::string& unique_id,
                      const std::string& access = "access-token") {
    SocialAccount a;
    a.id = core::new_uuid(random_);
    a.org = o;
    a.platform = platform;
    a.tenant_id = "tenant-1";
    a.social_network_id = "sn-" + platform;
    a.network_unique_id = unique_id;
    a.username = "user_" + unique_id;
    a.display_name = "User " + unique_id;
    a.profile_image_url = "https://cdn.example.com/" + unique_id + ".png";
    a.account_type = "profile";
    a.status = std::string(kActive);
    a.scopes = {"tweet.read", "tweet.write", "offline.access"};
    a.access_token = keys_->seal(random_, token_aad(o, a.id, "access_token"), access);
    a.refresh_token = keys_->seal(random_, token_aad(o, a.id, "refresh_token"), "refresh-" + access);
    a.token_expires_at = clock_.now() + 2h;
    a.refresh_token_expires_at = clock_.now() + 24h * 90;
    a.token_version = 1;
    a.platform_data = {{"userId", "u-" + unique_id}, {"nested", {{"pds", "https://pds.example"}}}};
    a.last_synced_at = clock_.now() - 1min;
    a.created_at = clock_.now();
    a.updated_at = clock_.now();
    return a;
  }

  core::Result<Upserted> upsert(store::Connection& c, const SocialAccount& fresh,
                                const std::function<core::Status(SocialAccount&)>& update) {
    return upsert_account(
        c, fresh.org, fresh.platform, fresh.network_unique_id,
        [fresh]() -> core::Result<SocialAccount> { return fresh; }, update);
  }

  // Creates the account through upsert_account (the only way in); fails the
  // test if it already existed.
  SocialAccount add(const SocialAccount& a) {
    auto up = write<Upserted>([&](store::Connection& c) {
      return upsert(c, a, [](SocialAccount&) -> core::Status { return core::Error::internal_error("exists"); });
    });
    EXPECT_TRUE(up.created);
    return up.account;
  }
  SocialAccount add(const core::OrgId& o, const std::string& platform, const std::string& unique_id) {
    return add(value(o, platform, unique_id));
  }

  std::optional<SocialAccount> find(const core::OrgId& o, const std::string& id) {
    return read<std::optional<SocialAccount>>([&](store::Connection& c) { return find_account(c, o, id); });
  }

  AccountPage list(const core::OrgId& o, const AccountFilter& filter = {},
                   const std::optional<store::KeysetPosition>& after = std::nullopt, int limit = 100) {
    return read<AccountPage>([&](store::Connection& c) { return list_accounts(c, o, filter, after, limit); });
  }

  std::vector<std::string> list_ids(const core::OrgId& o, const AccountFilter& filter = {}) {
    std::vector<std::string> ids;
    for (const auto& a : list(o, filter).items) ids.push_back(a.id);
    return ids;
  }

  std::string open_token(const std::optional<core::Sealed>& sealed, const std::string& aad) {
    if (!sealed) return "<none>";
    auto r = keys_->open(*sealed, aad);
    return r ? r->reveal() : std::string("<failed>");
  }

};

void expect_same(const SocialAccount& got, const SocialAccount& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.org, want.org);
  EXPECT_EQ(got.platform, want.platform);
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.social_network_id, want.social_network_id);
  EXPECT_EQ(got.network_unique_id, want.network_unique_id);
  EXPECT_EQ(got.username, want.username);
  EXPECT_EQ(got.display_name, want.display_name);
  EXPECT_EQ(got.profile_image_url, want.profile_image_url);
  EXPECT_EQ(got.account_type, want.account_type);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.scopes, want.scopes);
  ASSERT_EQ(got.access_token.has_value(), want.access_token.has_value());
  if (want.access_token) {
    EXPECT_EQ(got.access_token->text(), want.access_token->text());
  }
  ASSERT_EQ(got.refresh_token.has_value(), want.refresh_token.has_value());
  if (want.refresh_token) {
    EXPECT_EQ(got.refresh_token->text(), want.refresh_token->text());
  }
  ASSERT_EQ(got.app_password.has_value(), want.app_password.has_value());
  if (want.app_password) {
    EXPECT_EQ(got.app_password->text(), want.app_password->text());
  }
  EXPECT_EQ(got.token_expires_at, want.token_expires_at);
  EXPECT_EQ(got.refresh_token_expires_at, want.refresh_token_expires_at);
  EXPECT_EQ(got.token_version, want.token_version);
  EXPECT_EQ(got.platform_data, want.platform_data);
  EXPECT_EQ(got.last_synced_at, want.last_synced_at);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

TEST_P(AccountStore, RoundTripsEveryField) {
  const auto a = value(org_a_, "x", "1234567890");
  const auto added = add(a);
  expect_same(added, a);
  const auto got = find(org_a_, a.id);
  ASSERT_TRUE(got);
  expect_same(*got, a);
  EXPECT_EQ(open_token(got->access_token, token_aad(org_a_, a.id, "access_token")), "access-token");
  EXPECT_EQ(open_token(got->refresh_token, token_aad(org_a_, a.id, "refresh_token")), "refresh-access-token");
  const auto by_identity = read<std::optional<SocialAccount>>(
      [&](store::Connection& c) { return find_account_by_identity(c, org_a_, "x", "1234567890"); });
  ASSERT_TRUE(by_identity);
  expect_same(*by_identity, a);
}

TEST_P(AccountStore, AppPasswordRoundTripsSealedUnderItsOwnAssociatedData) {
  auto a = value(org_a_, "bluesky", "did:plc:app");
  a.app_password = keys_->seal(random_, token_aad(org_a_, a.id, "app_password"), "abcd-efgh-ijkl-mnop");
  add(a);
  const auto got = find(org_a_, a.id);
  ASSERT_TRUE(got);
  expect_same(*got, a);
  EXPECT_EQ(open_token(got->app_password, token_aad(org_a_, a.id, "app_password")), "abcd-efgh-ijkl-mnop");
  EXPECT_FALSE(keys_->open(*got->app_password, token_aad(org_a_, a.id, "refresh_token")));
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE app_password LIKE '%abcd-efgh%'"), 0);
}

TEST_P(AccountStore, NullableFieldsRoundTripAsAbsent) {
  SocialAccount a;
  a.id = core::new_uuid(random_);
  a.org = org_a_;
  a.platform = "bluesky";
  a.social_network_id = "shared";
  a.network_unique_id = "did:plc:abc";
  a.account_type = "profile";
  a.created_at = a.updated_at = clock_.now();
  add(a);
  const auto got = find(org_a_, a.id);
  ASSERT_TRUE(got);
  expect_same(*got, a);
  EXPECT_FALSE(got->tenant_id);
  EXPECT_FALSE(got->username);
  EXPECT_FALSE(got->display_name);
  EXPECT_FALSE(got->profile_image_url);
  EXPECT_EQ(got->status, "active");
  EXPECT_TRUE(got->scopes.empty());
  EXPECT_FALSE(got->access_token);
  EXPECT_FALSE(got->refresh_token);
  EXPECT_FALSE(got->app_password);
  EXPECT_FALSE(got->token_expires_at);
  EXPECT_FALSE(got->refresh_token_expires_at);
  EXPECT_EQ(got->token_version, 0);
  EXPECT_TRUE(got->platform_data.empty());
  EXPECT_FALSE(got->last_synced_at);
}

TEST_P(AccountStore, SealedTokensOpenOnlyWithTheirOwnAssociatedData) {
  const auto a = add(org_a_, "linkedin", "urn:li:person:a");
  const auto b = add(org_a_, "linkedin", "urn:li:person:b");
  EXPECT_EQ(token_aad(org_a_, a.id, "access_token"), "social_account.access_token|" + org_a_.value + "|" + a.id);
  const auto stored = find(org_a_, a.id);
  ASSERT_TRUE(stored && stored->access_token && stored->refresh_token);
  EXPECT_EQ(stored->access_token->text().find("access-token"), std::string::npos);
  EXPECT_EQ(open_token(stored->access_token, token_aad(org_a_, a.id, "access_token")), "access-token");
  // Another account's, another org's, or the other role's associated data does not open it.
  EXPECT_FALSE(keys_->open(*stored->access_token, token_aad(org_a_, b.id, "access_token")));
  EXPECT_FALSE(keys_->open(*stored->access_token, token_aad(org_b_, a.id, "access_token")));
  EXPECT_FALSE(keys_->open(*stored->access_token, token_aad(org_a_, a.id, "refresh_token")));
  EXPECT_FALSE(keys_->open(*stored->refresh_token, token_aad(org_a_, a.id, "access_token")));
  // Nor does a ciphertext copied onto another row.
  auto moved = *find(org_a_, b.id);
  moved.access_token = stored->access_token;
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_account(c, moved); }));
  EXPECT_EQ(open_token(find(org_a_, b.id)->access_token, token_aad(org_a_, b.id, "access_token")), "<failed>");
}

TEST_P(AccountStore, AnotherOrganizationsAccountReadsAsMissing) {
  const auto a = add(org_a_, "facebook", "page-1");
  EXPECT_FALSE(find(org_b_, a.id));
  EXPECT_FALSE(read<std::optional<SocialAccount>>(
      [&](store::Connection& c) { return find_account_by_identity(c, org_b_, "facebook", "page-1"); }));
  EXPECT_TRUE(list(org_b_).items.empty());
  EXPECT_TRUE(list_ids(org_b_, {.id = a.id}).empty());

  auto foreign = a;
  foreign.org = org_b_;
  foreign.username = "hijack";
  auto s = status_of([&](store::Connection& c) { return update_account(c, foreign); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(find(org_a_, a.id)->username, a.username);

  // The same platform identity in another org is a separate account.
  auto up = write<Upserted>([&](store::Connection& c) {
    return upsert(c, value(org_b_, "facebook", "page-1"), [](SocialAccount&) { return ok(); });
  });
  EXPECT_TRUE(up.created);
  EXPECT_NE(up.account.id, a.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE network_unique_id = 'page-1'"), 2);
  EXPECT_EQ(list_ids(org_b_), std::vector<std::string>{up.account.id});
  EXPECT_EQ(list_ids(org_a_), std::vector<std::string>{a.id});
}

TEST_P(AccountStore, UpsertCreatesThenUpdatesInPlace) {
  const auto first = write<Upserted>([&](store::Connection& c) {
    return upsert(c, value(org_a_, "youtube", "UC123", "one"), [](SocialAccount&) -> core::Status {
      return core::Error::internal_error("update must not run on create");
    });
  });
  ASSERT_TRUE(first.created);
  EXPECT_EQ(first.account.network_unique_id, "UC123");

  clock_.advance(1h);
  bool create_called = false;
  auto second = write<Upserted>([&](store::Connection& c) {
    return upsert_account(
        c, org_a_, "youtube", "UC123",
        [&]() -> core::Result<SocialAccount> {
          create_called = true;
          return value(org_a_, "youtube", "UC123", "two");
        },
        [&](SocialAccount& a) {
          EXPECT_EQ(a.id, first.account.id);
          a.username = "renamed";
          a.status = std::string(kActive);
          a.access_token = keys_->seal(random_, token_aad(org_a_, a.id, "access_token"), "two");
          a.token_version += 1;
          a.updated_at = clock_.now();
          a.created_at = clock_.now();  // ignored: created_at never changes
          return ok();
        });
  });
  EXPECT_FALSE(create_called);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.account.id, first.account.id);
  const auto got = find(org_a_, first.account.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->username, "renamed");
  EXPECT_EQ(got->token_version, 2);
  EXPECT_EQ(got->created_at, first.account.created_at);
  EXPECT_EQ(got->updated_at, clock_.now());
  EXPECT_EQ(open_token(got->access_token, token_aad(org_a_, got->id, "access_token")), "two");
  EXPECT_EQ(open_token(got->refresh_token, token_aad(org_a_, got->id, "refresh_token")), "refresh-one");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);

  // A create that refuses writes nothing; neither does an update that refuses.
  auto refused = db_->transaction([&](store::Connection& c) -> core::Status {
    auto r = upsert_account(
        c, org_a_, "youtube", "UC999",
        []() -> core::Result<SocialAccount> { return core::Error::validation("code", "x", "invalid"); },
        [](SocialAccount&) { return ok(); });
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::validation_failed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
  auto failed_update = db_->transaction([&](store::Connection& c) -> core::Status {
    auto r = upsert(c, value(org_a_, "youtube", "UC123"),
                    [](SocialAccount&) -> core::Status { return core::Error::conflict("no"); });
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  ASSERT_FALSE(failed_update);
  EXPECT_EQ(failed_update.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(find(org_a_, first.account.id)->username, "renamed");
}

TEST_P(AccountStore, ReconnectRevivesADisconnectedAccount) {
  auto a = add(org_a_, "threads", "t-1");
  a.status = std::string(kDisconnected);
  a.access_token.reset();
  a.refresh_token.reset();
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_account(c, a); }));
  EXPECT_TRUE(list(org_a_).items.empty());
  const auto found = read<std::optional<SocialAccount>>(
      [&](store::Connection& c) { return find_account_by_identity(c, org_a_, "threads", "t-1"); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, "disconnected");

  auto up = write<Upserted>([&](store::Connection& c) {
    return upsert(c, value(org_a_, "threads", "t-1"), [&](SocialAccount& s) {
      s.status = std::string(kActive);
      s.access_token = keys_->seal(random_, token_aad(org_a_, s.id, "access_token"), "fresh");
      return ok();
    });
  });
  EXPECT_FALSE(up.created);
  EXPECT_EQ(up.account.id, a.id);
  EXPECT_EQ(list_ids(org_a_), std::vector<std::string>{a.id});
  EXPECT_EQ(open_token(find(org_a_, a.id)->access_token, token_aad(org_a_, a.id, "access_token")), "fresh");
}

TEST_P(AccountStore, UpsertThatLosesTheInsertRaceUpdatesTheWinner) {
  // The account appears between the upsert's lookup and its insert, as when
  // a concurrent callback commits first: the insert changes nothing and the
  // winner is updated instead, inside the same (still usable) transaction.
  std::optional<SocialAccount> winner;
  auto result = write<Upserted>([&](store::Connection& c) {
    return upsert_account(
        c, org_a_, "tiktok", "tt-1",
        [&]() -> core::Result<SocialAccount> {
          winner = value(org_a_, "tiktok", "tt-1", "winner");
          auto inserted = upsert(c, *winner, [](SocialAccount&) { return ok(); });
          if (!inserted) return std::move(inserted).error();
          return value(org_a_, "tiktok", "tt-1", "loser");
        },
        [](SocialAccount& a) {
          a.display_name = "updated";
          return ok();
        });
  });
  ASSERT_TRUE(winner);
  EXPECT_FALSE(result.created);
  EXPECT_EQ(result.account.id, winner->id);
  const auto got = find(org_a_, winner->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->display_name, "updated");
  EXPECT_EQ(open_token(got->access_token, token_aad(org_a_, got->id, "access_token")), "winner");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
}

TEST_P(AccountStore, ConcurrentUpsertsOfOneIdentityLeaveOneRow) {
  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::mutex mu;
  std::vector<std::string> errors, ids;
  std::atomic<int> created{0}, updated{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      store::Database& db = *dbs[static_cast<std::size_t>(i % 2)];
      start.arrive_and_wait();
      std::optional<Upserted> out;
      auto s = db.transaction([&](store::Connection& c) -> core::Status {
        auto r = upsert_account(
            c, org_a_, "instagram", "ig-1",
            [&]() -> core::Result<SocialAccount> {
              std::lock_guard lock(mu);
              return value(org_a_, "instagram", "ig-1", "token-" + std::to_string(i));
            },
            [&](SocialAccount& a) {
              a.display_name = "writer " + std::to_string(i);
              return ok();
            });
        if (!r) return std::move(r).error();
        out = std::move(*r);
        return core::Ok{};
      });
      std::lock_guard lock(mu);
      if (!s) {
        errors.push_back(describe(s.error()));
        return;
      }
      ++(out->created ? created : updated);
      ids.push_back(out->account.id);
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(updated.load(), kThreads - 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE org_id = $1", {org_a_.value}), 1);
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kThreads));
  for (const auto& id : ids) EXPECT_EQ(id, ids.front());
}

TEST_P(AccountStore, UpdateWritesEveryMutableColumn) {
  const auto a = add(org_a_, "pinterest", "pin-1");
  clock_.advance(5s);
  auto b = a;
  b.tenant_id.reset();
  b.social_network_id = "sn-other";
  b.username.reset();
  b.display_name = "New name";
  b.profile_image_url.reset();
  b.account_type = "business_account";
  b.status = std::string(kReauthRequired);
  b.scopes = {"boards:read"};
  b.access_token = keys_->seal(random_, token_aad(org_a_, a.id, "access_token"), "rotated");
  b.refresh_token.reset();
  b.app_password = keys_->seal(random_, token_aad(org_a_, a.id, "app_password"), "abcd-efgh-ijkl-mnop");
  b.token_expires_at = clock_.now() + 1h;
  b.refresh_token_expires_at.reset();
  b.token_version = 7;
  b.platform_data = {{"k", "v"}};
  b.last_synced_at = clock_.now();
  b.updated_at = clock_.now();
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_account(c, b); }));
  const auto got = find(org_a_, a.id);
  ASSERT_TRUE(got);
  expect_same(*got, b);
  EXPECT_EQ(got->created_at, a.created_at);
  EXPECT_EQ(open_token(got->app_password, token_aad(org_a_, a.id, "app_password")), "abcd-efgh-ijkl-mnop");
  // And back to absent.
  b.app_password.reset();
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_account(c, b); }));
  EXPECT_FALSE(find(org_a_, a.id)->app_password);

  // The identity and created_at never change.
  auto c2 = b;
  c2.platform = "reddit";
  c2.network_unique_id = "other";
  c2.created_at = clock_.now() + 1h;
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_account(c, c2); }));
  const auto kept = find(org_a_, a.id);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->platform, "pinterest");
  EXPECT_EQ(kept->network_unique_id, "pin-1");
  EXPECT_EQ(kept->created_at, a.created_at);

  auto missing = value(org_a_, "pinterest", "pin-2");
  auto s = status_of([&](store::Connection& c) { return update_account(c, missing); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 1);
}

TEST_P(AccountStore, ListFiltersAreCombinedAndDisconnectedIsHidden) {
  auto make = [&](const std::string& platform, const std::string& uid, std::optional<std::string> tenant,
                  std::string_view status) {
    auto a = value(org_a_, platform, uid);
    a.tenant_id = std::move(tenant);
    a.status = std::string(status);
    clock_.advance(1s);
    return add(a).id;
  };
  const auto x1 = make("x", "x1", "t1", kActive);
  const auto x2 = make("x", "x2", "t2", kTokenExpired);
  const auto li = make("linkedin", "li", "t1", kReauthRequired);
  const auto gone = make("x", "gone", "t1", kDisconnected);
  const auto off = make("linkedin", "off", std::nullopt, kDisabled);
  add(org_b_, "x", "x1");

  using V = std::vector<std::string>;
  // Newest first; disconnected hidden unless asked for.
  EXPECT_EQ(list_ids(org_a_), (V{off, li, x2, x1}));
  EXPECT_EQ(list_ids(org_a_, {.status = "disconnected"}), V{gone});
  EXPECT_EQ(list_ids(org_a_, {.platform = "x"}), (V{x2, x1}));
  EXPECT_EQ(list_ids(org_a_, {.tenant_id = "t1"}), (V{li, x1}));
  EXPECT_EQ(list_ids(org_a_, {.tenant_id = "t1", .platform = "x"}), V{x1});
  EXPECT_EQ(list_ids(org_a_, {.tenant_id = "t1", .status = "disconnected"}), V{gone});
  EXPECT_EQ(list_ids(org_a_, {.platform = "x", .status = "token_expired"}), V{x2});
  EXPECT_EQ(list_ids(org_a_, {.platform = "linkedin", .status = "token_expired"}), V{});
  EXPECT_EQ(list_ids(org_a_, {.id = li}), V{li});
  EXPECT_EQ(list_ids(org_a_, {.id = li, .platform = "x"}), V{});
  EXPECT_EQ(list_ids(org_a_, {.id = gone}), V{});
  EXPECT_EQ(list_ids(org_a_, {.id = gone, .status = "disconnected"}), V{gone});
  EXPECT_EQ(list_ids(org_a_, {.tenant_id = "nobody"}), V{});
}

TEST_P(AccountStore, ListIsKeysetPagedNewestFirstWithIdTiebreak) {
  std::set<std::string> expected;
  for (int i = 0; i < 9; ++i) {
    expected.insert(add(org_a_, "facebook", "page-" + std::to_string(i)).id);
    if (i % 3 == 2) clock_.advance(10ms);  // three accounts share each created_at
  }
  auto hidden = value(org_a_, "facebook", "hidden");
  hidden.status = std::string(kDisconnected);
  add(hidden);
  add(org_b_, "facebook", "page-0");

  std::vector<SocialAccount> all;
  std::optional<store::KeysetPosition> after;
  int pages = 0;
  for (;;) {
    const auto page = list(org_a_, {}, after, 4);
    ++pages;
    all.insert(all.end(), page.items.begin(), page.items.end());
    if (!page.has_more) break;
    ASSERT_EQ(page.items.size(), 4u);
    after = store::KeysetPosition{core::to_unix_ms(page.items.back().created_at), page.items.back().id};
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 9u);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const bool ordered = all[i - 1].created_at > all[i].created_at ||
                         (all[i - 1].created_at == all[i].created_at && all[i - 1].id > all[i].id);
    EXPECT_TRUE(ordered) << i;
  }
  std::set<std::string> seen;
  for (const auto& a : all) seen.insert(a.id);
  EXPECT_EQ(seen, expected);

  // An exact page: has_more is false; one short: true.
  const auto exact = list(org_a_, {}, std::nullopt, 9);
  EXPECT_EQ(exact.items.size(), 9u);
  EXPECT_FALSE(exact.has_more);
  const auto short_page = list(org_a_, {}, std::nullopt, 8);
  EXPECT_EQ(short_page.items.size(), 8u);
  EXPECT_TRUE(short_page.has_more);
  // Filters and the keyset combine.
  const auto filtered = list(org_a_, {.platform = "facebook"}, after, 4);
  EXPECT_EQ(filtered.items.size(), 1u);
  EXPECT_FALSE(filtered.has_more);
}

TEST_P(AccountStore, OneAccountPerOrgPlatformAndIdentity) {
  add(org_a_, "reddit", "t2_abc");
  add(org_a_, "x", "t2_abc");  // same platform id on another platform: another account
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts"), 2);
  // A direct duplicate insert is refused by the unique index.
  auto s = status_of([&](store::Connection& c) -> core::Status {
    auto r = c.execute(
        "INSERT INTO social_accounts (id, org_id, platform, social_network_id, network_unique_id, account_type, "
        "status, scopes, token_version, platform_data, created_at, updated_at) "
        "VALUES ($1, $2, 'reddit', 'sn', 't2_abc', 'profile', 'active', '', 0, '{}', 0, 0)",
        {core::new_uuid(random_), org_a_.value});
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict) << describe(s.error());
}

TEST(AccountStatus, KnowsExactlyTheFiveStatuses) {
  for (const auto* s : {"active", "token_expired", "reauth_required", "disabled", "disconnected"})
    EXPECT_TRUE(is_account_status(s)) << s;
  for (const auto* s : {"", "Active", "deleted", "active "}) EXPECT_FALSE(is_account_status(s)) << s;
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountStore, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::accounts
