// The media_jobs queue (media/media_job_store.hpp) on every backend in
// store_backends(): due times, leases and their expiry, attempts counted per
// claim, lease-checked finish/renew/reschedule, one asset's jobs in order,
// and concurrent claimers never sharing a job.
#include "media/media_job_store.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "media/media_store.hpp"
#include "support/store_fixture.hpp"

namespace postfuze::media {
namespace {

using namespace std::chrono_literals;

class MediaJobStore : public test::StoreTest {
 protected:
  core::TimePoint now() const { return clock_.now(); }

  Media media(const core::OrgId& org) {
    Media m;
    m.id = core::new_uuid(random_);
    m.org = org;
    m.kind = std::string(kVideo);
    m.filename = "clip.mp4";
    m.content_type = "video/mp4";
    m.status = std::string(kProcessing);
    m.object_key = org.value + "/" + m.id + "/original";
    m.upload_expires_at = now() + 15min;
    m.purge_at = now() + 24h * 60;
    m.created_at = m.updated_at = now();
    write<core::Ok>([&](store::Connection& c) { return insert_media(c, m); });
    return m;
  }

  MediaJob job(const Media& m, std::string_view kind = kJobProcess, std::string params = "{}") {
    MediaJob j = new_job(random_, now(), m, kind, std::move(params));
    write<core::Ok>([&](store::Connection& c) { return insert_job(c, j); });
    return j;
  }

  std::vector<MediaJob> claim(const std::string& owner, std::chrono::milliseconds lease = 30s, int limit = 10,
                              store::Database* db = nullptr) {
    store::Database& d = db ? *db : *db_;
    return write<std::vector<MediaJob>>(
        [&](store::Connection& c) { return claim_due_jobs(c, d.dialect(), owner, now(), now() + lease, limit); }, &d);
  }

  MediaJob get(const std::string& id) {
    return *read<std::optional<MediaJob>>([&](store::Connection& c) { return find_job(c, id); });
  }
};

TEST_P(MediaJobStore, ANewJobRoundTripsAndIsDueNow) {
  const Media m = media(org_a_);
  const MediaJob j = job(m, kJobThumbnail, R"({"frame_time_ms":1500})");
  const MediaJob got = get(j.id);
  EXPECT_EQ(got.org, org_a_);
  EXPECT_EQ(got.media_id, m.id);
  EXPECT_EQ(got.kind, "thumbnail");
  EXPECT_EQ(got.params, R"({"frame_time_ms":1500})");
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.due_at, now());
  EXPECT_FALSE(got.lease_owner);
  EXPECT_FALSE(got.error);
}

TEST_P(MediaJobStore, ClaimLeasesDueJobsAndCountsAnAttempt) {
  const MediaJob j = job(media(org_a_));
  auto claimed = claim("w1", 30s);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, j.id);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].lease_owner, "w1");
  EXPECT_EQ(claimed[0].lease_until, now() + 30s);
  // Leased: nobody else gets it, not even the same owner, until the lease runs out.
  EXPECT_TRUE(claim("w2").empty());
  clock_.advance(29s);
  EXPECT_TRUE(claim("w2").empty());
  clock_.advance(1s);
  auto again = claim("w2");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 2);
  EXPECT_EQ(again[0].lease_owner, "w2");
}

TEST_P(MediaJobStore, JobsDueLaterOrDoneAreNotClaimed) {
  const Media a = media(org_a_), b = media(org_b_);
  MediaJob later = new_job(random_, now(), a, kJobProcess);
  later.due_at = now() + 1min;
  write<core::Ok>([&](store::Connection& c) { return insert_job(c, later); });
  MediaJob done = new_job(random_, now(), b, kJobProcess);
  done.due_at = std::nullopt;
  write<core::Ok>([&](store::Connection& c) { return insert_job(c, done); });
  EXPECT_TRUE(claim("w1").empty());
  clock_.advance(1min);
  auto claimed = claim("w1");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, later.id);
}

TEST_P(MediaJobStore, FinishEndsTheJobOnlyForItsLeaseHolder) {
  const MediaJob j = job(media(org_a_));
  ASSERT_EQ(claim("w1").size(), 1u);
  EXPECT_FALSE(write<bool>([&](store::Connection& c) { return finish_job(c, j.id, "w2", now()); }));
  EXPECT_TRUE(get(j.id).due_at.has_value());
  EXPECT_TRUE(write<bool>([&](store::Connection& c) { return finish_job(c, j.id, "w1", now(), "the media is gone"); }));
  const MediaJob got = get(j.id);
  EXPECT_FALSE(got.due_at);
  EXPECT_FALSE(got.lease_owner);
  EXPECT_FALSE(got.lease_until);
  EXPECT_EQ(got.error, "the media is gone");
  clock_.advance(1h);
  EXPECT_TRUE(claim("w1").empty());
}

