// Bluesky images against the simulated PDS: blobs uploaded with their exact
// type, embedded with alt text and aspect ratio (up to 4), what the PDS kept
// (size, SHA-256), and the failures: too large, refused, outage, store down.
#include "publishers/bluesky_publisher.hpp"

#include <boost/json/serialize.hpp>

#include "publishers/media_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::Outcome;

class BlueskyMediaTest : public MediaPublisherTest {
 protected:
  void SetUp() override { jwt_ = bluesky_token(sim_, "alice.test", "did:plc:alice"); }
  publishers::PublishContext ctx() {
    publishers::PublishAccount account;
    account.id = "acc_bsky";
    account.network_unique_id = "did:plc:alice";
    account.username = "alice.test";
    account.platform_data["pds"] = sim_.bluesky_service_url();
    auto c = context("bluesky", account, jwt_, {});
    c.media_bytes = &media_;
    return c;
  }
  const publishers::Publisher& bluesky = publishers::bluesky_publisher();
  std::string jwt_;
};

TEST_F(BlueskyMediaTest, ImagesBecomeBlobsWithAltTextAndAspectRatio) {
  const std::string jpeg = sample_jpeg(320, 240);
  const std::string png = sample_png(100, 200);
  auto a = media_.add("image", "image/jpeg", jpeg, 320, 240, "A test card");
  auto b = media_.add("image", "image/png", png, 100, 200);
  auto r = create(bluesky, ctx(), with_media(root("two pictures"), {a, b}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;

  const auto blobs = uploads("bluesky");
  ASSERT_EQ(blobs.size(), 2u);
  EXPECT_EQ(blobs.at(0).at("sha256").as_string(), sha256_hex(jpeg));
  EXPECT_EQ(blobs.at(0).at("content_type").as_string(), "image/jpeg");
  EXPECT_EQ(blobs.at(0).at("extra").at("alt").as_string(), "A test card");
  EXPECT_EQ(blobs.at(0).at("extra").at("aspectRatio"), (json::object{{"width", 320}, {"height", 240}}));
  EXPECT_EQ(blobs.at(1).at("sha256").as_string(), sha256_hex(png));
  EXPECT_EQ(blobs.at(1).at("size").as_int64(), static_cast<std::int64_t>(png.size()));
  EXPECT_EQ(blobs.at(1).at("extra").at("alt").as_string(), "");
  EXPECT_EQ(blobs.at(1).at("extra").at("aspectRatio").at("height").as_int64(), 200);
  EXPECT_TRUE(blobs.at(1).at("used").as_bool());

  const auto record = posts("bluesky").at(0).at("extra").at("record").as_object();
  const auto& images = record.at("embed").at("images").as_array();
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images.at(0).at("image").at("ref").at("$link"), blobs.at(0).at("id"));
}

TEST_F(BlueskyMediaTest, AtMostFourImagesAreEmbedded) {
  std::vector<publishers::MediaItem> five;
  for (int i = 0; i < 5; ++i) five.push_back(media_.add("image", "image/jpeg", sample_jpeg(32 + i, 32), 32 + i, 32));
  ASSERT_EQ(create(bluesky, ctx(), with_media(root("five"), five)).outcome, Outcome::created);
  EXPECT_EQ(uploads("bluesky").size(), 4u);
  EXPECT_EQ(posts("bluesky").at(0).at("extra").at("record").at("embed").at("images").as_array().size(), 4u);
}

TEST_F(BlueskyMediaTest, AnImageOverAMegabyteIsPermanentAndNothingIsSent) {
  auto big = media_.add("image", "image/jpeg", padded(sample_jpeg(), 1'000'001));
  auto r = create(bluesky, ctx(), with_media(root("big"), {big}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_too_large");
  EXPECT_TRUE(uploads("bluesky").empty());
  EXPECT_TRUE(posts("bluesky").empty());
}

TEST_F(BlueskyMediaTest, ABlobThatIsNotItsTypeIsRefused) {
  auto fake = media_.add("image", "image/png", sample_jpeg());
  auto r = create(bluesky, ctx(), with_media(root("fake"), {fake}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_rejected");
  EXPECT_TRUE(posts("bluesky").empty());
}

TEST_F(BlueskyMediaTest, OutagesAndAnUnreadableStoreAreTransient) {
  auto image = media_.add("image", "image/jpeg", sample_jpeg());
  knobs("bluesky", {{"publish_error", {{"status", 502}, {"count", 1}}}});
  EXPECT_EQ(create(bluesky, ctx(), with_media(root("x"), {image})).outcome, Outcome::transient);
  media_.fail_reads();
  auto r = create(bluesky, ctx(), with_media(root("x"), {image}));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.error_code, "media_unavailable");
  EXPECT_TRUE(posts("bluesky").empty());
}

TEST_F(BlueskyMediaTest, TheRecordMustNameTheAccountsOwnMatchingBlob) {
  auto image = media_.add("image", "image/jpeg", sample_jpeg());
  ASSERT_EQ(create(bluesky, ctx(), with_media(root("ok"), {image})).outcome, Outcome::created);
  const auto blob = uploads("bluesky").at(0).as_object();
  auto record = [&](std::int64_t size, const std::string& link) {
    json::object img{{"image", {{"$type", "blob"}, {"ref", {{"$link", link}}}, {"mimeType", "image/jpeg"}, {"size", size}}},
                     {"alt", ""}};
    json::object body{{"repo", "did:plc:alice"},
                      {"collection", "app.bsky.feed.post"},
                      {"record", {{"$type", "app.bsky.feed.post"}, {"text", "again"}, {"createdAt", "2026-01-01T00:00:00Z"},
                                  {"embed", {{"$type", "app.bsky.embed.images"}, {"images", json::array{img}}}}}}};
    return http_request(sim_.port(), verb::post, "/bluesky/xrpc/com.atproto.repo.createRecord", json::serialize(body),
                        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + jwt_}});
  };
  const std::string cid(blob.at("id").as_string());
  EXPECT_EQ(record(blob.at("size").as_int64() + 1, cid).status, 400);
  EXPECT_EQ(record(blob.at("size").as_int64(), "bafkreiunknown").status, 400);
  EXPECT_EQ(record(blob.at("size").as_int64(), cid).status, 200);
}

}  // namespace
}  // namespace postfuze::test
