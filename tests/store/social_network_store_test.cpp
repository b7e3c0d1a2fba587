// Conformance suite for the social network store calls
// (connect/social_network_store.hpp), run against every backend in
// store_backends(): round trip, tenancy, one record per (org, platform),
// concurrent upserts, and the sealed client secret's associated data.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <functional>
#include <latch>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "connect/social_network.hpp"
#include "connect/social_network_store.hpp"
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

class SocialNetworkStore : public test::StoreTest {
 protected:
  SocialNetwork value(const core::OrgId& o, const std::string& platform, const std::string& secret) {
    SocialNetwork n;
    n.id = core::new_uuid(random_);
    n.org = o;
    n.platform = platform;
    n.display_name = "My " + platform + " app";
    n.client_id = "client-" + platform;
    n.client_secret = keys_->seal(random_, client_secret_aad(o, n.id), secret);
    n.redirect_uri = "https://api.example.com/api/v1/connect/callback";
    n.scopes = {"r_basicprofile", "w_member_social"};
    n.extra_config = {{"organizationId", "42"}, {"nested", {{"a", 1}}}};
    n.created_at = clock_.now();
    n.updated_at = clock_.now();
    return n;
  }

  SocialNetwork add(const core::OrgId& o, const std::string& platform, const std::string& secret = "s3cret") {
    auto n = value(o, platform, secret);
    auto s = status_of([&](store::Connection& c) { return insert_social_network(c, n); });
    if (!s) throw std::runtime_error(describe(s.error()));
    return n;
  }

  std::optional<SocialNetwork> find(const core::OrgId& o, const std::string& id) {
    return read<std::optional<SocialNetwork>>([&](store::Connection& c) { return find_social_network(c, o, id); });
  }

  std::vector<SocialNetwork> list(const core::OrgId& o) {
    return read<std::vector<SocialNetwork>>([&](store::Connection& c) { return list_social_networks(c, o); });
  }

  std::string open_secret(const SocialNetwork& n, const std::string& aad) {
    auto r = keys_->open(*n.client_secret, aad);
    return r ? r->reveal() : std::string("<failed>");
  }

};

TEST_P(SocialNetworkStore, RoundTripsEveryField) {
  const auto n = add(org_a_, "linkedin", "linkedin-secret");
  const auto got = find(org_a_, n.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, n.id);
  EXPECT_EQ(got->org, org_a_);
  EXPECT_EQ(got->platform, "linkedin");
  EXPECT_EQ(got->display_name, n.display_name);
  EXPECT_EQ(got->client_id, n.client_id);
  ASSERT_TRUE(got->client_secret);
  EXPECT_EQ(got->client_secret->text(), n.client_secret->text());
  EXPECT_EQ(got->redirect_uri, n.redirect_uri);
  EXPECT_EQ(got->scopes, n.scopes);
  EXPECT_EQ(got->extra_config, n.extra_config);
  EXPECT_TRUE(got->is_enabled);
  EXPECT_EQ(got->created_at, n.created_at);
  EXPECT_EQ(got->updated_at, n.updated_at);
}

TEST_P(SocialNetworkStore, NullableFieldsRoundTripAsAbsent) {
  SocialNetwork n;
  n.id = core::new_uuid(random_);
  n.org = org_a_;
  n.platform = "bluesky";
  n.is_enabled = false;
  n.created_at = n.updated_at = clock_.now();
  ASSERT_TRUE(status_of([&](store::Connection& c) { return insert_social_network(c, n); }));
  const auto got = find(org_a_, n.id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->display_name);
  EXPECT_FALSE(got->client_id);
  EXPECT_FALSE(got->client_secret);
  EXPECT_FALSE(got->redirect_uri);
  EXPECT_TRUE(got->scopes.empty());
  EXPECT_TRUE(got->extra_config.empty());
  EXPECT_FALSE(got->is_enabled);
}

TEST_P(SocialNetworkStore, ListIsTheOrgsRecordsByPlatform) {
  for (const auto* p : {"youtube", "bluesky", "x", "google_business", "linkedin"}) add(org_a_, p);
  add(org_b_, "facebook");
  std::vector<std::string> platforms;
  for (const auto& n : list(org_a_)) platforms.push_back(n.platform);
  EXPECT_EQ(platforms, (std::vector<std::string>{"bluesky", "google_business", "linkedin", "x", "youtube"}));
  ASSERT_EQ(list(org_b_).size(), 1u);
  EXPECT_EQ(list(org_b_)[0].platform, "facebook");
}

