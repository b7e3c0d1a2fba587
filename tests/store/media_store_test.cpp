// Conformance suite for the media store calls (media/media_store.hpp), run
// against every backend in store_backends(): round trip of every column,
// tenancy (another org's id reads as missing), deleted rows, the version
// check, offset lists with total and filters, post_media links, the
// unsettled-post rule and purge candidates.
#include "media/media_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/ids.hpp"
#include "media/media.hpp"
#include "media/media_types.hpp"
#include "support/store_fixture.hpp"

namespace postfuze::media {
namespace {

using namespace std::chrono_literals;

constexpr auto kRetention = std::chrono::hours(24 * 60);

class MediaStore : public test::StoreTest {
 protected:
  core::TimePoint now() const { return clock_.now(); }

  Media make(const core::OrgId& org, std::string kind = std::string(kImage), std::string status = std::string(kPendingUpload)) {
    Media m;
    m.id = core::new_uuid(random_);
    m.org = org;
    m.kind = std::move(kind);
    m.filename = "cat \xE2\x80\x9C" "photo\xE2\x80\x9D.jpg";
    m.content_type = "image/jpeg";
    m.declared_size = 12345;
    m.status = std::move(status);
    m.object_key = org.value + "/" + m.id + "/original";
    m.upload_expires_at = now() + 15min;
    m.purge_at = now() + kRetention;
    m.created_at = m.updated_at = now();
    return m;
  }

  Media insert(const Media& m) {
    write<core::Ok>([&](store::Connection& c) { return insert_media(c, m); });
    return m;
  }

  std::optional<Media> find(const core::OrgId& org, const std::string& id) {
    return read<std::optional<Media>>([&](store::Connection& c) { return find_media(c, org, id); });
  }

  bool save(const Media& m) {
    return write<bool>([&](store::Connection& c) { return save_media(c, m, now()); });
  }

  MediaPage list(const core::OrgId& org, MediaFilter f = {}, std::int64_t offset = 0, int limit = 25) {
    return read<MediaPage>([&](store::Connection& c) { return list_media(c, org, f, offset, limit); });
  }

  // A post row in `status` (only the columns the media calls read matter).
  std::string post(const core::OrgId& org, const std::string& status, bool deleted = false) {
    const std::string id = core::new_uuid(random_);
    write<std::int64_t>([&](store::Connection& c) {
      return c.execute(
          "INSERT INTO posts (id, org_id, status, is_draft, containers, default_config, version, deleted_at, "
          "created_at, updated_at) VALUES ($1, $2, $3, 0, '[]', '{}', 1, $4, $5, $5)",
          {id, org.value, status, deleted ? std::optional<core::TimePoint>(now()) : std::nullopt, now()});
    });
    return id;
  }

  void link(const core::OrgId& org, const std::string& post_id, const std::vector<std::string>& ids) {
    write<core::Ok>([&](store::Connection& c) { return link_post_media(c, org, post_id, ids); });
  }

  bool in_use(const core::OrgId& org, const std::string& id) {
    return read<bool>([&](store::Connection& c) { return used_by_unsettled_post(c, org, id); });
  }

