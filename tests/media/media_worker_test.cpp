// confirm_upload, request_thumbnail and MediaWorker in-process, per backend,
// over a real DiskStore and real ffprobe/ffmpeg: every confirm outcome, a
// video processed to ready with its cover stored, a corrupt video failed, a
// custom thumbnail, a job whose lease another worker took, and the purge.
#include "media/media_worker.hpp"

#include <fstream>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>

#include "core/log.hpp"
#include "media/disk_store.hpp"
#include "media/media_store.hpp"
#include "media/sniff.hpp"
#include "support/media_samples.hpp"
#include "support/store_fixture.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::media {
namespace {

using namespace std::chrono_literals;

class MediaWorkerTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    disk_.emplace(dir_.path() / "media", "http://127.0.0.1:1", UrlSigner(std::string(32, 'k')), clock_, random_);
  }
  void TearDown() override { blocking_.join(); }

  MediaDeps deps() {
    return MediaDeps{*db_, blocking_, *disk_, clock_, random_, log_, limits_, dir_.path() / "work", [this] { ++wakes_; }};
  }

  template <typename T>
  T run(boost::asio::awaitable<T> op) {
    std::optional<T> out;
    boost::asio::co_spawn(
        io_, [&]() -> boost::asio::awaitable<void> { out.emplace(co_await std::move(op)); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_.restart();
    io_.run();
    return std::move(*out);
  }

  // An asset awaiting confirmation, with `bytes` (if any) stored as its object.
  Media uploaded(std::string kind, std::string content_type, const std::optional<std::string>& bytes,
                 std::optional<std::int64_t> declared = std::nullopt) {
    Media m;
    m.id = core::new_uuid(random_);
    m.org = org_a_;
    m.kind = std::move(kind);
    m.filename = "f";
    m.content_type = std::move(content_type);
    m.declared_size = declared;
    m.status = std::string(kPendingUpload);
    m.object_key = m.org.value + "/" + m.id + "/original";
    m.upload_expires_at = clock_.now() + 15min;
    m.purge_at = clock_.now() + 24h * 60;
    m.created_at = m.updated_at = clock_.now();
    write<core::Ok>([&](store::Connection& c) { return insert_media(c, m); });
    if (bytes) {
      const auto file = dir_.file("upload-" + m.id);
      std::ofstream(file, std::ios::binary) << *bytes;
      EXPECT_TRUE(run(disk_->upload(file, m.object_key, m.content_type)));
    }
    return m;
  }

  Media load(const std::string& id) {
    return *read<std::optional<Media>>([&](store::Connection& c) { return load_media(c, id); });
  }
  std::vector<MediaJob> jobs(const std::string& id) {
    return read<std::vector<MediaJob>>([&](store::Connection& c) { return jobs_for_media(c, id); });
  }
  bool stored(const std::string& key) { return run(disk_->stat(key)).value().has_value(); }

  core::Result<Media> confirm(const Media& m) { return run(confirm_upload(deps(), org_a_, m.id)); }
  int drain(MediaWorker& w) { return run(w.drain()); }

  test::TempDir dir_{"postfuze-media-worker"};
  boost::asio::io_context io_;
  boost::asio::thread_pool blocking_{2};
  core::Logger log_{clock_, core::LogLevel::error};
  MediaLimits limits_;
  std::optional<DiskStore> disk_;
  int wakes_ = 0;
};

TEST_P(MediaWorkerTest, AnImageIsReadyAtConfirmWithItsSniffedType) {
  const std::string png = test::sample_png(320, 240);
  const Media m = uploaded("image", "image/jpeg", png, static_cast<std::int64_t>(png.size()));
  auto r = confirm(m);
  ASSERT_TRUE(r) << test::describe(r.error());
  EXPECT_EQ(r->status, kReady);
  EXPECT_EQ(r->content_type, "image/png");
  EXPECT_EQ(r->size, static_cast<std::int64_t>(png.size()));
  EXPECT_EQ(r->width, 320);
  EXPECT_EQ(r->height, 240);
  ASSERT_TRUE(r->thumbnail);
  EXPECT_EQ(r->thumbnail->source, "original");
  EXPECT_EQ(r->thumbnail->object_key, m.object_key);
  EXPECT_EQ(load(m.id).status, kReady);
  EXPECT_TRUE(jobs(m.id).empty());
  // Again: the asset as it is, unchanged.
  auto again = confirm(m);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, r->version);
}