TEST_P(SocialNetworkStore, UpdateWritesTheMutableFields) {
  auto n = add(org_a_, "x");
  n.display_name.reset();
  n.client_id = "new-client";
  n.client_secret = keys_->seal(random_, client_secret_aad(org_a_, n.id), "rotated");
  n.redirect_uri = "https://other.example.com/cb";
  n.scopes = {"tweet.write"};
  n.extra_config = {{"k", "v"}};
  n.is_enabled = false;
  clock_.advance(5s);
  n.updated_at = clock_.now();
  n.platform = "reddit";  // ignored: the platform never changes
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_social_network(c, n); }));
  const auto got = find(org_a_, n.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->platform, "x");
  EXPECT_FALSE(got->display_name);
  EXPECT_EQ(got->client_id, "new-client");
  EXPECT_EQ(open_secret(*got, client_secret_aad(org_a_, n.id)), "rotated");
  EXPECT_EQ(got->redirect_uri, "https://other.example.com/cb");
  EXPECT_EQ(got->scopes, std::vector<std::string>{"tweet.write"});
  EXPECT_EQ(got->extra_config, (boost::json::object{{"k", "v"}}));
  EXPECT_FALSE(got->is_enabled);
  EXPECT_EQ(got->updated_at, clock_.now());
  EXPECT_EQ(got->created_at, n.created_at);
}

TEST_P(SocialNetworkStore, DeleteRemovesTheRecord) {
  const auto n = add(org_a_, "tiktok");
  EXPECT_TRUE(read<bool>([&](store::Connection& c) { return delete_social_network(c, org_a_, n.id); }));
  EXPECT_FALSE(find(org_a_, n.id));
  EXPECT_FALSE(read<bool>([&](store::Connection& c) { return delete_social_network(c, org_a_, n.id); }));
  // The platform is free again.
  add(org_a_, "tiktok");
  EXPECT_EQ(list(org_a_).size(), 1u);
}

TEST_P(SocialNetworkStore, AnotherOrganizationsRecordReadsAsMissing) {
  const auto n = add(org_a_, "pinterest");
  EXPECT_FALSE(find(org_b_, n.id));
  EXPECT_FALSE(read<std::optional<SocialNetwork>>(
      [&](store::Connection& c) { return find_social_network_by_platform(c, org_b_, "pinterest"); }));
  auto foreign = n;
  foreign.org = org_b_;
  foreign.client_id = "hijack";
  auto s = status_of([&](store::Connection& c) { return update_social_network(c, foreign); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::not_found);
  EXPECT_FALSE(read<bool>([&](store::Connection& c) { return delete_social_network(c, org_b_, n.id); }));
  const auto kept = find(org_a_, n.id);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->client_id, n.client_id);
  // The same platform in another org is a separate record.
  add(org_b_, "pinterest");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_networks WHERE platform = 'pinterest'"), 2);
}

