// The Pinterest publisher against the simulator: an image pin and a pin of
// several images the simulator downloads over loopback, a video pin by
// video_media_id with its cover, the config fields, failures (no board, an
// expired image link, six images) and find().
#include "publishers/pinterest_publisher.hpp"

#include "publishers/url_media_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

class PinterestMediaTest : public UrlMediaTest {
 protected:
  const publishers::Publisher& publisher = publishers::pinterest_publisher();

  // Pinterest's token endpoint takes the client credentials only as HTTP Basic (platforms.md §12).
  void SetUp() override {
    sim_.register_app("pinterest", "pin-app", "pin-secret", kLoginRedirect);
    sim_.scenario("pinterest", {{"consent", "auto_approve"}, {"accounts", 1}});
    const LoginParams authorize{{"client_id", "pin-app"},
                                {"redirect_uri", kLoginRedirect},
                                {"state", "s"},
                                {"response_type", "code"},
                                {"scope", "boards:read,boards:write,pins:read,pins:write,user_accounts:read"}};
    const auto step = checked(http_request(sim_.port(), boost::beast::http::verb::get,
                                           "/pinterest/oauth/authorize?" + form_of(authorize)),
                              302, "authorize");
    std::string code;
    if (auto u = boost::urls::parse_uri(step.header("location")))
      for (auto p : u->params())
        if (p.key == "code") code = std::string(p.value);
    const LoginParams form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kLoginRedirect}};
    const auto token = checked(
        http_request(sim_.port(), boost::beast::http::verb::post, "/pinterest/oauth/token", form_of(form),
                     {{"Content-Type", "application/x-www-form-urlencoded"},
                      {"Authorization", "Basic " + crypto::base64_encode("pin-app:pin-secret")}}),
        200, "token");
    token_ = access_token_of(token.json().as_object());
  }
  publishers::PublishContext account(json::object config = {{"board_id", "1234567890"}}) {
    publishers::PublishAccount a;
    a.network_unique_id = "pinterest-user";
    return context("pinterest", std::move(a), token_, std::move(config));
  }
  std::string token_;
};

TEST_F(PinterestMediaTest, AnImagePinWithTitleLinkAndAltText) {
  ASSERT_EQ(publishers::publisher_for("pinterest"), &publisher);
  const std::string bytes = sample_jpeg(600, 900);
  auto image = media("pin.jpg", bytes, "image/jpeg");
  image.alt_text = "a tall picture";
  const auto r = create(publisher, account({{"board_id", "1234567890"}, {"title", "My pin"}, {"link", "https://example.com/x"}}),
                        with_media("Pin description", {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  EXPECT_EQ(r.platform_status, 201);
  EXPECT_EQ(r.ref->url, "https://www.pinterest.com/pin/" + r.ref->id + "/");
  const auto pin = stored("pinterest", r.ref->id);
  EXPECT_EQ(pin.at("text").as_string(), "Pin description");
  EXPECT_EQ(pin.at("extra").at("pin").at("title").as_string(), "My pin");
  EXPECT_EQ(pin.at("extra").at("pin").at("link").as_string(), "https://example.com/x");
  EXPECT_EQ(pin.at("extra").at("pin").at("alt_text").as_string(), "a tall picture");
  EXPECT_EQ(pin.at("extra").at("pin").at("board_id").as_string(), "1234567890");
  expect_fetched(pin.at("extra").at("media").at(0), image, bytes);
}

TEST_F(PinterestMediaTest, SeveralImagesMakeOneMultiImagePin) {
  const std::string a = sample_jpeg(), b = sample_png(), c = sample_jpeg(200, 300);
  const auto ia = media("a.jpg", a, "image/jpeg"), ib = media("b.png", b, "image/png"), ic = media("c.jpg", c, "image/jpeg");
  const auto r = create(publisher, account(), with_media("Three images", {ia, ib, ic}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  const auto pin = stored("pinterest", r.ref->id);
  EXPECT_EQ(pin.at("extra").at("pin").at("media").at("media_type").as_string(), "multiple_images");
  const auto& fetched = pin.at("extra").at("media").as_array();
  ASSERT_EQ(fetched.size(), 3u);
  expect_fetched(fetched.at(0), ia, a);
  expect_fetched(fetched.at(1), ib, b);
  expect_fetched(fetched.at(2), ic, c);
}

TEST_F(PinterestMediaTest, AVideoPinUsesTheRegisteredMediaIdAndFetchesTheCover) {
  const std::string cover = sample_jpeg(320, 180);
  const std::string cover_url = files_.add("/media/cover.jpg", cover, "image/jpeg");
  const auto r = create(publisher,
                        account({{"board_id", "1234567890"}, {"video_media_id", "555"}, {"cover_image_url", cover_url}}),
                        with_media("A video pin", {mp4("v.mp4")}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.error_code << ": " << r.message;
  const auto pin = stored("pinterest", r.ref->id);
  EXPECT_EQ(pin.at("extra").at("pin").at("media_source").at("media_id").as_string(), "555");
  EXPECT_EQ(pin.at("extra").at("media").at(0).at("sha256").as_string(), sha256_hex(cover));
  EXPECT_EQ(files_.hits("/media/v.mp4"), 0);  // the video itself went to Pinterest out of band
  // Without video_media_id a video cannot be pinned.
  EXPECT_EQ(create(publisher, account(), with_media("no id", {mp4("w.mp4")})).error_code, "media_not_supported");
}

TEST_F(PinterestMediaTest, FailuresArePermanentWithClearCodes) {
  EXPECT_EQ(create(publisher, account({}), with_media("no board", {jpeg("n.jpg")})).outcome, Outcome::permanent);
  const auto image = jpeg("old.jpg");
  files_.expire("/media/old.jpg");
  const auto r = create(publisher, account(), with_media("expired", {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_fetch_failed");
  EXPECT_EQ(files_.hits("/media/old.jpg"), 1);
  std::vector<publishers::MediaItem> six;
  for (int i = 0; i < 6; ++i) six.push_back(jpeg("s" + std::to_string(i) + ".jpg"));
  EXPECT_EQ(create(publisher, account(), with_media("six", six)).error_code, "media_not_supported");
  EXPECT_TRUE(posts("pinterest").empty());
}

TEST_F(PinterestMediaTest, FindAdoptsThePinWithTheSameDescription) {
  const auto item = with_media("Find me", {jpeg("f.jpg")});
  EXPECT_EQ(find(publisher, account(), item).outcome, LookupOutcome::absent);
  const auto r = create(publisher, account(), item);
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  const auto again = find(publisher, account(), item);
  ASSERT_EQ(again.outcome, LookupOutcome::found) << again.message;
  EXPECT_EQ(again.ref->id, r.ref->id);
}

}  // namespace
}  // namespace postfuze::test