  std::vector<std::string> purgeable(int limit = 100) {
    auto rows = read<std::vector<Media>>([&](store::Connection& c) { return purge_candidates(c, now(), limit); });
    std::vector<std::string> ids;
    for (const auto& m : rows) ids.push_back(m.id);
    return ids;
  }
};

TEST_P(MediaStore, RoundTripsEveryColumn) {
  Media m = make(org_a_, std::string(kVideo), std::string(kReady));
  m.content_type = "video/mp4";
  m.size = 5'000'000'000LL;  // beyond 32 bits
  m.width = 1920;
  m.height = 1080;
  m.duration_ms = 12'345;
  m.thumbnail = Thumbnail{org_a_.value + "/" + m.id + "/thumbnail.jpg", 640, 360, 1500, "generated"};
  m.version = 3;
  insert(m);

  auto got = find(org_a_, m.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id, m.id);
  EXPECT_EQ(got->org, org_a_);
  EXPECT_EQ(got->kind, "video");
  EXPECT_EQ(got->filename, m.filename);
  EXPECT_EQ(got->content_type, "video/mp4");
  EXPECT_EQ(got->declared_size, 12345);
  EXPECT_EQ(got->size, 5'000'000'000LL);
  EXPECT_EQ(got->status, "ready");
  EXPECT_EQ(got->width, 1920);
  EXPECT_EQ(got->height, 1080);
  EXPECT_EQ(got->duration_ms, 12'345);
  EXPECT_EQ(got->object_key, m.object_key);
  ASSERT_TRUE(got->thumbnail);
  EXPECT_EQ(got->thumbnail->object_key, m.thumbnail->object_key);
  EXPECT_EQ(got->thumbnail->width, 640);
  EXPECT_EQ(got->thumbnail->height, 360);
  EXPECT_EQ(got->thumbnail->frame_time_ms, 1500);
  EXPECT_EQ(got->thumbnail->source, "generated");
  EXPECT_FALSE(got->failure);
  EXPECT_EQ(got->upload_expires_at, m.upload_expires_at);
  EXPECT_EQ(got->purge_at, m.purge_at);
  EXPECT_EQ(got->version, 3);
  EXPECT_EQ(got->created_at, m.created_at);
  EXPECT_EQ(got->updated_at, m.updated_at);
}

TEST_P(MediaStore, NullableColumnsStayNull) {
  Media m = make(org_a_);
  m.declared_size.reset();
  insert(m);
  auto got = find(org_a_, m.id);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->declared_size);
  EXPECT_FALSE(got->size);
  EXPECT_FALSE(got->width);
  EXPECT_FALSE(got->height);
  EXPECT_FALSE(got->duration_ms);
  EXPECT_FALSE(got->thumbnail);
  EXPECT_FALSE(got->failure);
}

TEST_P(MediaStore, AnotherOrgsAssetReadsAsMissing) {
  const Media m = insert(make(org_a_));
  EXPECT_TRUE(find(org_a_, m.id));
  EXPECT_FALSE(find(org_b_, m.id));
  EXPECT_FALSE(find(org_a_, core::new_uuid(random_)));
  EXPECT_EQ(list(org_b_).total, 0);
  EXPECT_TRUE(list(org_b_).items.empty());
  // Writes are scoped too: another org cannot save over it.
  Media other = m;
  other.org = org_b_;
  other.status = std::string(kFailed);
  EXPECT_FALSE(save(other));
  EXPECT_EQ(find(org_a_, m.id)->status, "pending_upload");
}

TEST_P(MediaStore, SaveChecksTheVersionAndBumpsIt) {
  Media m = insert(make(org_a_));
  clock_.advance(1000ms);
  Media ready = m;
  ready.status = std::string(kReady);
  ready.size = 777;
  ready.width = 10;
  ready.height = 20;
  ready.failure = Failure{"corrupt_file", "The file could not be decoded."};
  ASSERT_TRUE(save(ready));
  auto got = find(org_a_, m.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->status, "ready");
  EXPECT_EQ(got->size, 777);
  EXPECT_EQ(got->width, 10);
  ASSERT_TRUE(got->failure);
  EXPECT_EQ(got->failure->code, "corrupt_file");
  EXPECT_EQ(got->failure->message, "The file could not be decoded.");
  EXPECT_EQ(got->updated_at, now());
  EXPECT_EQ(got->created_at, m.created_at);

  // A writer holding version 1 lost the race: nothing is written.
  Media stale = m;
  stale.status = std::string(kFailed);
  EXPECT_FALSE(save(stale));
  EXPECT_EQ(find(org_a_, m.id)->status, "ready");
  // The current version goes through.
  got->status = std::string(kProcessing);
  EXPECT_TRUE(save(*got));
  EXPECT_EQ(find(org_a_, m.id)->version, 3);
}

TEST_P(MediaStore, DeletedAssetsAreMissingButLoadable) {
  Media m = insert(make(org_a_, std::string(kImage), std::string(kReady)));
  m.status = std::string(kDeleted);
  ASSERT_TRUE(save(m));
  EXPECT_FALSE(find(org_a_, m.id));
  EXPECT_EQ(list(org_a_).total, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM media WHERE id = $1 AND deleted_at IS NOT NULL", {m.id}), 1);
  auto loaded = read<std::optional<Media>>([&](store::Connection& c) { return load_media(c, m.id); });
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->status, "deleted");
  EXPECT_EQ(loaded->version, 2);
  EXPECT_FALSE(read<std::optional<Media>>([&](store::Connection& c) { return load_media(c, "nope"); }));
}

TEST_P(MediaStore, ListsNewestFirstWithOffsetAndTotal) {
  std::vector<std::string> ids;  // oldest first
  for (int i = 0; i < 7; ++i) {
    ids.push_back(insert(make(org_a_)).id);
    clock_.advance(1000ms);
  }
  insert(make(org_b_));  // never in org A's pages

  auto p1 = list(org_a_, {}, 0, 3);
  EXPECT_EQ(p1.total, 7);
  ASSERT_EQ(p1.items.size(), 3u);
  EXPECT_EQ(p1.items[0].id, ids[6]);
  EXPECT_EQ(p1.items[1].id, ids[5]);
  EXPECT_EQ(p1.items[2].id, ids[4]);
  auto p3 = list(org_a_, {}, 6, 3);
  EXPECT_EQ(p3.total, 7);
  ASSERT_EQ(p3.items.size(), 1u);
  EXPECT_EQ(p3.items[0].id, ids[0]);
  auto past = list(org_a_, {}, 50, 3);
  EXPECT_EQ(past.total, 7);
  EXPECT_TRUE(past.items.empty());
}

TEST_P(MediaStore, EqualTimesOrderByIdDescending) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(insert(make(org_a_)).id);
  std::sort(ids.rbegin(), ids.rend());
  auto page = list(org_a_);
  ASSERT_EQ(page.items.size(), 4u);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(page.items[i].id, ids[i]);
}

TEST_P(MediaStore, FiltersByStatusAndKind) {
  insert(make(org_a_, std::string(kImage), std::string(kReady)));
  insert(make(org_a_, std::string(kImage), std::string(kPendingUpload)));
  const auto video = insert(make(org_a_, std::string(kVideo), std::string(kReady)));
  insert(make(org_a_, std::string(kVideo), std::string(kProcessing)));

  EXPECT_EQ(list(org_a_, {std::string(kReady), std::nullopt}).total, 2);
  EXPECT_EQ(list(org_a_, {std::nullopt, std::string(kVideo)}).total, 2);
  auto both = list(org_a_, {std::string(kReady), std::string(kVideo)});
  EXPECT_EQ(both.total, 1);
  ASSERT_EQ(both.items.size(), 1u);
  EXPECT_EQ(both.items[0].id, video.id);
  EXPECT_EQ(list(org_a_, {std::string(kFailed), std::nullopt}).total, 0);
}

TEST_P(MediaStore, OnlyUnsettledPostsHoldAnAsset) {
  const auto m = insert(make(org_a_, std::string(kImage), std::string(kReady)));
  EXPECT_FALSE(in_use(org_a_, m.id));
  for (const std::string status : {"published", "partial", "failed", "canceled"}) {
    link(org_a_, post(org_a_, status), {m.id});
    EXPECT_FALSE(in_use(org_a_, m.id)) << status;
  }
  link(org_a_, post(org_a_, "draft", /*deleted=*/true), {m.id});
  EXPECT_FALSE(in_use(org_a_, m.id)) << "deleted draft";
  for (const std::string status : {"draft", "scheduled", "queued", "publishing"}) {
    const auto other = insert(make(org_a_, std::string(kImage), std::string(kReady)));
    link(org_a_, post(org_a_, status), {other.id});
    EXPECT_TRUE(in_use(org_a_, other.id)) << status;
    EXPECT_FALSE(in_use(org_b_, other.id)) << "another org asks: " << status;
  }
}

TEST_P(MediaStore, RelinkingReplacesAPostsLinks) {
  const auto a = insert(make(org_a_));
  const auto b = insert(make(org_a_));
  const auto p = post(org_a_, "draft");
  link(org_a_, p, {a.id, a.id, b.id});  // duplicates collapse
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_media WHERE post_id = $1", {p}), 2);
  EXPECT_TRUE(in_use(org_a_, a.id));
  link(org_a_, p, {b.id});
  EXPECT_FALSE(in_use(org_a_, a.id));
  EXPECT_TRUE(in_use(org_a_, b.id));
  link(org_a_, p, {});
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_media WHERE post_id = $1", {p}), 0);
}

TEST_P(MediaStore, LinkingAnotherOrgsAssetIsNotFoundAndWritesNothing) {
  const auto mine = insert(make(org_a_));
  const auto theirs = insert(make(org_b_));
  const auto p = post(org_a_, "draft");
  auto s = db_->transaction([&](store::Connection& c) { return link_post_media(c, org_a_, p, {mine.id, theirs.id}); });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM post_media WHERE post_id = $1", {p}), 0);
}

TEST_P(MediaStore, PurgeCandidatesArePastDueAndNotHeldByUnsettledPosts) {
  const auto due = insert(make(org_a_, std::string(kImage), std::string(kReady)));
  const auto held = insert(make(org_b_, std::string(kVideo), std::string(kReady)));
  const auto released = insert(make(org_a_, std::string(kImage), std::string(kFailed)));
  Media gone = insert(make(org_a_, std::string(kImage), std::string(kReady)));
  clock_.advance(1000ms);
  const auto young = insert(make(org_a_));
  link(org_b_, post(org_b_, "scheduled"), {held.id});
  link(org_a_, post(org_a_, "published"), {released.id});
  gone.status = std::string(kDeleted);
  ASSERT_TRUE(save(gone));

  EXPECT_TRUE(purgeable().empty()) << "nothing is 60 days old yet";
  clock_.advance(kRetention - 1000ms);
  auto ids = purgeable();
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> expected{due.id, released.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(purgeable(1).size(), 1u);

  clock_.advance(1000ms);
  ids = purgeable();
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_NE(std::find(ids.begin(), ids.end(), young.id), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), held.id), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), gone.id), ids.end());
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaStore, testing::ValuesIn(test::store_backends()), test::BackendParamName());