TEST_P(SocialNetworkStore, OneRecordPerOrgAndPlatform) {
  add(org_a_, "reddit");
  auto dup = value(org_a_, "reddit", "other");
  auto s = status_of([&](store::Connection& c) { return insert_social_network(c, dup); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::conflict) << describe(s.error());
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_networks"), 1);
}

TEST_P(SocialNetworkStore, UpsertCreatesThenUpdatesInPlace) {
  auto create = [&](const std::string& secret) {
    return [this, secret]() -> core::Result<SocialNetwork> { return value(org_a_, "threads", secret); };
  };
  auto first = write<Upserted>([&](store::Connection& c) {
    return upsert_social_network(c, org_a_, "threads", create("one"), [](SocialNetwork&) { return core::Status(core::Ok{}); });
  });
  EXPECT_TRUE(first.created);
  auto second = write<Upserted>([&](store::Connection& c) {
    return upsert_social_network(c, org_a_, "threads", create("two"), [](SocialNetwork& n) {
      n.client_id = "changed";
      return core::Status(core::Ok{});
    });
  });
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.network.id, first.network.id);
  const auto got = find(org_a_, first.network.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->client_id, "changed");
  EXPECT_EQ(open_secret(*got, client_secret_aad(org_a_, got->id)), "one");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_networks"), 1);

  // A create that refuses (e.g. missing credentials) writes nothing.
  auto s = db_->transaction([&](store::Connection& c) -> core::Status {
    auto r = upsert_social_network(
        c, org_a_, "facebook", []() -> core::Result<SocialNetwork> { return core::Error::validation("client_id", "x", "required"); },
        [](SocialNetwork&) { return core::Status(core::Ok{}); });
    if (!r) return std::move(r).error();
    return core::Ok{};
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::validation_failed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_networks"), 1);
}

TEST_P(SocialNetworkStore, UpsertThatLosesTheInsertRaceUpdatesTheWinner) {
  // The record appears between the upsert's lookup and its insert, as when a
  // concurrent request commits first: the insert changes nothing and the
  // winner is updated instead.
  std::optional<SocialNetwork> winner;
  auto result = write<Upserted>([&](store::Connection& c) {
    return upsert_social_network(
        c, org_a_, "tiktok",
        [&]() -> core::Result<SocialNetwork> {
          winner = value(org_a_, "tiktok", "winner");
          if (auto s = insert_social_network(c, *winner); !s) return std::move(s).error();
          return value(org_a_, "tiktok", "loser");
        },
        [](SocialNetwork& n) {
          n.display_name = "updated";
          return core::Status(core::Ok{});
        });
  });
  ASSERT_TRUE(winner);
  EXPECT_FALSE(result.created);
  EXPECT_EQ(result.network.id, winner->id);
  const auto got = find(org_a_, winner->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->display_name, "updated");
  EXPECT_EQ(open_secret(*got, client_secret_aad(org_a_, got->id)), "winner");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_networks"), 1);
}

TEST_P(SocialNetworkStore, ConcurrentUpsertsOfOnePlatformLeaveOneRow) {
  auto second = open(backend_->url());
  std::array<store::Database*, 2> dbs{db_.get(), second.get()};
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::mutex mu;
  std::vector<std::string> errors, ids;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      store::Database& db = *dbs[static_cast<std::size_t>(i % 2)];
      start.arrive_and_wait();
      std::optional<Upserted> out;
      auto s = db.transaction([&](store::Connection& c) -> core::Status {
        auto r = upsert_social_network(
            c, org_a_, "instagram",
            [&]() -> core::Result<SocialNetwork> {
              std::lock_guard lock(mu);
              return value(org_a_, "instagram", "secret-" + std::to_string(i));
            },
            [&](SocialNetwork& n) {
              n.display_name = "writer " + std::to_string(i);
              return core::Status(core::Ok{});
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
      if (out->created) ++created;
      ids.push_back(out->network.id);
    });
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_networks WHERE org_id = $1", {org_a_.value}), 1);
  for (const auto& id : ids) EXPECT_EQ(id, ids.front());
}

TEST_P(SocialNetworkStore, SealedSecretOpensOnlyWithItsOwnAssociatedData) {
  const auto a = add(org_a_, "youtube", "yt-secret");
  const auto b = add(org_a_, "facebook", "fb-secret");
  const auto stored = find(org_a_, a.id);
  ASSERT_TRUE(stored && stored->client_secret);
  EXPECT_EQ(stored->client_secret->text().find("yt-secret"), std::string::npos);
  EXPECT_EQ(open_secret(*stored, client_secret_aad(org_a_, a.id)), "yt-secret");
  EXPECT_EQ(client_secret_aad(org_a_, a.id), "social_network.client_secret|" + org_a_.value + "|" + a.id);
  // Another org's, or another row's, associated data does not open it.
  EXPECT_FALSE(keys_->open(*stored->client_secret, client_secret_aad(org_b_, a.id)));
  EXPECT_FALSE(keys_->open(*stored->client_secret, client_secret_aad(org_a_, b.id)));
  // Nor does a ciphertext copied onto another row.
  auto moved = *find(org_a_, b.id);
  moved.client_secret = stored->client_secret;
  ASSERT_TRUE(status_of([&](store::Connection& c) { return update_social_network(c, moved); }));
  EXPECT_FALSE(keys_->open(*find(org_a_, b.id)->client_secret, client_secret_aad(org_a_, b.id)));
}

TEST(SocialNetworkPlatforms, ExactlyTheElevenContractValues) {
  std::vector<std::string> names;
  for (const auto& p : kPlatforms) names.emplace_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"bluesky", "facebook", "google_business", "instagram", "linkedin",
                                             "pinterest", "reddit", "threads", "tiktok", "x", "youtube"}));
  EXPECT_FALSE(requires_client_credentials("bluesky"));
  EXPECT_TRUE(requires_client_credentials("x"));
  EXPECT_FALSE(is_platform("mastodon"));
  EXPECT_FALSE(is_platform("X"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SocialNetworkStore, testing::ValuesIn(test::store_backends()),
                         test::BackendParamName());

}  // namespace
}  // namespace postfuze::connect