TEST_P(MediaWorkerTest, RefusalsEndTheAssetFailedWithTheirCode) {
  struct Case {
    std::string kind, type;
    std::optional<std::string> bytes;
    std::optional<std::int64_t> declared;
    std::string code;
  };
  const std::string jpeg = test::sample_jpeg();
  const std::vector<Case> cases{
      {"video", "video/mp4", test::sample_png(), std::nullopt, "type_mismatch"},
      {"image", "image/jpeg", "plain words, not a picture", std::nullopt, "type_mismatch"},
      {"image", "image/jpeg", jpeg, static_cast<std::int64_t>(jpeg.size()) + 1, "size_mismatch"},
      {"image", "image/jpeg", jpeg.substr(0, 200), std::nullopt, "corrupt_file"},
  };
  for (const auto& c : cases) {
    const Media m = uploaded(c.kind, c.type, c.bytes, c.declared);
    auto r = confirm(m);
    ASSERT_FALSE(r) << c.code;
    EXPECT_EQ(r.error().status(), 422) << c.code;
    ASSERT_EQ(r.error().fields.size(), 1u) << c.code;
    EXPECT_EQ(r.error().fields[0].code, c.code);
    EXPECT_EQ(r.error().fields[0].field, "file");
    const Media after = load(m.id);
    EXPECT_EQ(after.status, kFailed) << c.code;
    ASSERT_TRUE(after.failure) << c.code;
    EXPECT_EQ(after.failure->code, c.code);
    EXPECT_EQ(run(confirm_upload(deps(), org_a_, m.id)).error().code, core::ErrorCode::conflict);
  }
}

TEST_P(MediaWorkerTest, AConfirmBeforeTheBytesChangesNothingWhileTheUploadUrlIsValid) {
  const Media m = uploaded("image", "image/jpeg", std::nullopt);
  auto early = confirm(m);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().status(), 422);
  EXPECT_EQ(early.error().fields.at(0).code, "upload_missing");
  EXPECT_EQ(load(m.id).status, kPendingUpload);  // the client may still PUT
  EXPECT_EQ(load(m.id).version, m.version);
  // Once the URL has expired nothing can arrive any more: the asset fails.
  clock_.advance(16min);
  auto late = confirm(m);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().fields.at(0).code, "upload_missing");
  EXPECT_EQ(load(m.id).status, kFailed);
  EXPECT_EQ(load(m.id).failure->code, "upload_missing");
}

TEST_P(MediaWorkerTest, AnUploadOverItsCapIsRemoved) {
  limits_.image_bytes = 100;
  const Media m = uploaded("image", "image/jpeg", test::sample_jpeg());
  auto r = confirm(m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::payload_too_large);
  EXPECT_EQ(load(m.id).failure->code, "payload_too_large");
  EXPECT_FALSE(stored(m.object_key));
}

TEST_P(MediaWorkerTest, AnotherOrgsAssetIsNotFound) {
  const Media m = uploaded("image", "image/png", test::sample_png());
  auto r = run(confirm_upload(deps(), org_b_, m.id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(load(m.id).status, kPendingUpload);
}

TEST_P(MediaWorkerTest, AVideoIsProcessedByTheWorkerWithAStoredCover) {
  const Media m = uploaded("video", "video/mp4", test::sample_mp4(2, 320, 240));
  auto r = confirm(m);
  ASSERT_TRUE(r) << test::describe(r.error());
  EXPECT_EQ(r->status, kProcessing);
  EXPECT_EQ(wakes_, 1);
  ASSERT_EQ(jobs(m.id).size(), 1u);

  MediaWorker worker(io_, deps(), {});
  EXPECT_EQ(drain(worker), 1);
  const Media done = load(m.id);
  EXPECT_EQ(done.status, kReady);
  EXPECT_EQ(done.width, 320);
  EXPECT_EQ(done.height, 240);
  ASSERT_TRUE(done.duration_ms);
  EXPECT_NEAR(static_cast<double>(*done.duration_ms), 2000.0, 40.0);
  ASSERT_TRUE(done.thumbnail);
  EXPECT_EQ(done.thumbnail->source, "generated");
  EXPECT_EQ(done.thumbnail->frame_time_ms, 1000);
  EXPECT_EQ(done.thumbnail->width, 320);
  EXPECT_EQ(done.thumbnail->object_key.rfind(m.org.value + "/" + m.id + "/thumb-", 0), 0u);
  auto cover = run(disk_->read(done.thumbnail->object_key, 0, 4096));
  ASSERT_TRUE(cover);
  EXPECT_EQ(sniff_content_type(*cover), "image/jpeg");
  const auto j = jobs(m.id).at(0);
  EXPECT_FALSE(j.due_at);
  EXPECT_FALSE(j.error);
  EXPECT_EQ(drain(worker), 0);
  // Scratch files are gone.
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "work"));
}

TEST_P(MediaWorkerTest, ACorruptVideoEndsFailed) {
  const Media m = uploaded("video", "video/mp4", test::corrupt_mp4());
  ASSERT_EQ(confirm(m)->status, kProcessing);
  MediaWorker worker(io_, deps(), {});
  EXPECT_EQ(drain(worker), 1);
  const Media done = load(m.id);
  EXPECT_EQ(done.status, kFailed);
  EXPECT_EQ(done.failure->code, "corrupt_file");
  EXPECT_FALSE(jobs(m.id).at(0).due_at);
}