// Allowed types and caps (media_types.hpp): plain functions, no backend.
TEST(MediaTypes, KindsFollowFromContentTypes) {
  EXPECT_EQ(kind_for("image/jpeg"), "image");
  EXPECT_EQ(kind_for("IMAGE/PNG; foo=bar"), "image");
  EXPECT_EQ(kind_for(" image/webp "), "image");
  EXPECT_EQ(kind_for("image/gif"), "gif");
  EXPECT_EQ(kind_for("video/mp4"), "video");
  EXPECT_EQ(kind_for("video/quicktime"), "video");
  EXPECT_EQ(kind_for("video/webm"), "video");
  EXPECT_EQ(kind_for("audio/mpeg"), "audio");
  EXPECT_EQ(kind_for("audio/wav"), "audio");
  EXPECT_EQ(kind_for("application/pdf"), "document");
  EXPECT_FALSE(kind_for("image/svg+xml"));
  EXPECT_FALSE(kind_for("text/html"));
  EXPECT_FALSE(kind_for("application/octet-stream"));
  EXPECT_FALSE(kind_for(""));
  EXPECT_EQ(essence("Video/MP4 ; codecs=avc1"), "video/mp4");
  for (const auto& t : allowed_types()) EXPECT_TRUE(kind_for(t)) << t;
}

TEST(MediaTypes, CapsPerKind) {
  MediaLimits limits;
  EXPECT_EQ(limits.cap_for("image"), 25LL << 20);
  EXPECT_EQ(limits.cap_for("gif"), 25LL << 20);
  EXPECT_EQ(limits.cap_for("video"), 512LL << 20);
  EXPECT_EQ(limits.cap_for("audio"), 256LL << 20);
  EXPECT_EQ(limits.cap_for("document"), 100LL << 20);
  EXPECT_EQ(limits.cap_for("spreadsheet"), 0);
  limits.video_bytes = 1;
  EXPECT_EQ(limits.cap_for("video"), 1);
}

}  // namespace
}  // namespace postfuze::media