TEST_P(MediaJobStore, ALeaseTakenOverIsLostToItsFormerHolder) {
  const MediaJob j = job(media(org_a_));
  ASSERT_EQ(claim("w1", 1s).size(), 1u);
  clock_.advance(1s);
  ASSERT_EQ(claim("w2", 30s).size(), 1u);
  // The crashed-and-back (or too slow) first worker can no longer write.
  EXPECT_FALSE(write<bool>([&](store::Connection& c) { return renew_lease(c, j.id, "w1", now(), now() + 30s); }));
  EXPECT_FALSE(write<bool>([&](store::Connection& c) { return finish_job(c, j.id, "w1", now()); }));
  EXPECT_FALSE(write<bool>(
      [&](store::Connection& c) { return reschedule_job(c, j.id, "w1", now(), now() + 5s, "transient"); }));
  EXPECT_TRUE(write<bool>([&](store::Connection& c) { return renew_lease(c, j.id, "w2", now(), now() + 60s); }));
  EXPECT_EQ(get(j.id).lease_until, now() + 60s);
}

TEST_P(MediaJobStore, RescheduleReleasesTheJobUntilItsNewDueTime) {
  const MediaJob j = job(media(org_a_));
  ASSERT_EQ(claim("w1").size(), 1u);
  ASSERT_TRUE(write<bool>(
      [&](store::Connection& c) { return reschedule_job(c, j.id, "w1", now(), now() + 5s, "download failed"); }));
  const MediaJob got = get(j.id);
  EXPECT_EQ(got.due_at, now() + 5s);
  EXPECT_FALSE(got.lease_owner);
  EXPECT_EQ(got.error, "download failed");
  EXPECT_TRUE(claim("w2").empty());
  clock_.advance(5s);
  auto claimed = claim("w2");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].attempts, 2);
}

TEST_P(MediaJobStore, OneAssetsJobsRunOneAtATimeOldestFirst) {
  const Media m = media(org_a_);
  const MediaJob first = job(m, kJobProcess);
  clock_.advance(1ms);
  const MediaJob second = job(m, kJobThumbnail, R"({"frame_time_ms":0})");
  const MediaJob other = job(media(org_a_));
  auto claimed = claim("w1");
  std::set<std::string> ids;
  for (const auto& j : claimed) ids.insert(j.id);
  EXPECT_EQ(ids, (std::set<std::string>{first.id, other.id}));
  EXPECT_TRUE(claim("w2").empty());  // the second waits while the first is pending
  ASSERT_TRUE(write<bool>([&](store::Connection& c) { return finish_job(c, first.id, "w1", now()); }));
  claimed = claim("w2");
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, second.id);
}

TEST_P(MediaJobStore, JobsForMediaListsOldestFirst) {
  const Media m = media(org_a_);
  const MediaJob a = job(m);
  clock_.advance(1ms);
  const MediaJob b = job(m, kJobThumbnail);
  auto all = read<std::vector<MediaJob>>([&](store::Connection& c) { return jobs_for_media(c, m.id); });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a.id);
  EXPECT_EQ(all[1].id, b.id);
}

TEST_P(MediaJobStore, ConcurrentClaimersNeverShareAJob) {
  constexpr int kJobs = 40;
  std::set<std::string> all;
  for (int i = 0; i < kJobs; ++i) all.insert(job(media(i % 2 ? org_a_ : org_b_)).id);
  // Each claimer has its own pool of connections, as separate processes would.
  auto other = open(backend_->url());
  std::vector<std::string> got1, got2;
  auto claimer = [&](store::Database* db, const std::string& owner, std::vector<std::string>& got) {
    for (int round = 0; round < 20; ++round) {
      std::optional<std::vector<MediaJob>> batch;
      auto s = db->transaction([&](store::Connection& c) -> core::Status {
        auto r = claim_due_jobs(c, db->dialect(), owner, now(), now() + 60s, 3);
        if (!r) return std::move(r).error();
        batch = std::move(*r);
        return core::Ok{};
      });
      if (!s) continue;  // SQLite busy: try again
      for (const auto& j : *batch) got.push_back(j.id);
    }
  };
  std::thread t1(claimer, db_.get(), "w1", std::ref(got1));
  std::thread t2(claimer, other.get(), "w2", std::ref(got2));
  t1.join();
  t2.join();
  std::set<std::string> seen;
  for (const auto& id : got1) EXPECT_TRUE(seen.insert(id).second) << id << " claimed twice";
  for (const auto& id : got2) EXPECT_TRUE(seen.insert(id).second) << id << " claimed twice";
  EXPECT_EQ(seen, all);
  for (const auto& id : got1) EXPECT_EQ(get(id).lease_owner, "w1");
  for (const auto& id : got2) EXPECT_EQ(get(id).lease_owner, "w2");
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaJobStore, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::media
