// The Threads publisher with media the simulator downloads over loopback:
// an IMAGE container, a VIDEO container polled through IN_PROGRESS to
// FINISHED before threads_publish, an image reply, and the failures — an
// expired link, a video Threads cannot process.
#include "publishers/threads_publisher.hpp"

#include "publishers/url_media_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

using publishers::Outcome;

class ThreadsMediaTest : public UrlMediaTest {
 protected:
  publishers::PublishContext ctx() {
    publishers::PublishAccount account;
    account.network_unique_id = "threads-user-1";
    account.username = "threads_user_1";
    return context("threads", account, token_);
  }
  int status_polls() const {
    int n = 0;
    for (const auto& req : sim_.requests("threads"))
      if (std::string_view(req.at("target").as_string()).find("fields=status") != std::string_view::npos) ++n;
    return n;
  }
  const publishers::Publisher& threads = publishers::threads_publisher();
  std::string token_ = threads_token(sim_);
};

TEST_F(ThreadsMediaTest, AnImageContainerIsDownloadedAndPublished) {
  const std::string bytes = sample_jpeg(500, 500);
  const auto image = media("t.jpg", bytes, "image/jpeg");
  const auto r = create(threads, ctx(), with_media("a picture", {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  const auto post = stored("threads", r.ref->id);
  EXPECT_EQ(post.at("extra").at("fields").at("media_type").as_string(), "IMAGE");
  EXPECT_EQ(post.at("extra").at("fields").at("image_url").as_string(), image.url);
  expect_fetched(post.at("extra").at("media").at(0), image, bytes);
  EXPECT_EQ(status_polls(), 1);  // an image is FINISHED at the first check
}

TEST_F(ThreadsMediaTest, AVideoIsPolledUntilFinishedThenPublished) {
  const std::string bytes = sample_mp4(2);
  const auto video = media("t.mp4", bytes, "video/mp4");
  const auto r = create(threads, ctx(), with_media("a video", {video}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_EQ(status_polls(), 3);  // IN_PROGRESS, IN_PROGRESS, FINISHED
  const auto post = stored("threads", r.ref->id);
  EXPECT_EQ(post.at("extra").at("fields").at("media_type").as_string(), "VIDEO");
  expect_fetched(post.at("extra").at("media").at(0), video, bytes);
}

TEST_F(ThreadsMediaTest, AReplyCanCarryAnImage) {
  const auto first = create(threads, ctx(), root("text first"));
  ASSERT_EQ(first.outcome, Outcome::created) << first.message;
  publishers::PublishItem reply{1, "image reply", first.ref, first.ref, {jpeg("r.jpg")}};
  const auto r = create(threads, ctx(), reply);
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_EQ(stored("threads", r.ref->id).at("parent_id").as_string(), first.ref->id);
}

TEST_F(ThreadsMediaTest, AnExpiredLinkIsAPermanentFetchFailure) {
  const auto image = jpeg("x.jpg");
  files_.expire("/media/x.jpg");
  const auto r = create(threads, ctx(), with_media("expired", {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_fetch_failed");
  EXPECT_TRUE(posts("threads").empty());
}

TEST_F(ThreadsMediaTest, AContainerInErrorIsPermanent) {
  const auto r = create(threads, ctx(), with_media("broken", {media("b.mp4", corrupt_mp4(), "video/mp4")}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_processing_failed");
  EXPECT_TRUE(posts("threads").empty());
}

TEST_F(ThreadsMediaTest, TwoItemsAreNotSupportedYet) {
  const auto r = create(threads, ctx(), with_media("two", {jpeg("1.jpg"), jpeg("2.jpg")}));
  EXPECT_EQ(r.error_code, "media_not_supported");
}

}  // namespace
}  // namespace postfuze::test