TEST_P(MediaWorkerTest, AJobLeasedToAnotherProcessIsLeftAloneUntilItsLeaseRunsOut) {
  const Media m = uploaded("video", "video/mp4", test::sample_mp4(1, 160, 120));
  ASSERT_TRUE(confirm(m));
  // Another process claimed the job, then died.
  write<std::vector<MediaJob>>([&](store::Connection& c) {
    return claim_due_jobs(c, db_->dialect(), "dead-process", clock_.now(), clock_.now() + 10s, 10);
  });
  MediaWorker worker(io_, deps(), {});
  EXPECT_EQ(drain(worker), 0);
  EXPECT_EQ(load(m.id).status, kProcessing);
  clock_.advance(10s);
  EXPECT_EQ(drain(worker), 1);
  EXPECT_EQ(load(m.id).status, kReady);
  EXPECT_EQ(jobs(m.id).at(0).attempts, 2);
}

TEST_P(MediaWorkerTest, AnImageBecomesAVideosCustomThumbnail) {
  const Media video = uploaded("video", "video/mp4", test::sample_mp4(2, 320, 240));
  const Media image = uploaded("image", "image/jpeg", test::sample_jpeg(1280, 960));
  ASSERT_TRUE(confirm(video));
  ASSERT_TRUE(confirm(image));
  MediaWorker worker(io_, deps(), {});
  EXPECT_EQ(drain(worker), 1);
  const std::string first_cover = load(video.id).thumbnail->object_key;

  auto r = run(request_thumbnail(deps(), org_a_, video.id, {std::nullopt, image.id}));
  ASSERT_TRUE(r) << test::describe(r.error());
  EXPECT_EQ(r->status, kProcessing);
  EXPECT_EQ(drain(worker), 1);
  const Media done = load(video.id);
  EXPECT_EQ(done.status, kReady);
  EXPECT_EQ(done.thumbnail->source, "custom");
  EXPECT_EQ(done.thumbnail->width, 640);
  EXPECT_EQ(done.thumbnail->height, 480);
  EXPECT_FALSE(done.thumbnail->frame_time_ms);
  EXPECT_FALSE(stored(first_cover));  // the replaced cover is removed
  EXPECT_TRUE(stored(done.thumbnail->object_key));
}

TEST_P(MediaWorkerTest, ThumbnailRequestsAreChecked) {
  const Media video = uploaded("video", "video/mp4", test::sample_mp4(2, 320, 240));
  ASSERT_TRUE(confirm(video));
  const auto rule = [&](ThumbnailRequest req) {
    auto r = run(request_thumbnail(deps(), org_a_, video.id, req));
    if (r) return std::string("ok");
    return r.error().fields.empty() ? std::string(core::to_string(r.error().code)) : r.error().fields[0].code;
  };
  EXPECT_EQ(rule({std::nullopt, std::nullopt}), "required");
  EXPECT_EQ(rule({1000, "x"}), "exclusive");
  EXPECT_EQ(rule({-1, std::nullopt}), "out_of_range");
  EXPECT_EQ(rule({1000, std::nullopt}), "conflict");  // duration not known until processed
  MediaWorker worker(io_, deps(), {});
  EXPECT_EQ(drain(worker), 1);
  EXPECT_EQ(rule({5000, std::nullopt}), "out_of_range");
  EXPECT_EQ(rule({std::nullopt, video.id}), "invalid");
  EXPECT_EQ(rule({std::nullopt, core::new_uuid(random_)}), "not_found");
  EXPECT_EQ(rule({1500, std::nullopt}), "ok");
  EXPECT_EQ(drain(worker), 1);
  EXPECT_EQ(load(video.id).thumbnail->frame_time_ms, 1500);
}

TEST_P(MediaWorkerTest, ThePurgeDeletesExpiredMediaAndRemovesTheirObjects) {
  const Media old = uploaded("image", "image/png", test::sample_png());
  ASSERT_TRUE(confirm(old));
  clock_.advance(std::chrono::hours(24 * 30));
  const Media young = uploaded("image", "image/png", test::sample_png());
  ASSERT_TRUE(confirm(young));
  clock_.advance(std::chrono::hours(24 * 30));
  MediaWorker worker(io_, deps(), {});
  EXPECT_EQ(run(worker.purge()), 1);
  EXPECT_EQ(load(old.id).status, kDeleted);
  EXPECT_FALSE(stored(old.object_key));
  EXPECT_EQ(load(young.id).status, kReady);
  EXPECT_TRUE(stored(young.object_key));
  EXPECT_EQ(run(worker.purge()), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaWorkerTest, testing::ValuesIn(test::store_backends()), test::BackendParamName());

}  // namespace
}  // namespace postfuze::media
