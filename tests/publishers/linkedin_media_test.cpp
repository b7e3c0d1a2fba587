// LinkedIn media against the simulator over loopback: an image through the
// Images API with alt text, a video through the Videos API in 4 MiB parts
// with ETags and finalizeUpload, what LinkedIn stored, and the failures.
#include "publishers/linkedin_publisher.hpp"

#include <boost/json/serialize.hpp>

#include "publishers/media_publisher_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;
using publishers::Outcome;

constexpr const char* kScopes = "openid profile w_member_social r_member_social";
constexpr std::size_t kPart = 4 * 1024 * 1024;

class LinkedInMediaTest : public MediaPublisherTest {
 protected:
  publishers::PublishContext ctx() {
    publishers::PublishAccount account;
    account.network_unique_id = "linkedin-user-1";
    account.account_type = "profile";
    auto c = context("linkedin", std::move(account), token_);
    c.media_bytes = &media_;
    return c;
  }
  const publishers::Publisher& linkedin = publishers::linkedin_publisher();
  std::string token_ = linkedin_login(sim_, kScopes);
};

TEST_F(LinkedInMediaTest, AnImageIsUploadedAndPostedWithAltText) {
  const std::string jpeg = sample_jpeg(400, 300);
  auto image = media_.add("image", "image/jpeg", jpeg, 400, 300, "Our new office");
  auto r = create(linkedin, ctx(), with_media(root("Moving day"), {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;

  const auto up = uploads("linkedin").at(0).as_object();
  EXPECT_TRUE(up.at("id").as_string().starts_with("urn:li:image:"));
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(jpeg));
  EXPECT_EQ(up.at("content_type").as_string(), "image/jpeg");
  EXPECT_EQ(up.at("extra").at("altText").as_string(), "Our new office");
  EXPECT_TRUE(up.at("used").as_bool());
  const auto post = posts("linkedin").at(0).as_object();
  EXPECT_EQ(post.at("extra").at("content").at("media").at("id"), up.at("id"));
}

TEST_F(LinkedInMediaTest, AVideoGoesUpInFourMebibytePartsThenIsFinalized) {
  const std::string video = padded(sample_mp4(), 2 * kPart + 12345);
  auto item = media_.add("video", "video/mp4", video, 320, 240);
  auto r = create(linkedin, ctx(), with_media(root("Watch this"), {item}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;

  const auto up = uploads("linkedin").at(0).as_object();
  EXPECT_TRUE(up.at("id").as_string().starts_with("urn:li:video:"));
  const auto& chunks = up.at("chunks").as_array();
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks.at(0).as_int64(), static_cast<std::int64_t>(kPart));
  EXPECT_EQ(chunks.at(1).as_int64(), static_cast<std::int64_t>(kPart));
  EXPECT_EQ(chunks.at(2).as_int64(), 12345);
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(video));
  EXPECT_EQ(up.at("state").as_string(), "succeeded");
  EXPECT_EQ(posts("linkedin").at(0).at("extra").at("content").at("media").at("id"), up.at("id"));
}

TEST_F(LinkedInMediaTest, RefusedFilesArePermanentAndNothingIsPosted) {
  auto fake = media_.add("image", "image/jpeg", "plain text");
  auto r = create(linkedin, ctx(), with_media(root("fake image"), {fake}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_rejected");

  auto not_video = media_.add("video", "video/mp4", padded("no ftyp here", 3000));
  r = create(linkedin, ctx(), with_media(root("fake video"), {not_video}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_rejected");
  EXPECT_TRUE(posts("linkedin").empty());
}

TEST_F(LinkedInMediaTest, OutagesAndAnUnreadableStoreAreTransient) {
  auto image = media_.add("image", "image/jpeg", sample_jpeg());
  knobs("linkedin", {{"publish_error", {{"status", 503}, {"count", 1}}}});
  EXPECT_EQ(create(linkedin, ctx(), with_media(root("a"), {image})).outcome, Outcome::transient);
  media_.fail_reads();
  auto r = create(linkedin, ctx(), with_media(root("a"), {image}));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.error_code, "media_unavailable");
  EXPECT_TRUE(posts("linkedin").empty());
}

TEST_F(LinkedInMediaTest, TheSimulatorChecksPartsAndFinalize) {
  Headers h{{"Authorization", "Bearer " + token_},
            {"LinkedIn-Version", "202601"},
            {"X-Restli-Protocol-Version", "2.0.0"},
            {"Content-Type", "application/json"}};
  const std::string video = padded(sample_mp4(), kPart + 100);
  auto init = http_request(sim_.port(), verb::post, "/linkedin/api/rest/videos?action=initializeUpload",
                           R"({"initializeUploadRequest":{"owner":"urn:li:person:linkedin-user-1","fileSizeBytes":)" +
                               std::to_string(video.size()) + R"(,"uploadCaptions":false,"uploadThumbnail":false}})",
                           h);
  ASSERT_EQ(init.status, 200) << init.body;
  const auto value = init.json().at("value").as_object();
  const auto& parts = value.at("uploadInstructions").as_array();
  ASSERT_EQ(parts.size(), 2u);
  auto target = [](const json::value& part) {
    const std::string url(part.at("uploadUrl").as_string());
    return url.substr(url.find("/linkedin/"));
  };
  Headers put{{"Authorization", "Bearer " + token_}, {"Content-Type", "application/octet-stream"}};
  auto finalize = [&](const json::array& etags) {
    return http_request(sim_.port(), verb::post, "/linkedin/api/rest/videos?action=finalizeUpload",
                        json::serialize(json::object{{"finalizeUploadRequest",
                                                      {{"video", value.at("video")},
                                                       {"uploadToken", value.at("uploadToken")},
                                                       {"uploadedPartIds", etags}}}}),
                        h);
  };
  EXPECT_EQ(http_request(sim_.port(), verb::put, target(parts.at(1)), video.substr(kPart), put).status, 400);  // order
  EXPECT_EQ(http_request(sim_.port(), verb::put, target(parts.at(0)), video.substr(0, 10), put).status, 400);  // size
  auto first = http_request(sim_.port(), verb::put, target(parts.at(0)), video.substr(0, kPart), put);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(finalize(json::array{json::value(first.header("etag"))}).status, 400);  // a part missing
  auto second = http_request(sim_.port(), verb::put, target(parts.at(1)), video.substr(kPart), put);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(finalize(json::array{json::value(second.header("etag")), json::value(first.header("etag"))}).status, 400);
  EXPECT_EQ(finalize(json::array{json::value(first.header("etag")), json::value(second.header("etag"))}).status, 200);
}

}  // namespace
}  // namespace postfuze::test
