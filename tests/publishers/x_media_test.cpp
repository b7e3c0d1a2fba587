// X media against the simulator over loopback: API v2 chunked upload
// (initialize / append / finalize / STATUS / metadata), what X stored (size,
// SHA-256, segments, alt text), and each failure class; then the simulator's
// own strictness, driven with raw requests.
#include "publishers/x_publisher.hpp"

#include "publishers/media_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

using publishers::Outcome;
using publishers::PublishItem;

constexpr const char* kScopes = "tweet.read tweet.write users.read media.write offline.access";

class XMediaTest : public MediaPublisherTest {
 protected:
  publishers::PublishContext ctx() {
    publishers::PublishAccount account;
    account.id = "acc_x";
    account.network_unique_id = "x-user-1";
    account.username = "x_user_1";
    auto c = context("x", account, token_);
    c.media_bytes = &media_;
    return c;
  }
  boost::json::object only_upload() {
    const auto all = uploads("x");
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? boost::json::object{} : all.at(0).as_object();
  }
  const publishers::Publisher& x = publishers::x_publisher();
  std::string token_ = x_token(sim_, kScopes);
};

TEST_F(XMediaTest, AnImageWithAltTextIsUploadedAndAttached) {
  const std::string jpeg = sample_jpeg(320, 240);
  auto image = media_.add("image", "image/jpeg", jpeg, 320, 240, "A grey test card");
  auto r = create(x, ctx(), with_media(root("with a picture"), {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;

  const auto up = only_upload();
  EXPECT_EQ(up.at("size").as_int64(), static_cast<std::int64_t>(jpeg.size()));
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(jpeg));
  EXPECT_EQ(up.at("chunks").as_array().size(), 1u);
  EXPECT_EQ(up.at("state").as_string(), "succeeded");
  EXPECT_TRUE(up.at("used").as_bool());
  EXPECT_EQ(up.at("extra").at("alt_text").as_string(), "A grey test card");
  EXPECT_EQ(up.at("extra").at("media_category").as_string(), "tweet_image");

  const auto tweet = posts("x").at(0).as_object();
  EXPECT_EQ(tweet.at("extra").at("request").at("media").at("media_ids").at(0).as_string(), up.at("id").as_string());
}

TEST_F(XMediaTest, AVideoGoesInOrderedSegmentsAndWaitsForProcessing) {
  const std::string mp4 = sample_mp4();
  publishers::upload_tuning().x_segment_bytes = static_cast<std::int64_t>(mp4.size() / 3 + 1);
  auto video = media_.add("video", "video/mp4", mp4, 320, 240, "alt is not sent for video");
  auto r = create(x, ctx(), with_media(root("a clip"), {video}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;

  const auto up = only_upload();
  EXPECT_EQ(up.at("chunks").as_array().size(), 3u);
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(mp4));
  EXPECT_EQ(up.at("declared_size").as_int64(), static_cast<std::int64_t>(mp4.size()));
  EXPECT_EQ(up.at("extra").at("media_category").as_string(), "tweet_video");
  EXPECT_EQ(up.at("state").as_string(), "succeeded");
  EXPECT_EQ(up.at("polls").as_int64(), 2);  // pending → in_progress → succeeded
  EXPECT_FALSE(up.at("extra").as_object().contains("alt_text"));
  EXPECT_EQ(posts("x").size(), 1u);
}

TEST_F(XMediaTest, OnlyTheFirstItemOfAContainerIsUsed) {
  auto a = media_.add("image", "image/jpeg", sample_jpeg(64, 64));
  auto b = media_.add("image", "image/png", sample_png(64, 64));
  ASSERT_EQ(create(x, ctx(), with_media(root("two"), {a, b})).outcome, Outcome::created);
  EXPECT_EQ(only_upload().at("content_type").as_string(), "image/jpeg");
}

TEST_F(XMediaTest, FailedProcessingIsPermanentAndNoTweetIsMade) {
  auto bad = media_.add("video", "video/mp4", padded("not a video at all", 5000));
  auto r = create(x, ctx(), with_media(root("broken clip"), {bad}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_processing_failed");
  EXPECT_NE(r.message.find("Unsupported video format"), std::string::npos);
  EXPECT_TRUE(posts("x").empty());
}

TEST_F(XMediaTest, ARefusedFileIsPermanentMediaRejected) {
  auto fake = media_.add("image", "image/jpeg", "this is text, not a JPEG");
  auto r = create(x, ctx(), with_media(root("fake"), {fake}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_rejected");
  EXPECT_EQ(r.platform_status, 400);
  EXPECT_TRUE(posts("x").empty());
}

TEST_F(XMediaTest, UploadOutagesAndUnreadableMediaAreTransient) {
  auto image = media_.add("image", "image/jpeg", sample_jpeg(64, 64));
  knobs("x", {{"publish_error", {{"status", 503}, {"count", 1}}}});
  auto r = create(x, ctx(), with_media(root("later"), {image}));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.platform_status, 503);

  media_.fail_reads();
  r = create(x, ctx(), with_media(root("later"), {image}));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.error_code, "media_unavailable");
  EXPECT_TRUE(posts("x").empty());

  media_.fail_reads(false);
  EXPECT_EQ(create(x, ctx(), with_media(root("later"), {image})).outcome, Outcome::created);
}

TEST_F(XMediaTest, ATokenWithoutMediaWriteIsRefused) {
  token_ = x_token(sim_, "tweet.read tweet.write users.read");
  auto image = media_.add("image", "image/jpeg", sample_jpeg(64, 64));
  auto r = create(x, ctx(), with_media(root("no scope"), {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.platform_status, 403);
}

// ---- The simulator's strictness, with raw requests.

class XMediaSimTest : public MediaPublisherTest {
 protected:
  HttpResult call(verb method, const std::string& path, const std::string& body = {},
                  const std::string& content_type = "application/json") {
    Headers h{{"Authorization", "Bearer " + token_}};
    if (!body.empty()) h.emplace_back("Content-Type", content_type);
    return http_request(sim_.port(), method, "/x/api" + path, body, h);
  }
  std::string init(std::int64_t total, const std::string& type = "video/mp4",
                   const std::string& category = "tweet_video") {
    auto r = call(verb::post, "/2/media/upload/initialize",
                  R"({"media_type":")" + type + R"(","total_bytes":)" + std::to_string(total) +
                      R"(,"media_category":")" + category + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(r.json().at("data").at("id").as_string());
  }
  HttpResult append(const std::string& id, int index, const std::string& bytes) {
    const auto form = publishers::multipart({{"segment_index", std::to_string(index)},
                                             {"media", bytes, "blob", "application/octet-stream"}});
    return call(verb::post, "/2/media/upload/" + id + "/append", form.body, form.content_type);
  }
  std::string token_ = x_token(sim_, kScopes);
};

TEST_F(XMediaSimTest, SegmentsMustComeInOrderWithinTheirLimits) {
  const std::string mp4 = sample_mp4();
  const std::string id = init(static_cast<std::int64_t>(mp4.size()));
  EXPECT_EQ(append(id, 1, mp4.substr(0, 100)).status, 400);  // 0 first
  ASSERT_EQ(append(id, 0, mp4.substr(0, 100)).status, 200);
  EXPECT_EQ(append(id, 0, mp4.substr(100, 100)).status, 400);  // repeated
  EXPECT_EQ(append(id, 1, std::string(4 * 1024 * 1024 + 1, 'x')).status, 400);  // over 4 MB
  EXPECT_EQ(append(id, 1, mp4.substr(100) + "extra").status, 400);               // past total_bytes
  // FINALIZE before every byte arrived.
  auto early = call(verb::post, "/2/media/upload/" + id + "/finalize");
  EXPECT_EQ(early.status, 400);
  EXPECT_NE(early.body.find("before all bytes"), std::string::npos);
  // A tweet with media that is not finished.
  auto tweet = call(verb::post, "/2/tweets", R"({"text":"t","media":{"media_ids":[")" + id + R"("]}})");
  EXPECT_EQ(tweet.status, 400);
  EXPECT_NE(tweet.body.find("not ready"), std::string::npos);
  ASSERT_EQ(append(id, 1, mp4.substr(100)).status, 200);
  ASSERT_EQ(call(verb::post, "/2/media/upload/" + id + "/finalize").status, 200);
  EXPECT_EQ(call(verb::post, "/2/tweets", R"({"text":"t","media":{"media_ids":[")" + id + R"("]}})").status, 400);
  EXPECT_EQ(call(verb::get, "/2/media/upload?command=STATUS&media_id=" + id).json().at("data").at(
                "processing_info").at("state").as_string(), "in_progress");
  EXPECT_EQ(call(verb::get, "/2/media/upload?command=STATUS&media_id=" + id).json().at("data").at(
                "processing_info").at("state").as_string(), "succeeded");
  EXPECT_EQ(call(verb::post, "/2/tweets", R"({"text":"t","media":{"media_ids":[")" + id + R"("]}})").status, 201);
}

TEST_F(XMediaSimTest, InitializeChecksTypeCategoryAndSize) {
  auto bad = [&](const std::string& body) {
    return call(verb::post, "/2/media/upload/initialize", body).status;
  };
  EXPECT_EQ(bad(R"({"media_type":"video/mp4","total_bytes":10,"media_category":"tweet_image"})"), 400);
  EXPECT_EQ(bad(R"({"media_type":"image/jpeg","total_bytes":6000000,"media_category":"tweet_image"})"), 400);
  EXPECT_EQ(bad(R"({"media_type":"text/plain","total_bytes":10})"), 400);
  EXPECT_EQ(bad(R"({"media_type":"image/jpeg","total_bytes":10,"command":"INIT"})"), 400);
  EXPECT_EQ(call(verb::post, "/2/tweets", R"({"text":"t","media":{"media_ids":["123"]}})").status, 400);
}

}  // namespace
}  // namespace postfuze::test
