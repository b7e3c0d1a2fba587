// The TikTok publisher against the simulator over loopback: creator_info,
// a video by FILE_UPLOAD (one piece, or chunks with the remainder in the
// last), photos by PULL_FROM_URL that the simulator really downloads from a
// loopback media server, status polling, and the failures.
#include "publishers/tiktok_publisher.hpp"

#include <boost/json/serialize.hpp>

#include "publishers/media_publisher_fixture.hpp"
#include "support/media_file_server.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::Outcome;

// A TikTok token the way connect gets one (client_key, comma-separated scopes, form credentials).
std::string tiktok_login(const PlatformSim& sim) {
  sim.register_app("tiktok", "tt-key", "tt-secret", kLoginRedirect);
  sim.scenario("tiktok", {{"consent", "auto_approve"}});
  const auto step = checked(
      http_request(sim.port(), boost::beast::http::verb::get,
                   "/tiktok/oauth/authorize?" + form_of({{"client_key", "tt-key"},
                                                         {"redirect_uri", kLoginRedirect},
                                                         {"state", "s"},
                                                         {"response_type", "code"},
                                                         {"scope", "user.info.basic,video.publish,video.upload"}})),
      302, "authorize");
  std::string code;
  if (auto u = boost::urls::parse_uri(step.header("location")))
    for (auto p : u->params())
      if (p.key == "code") code = std::string(p.value);
  const auto token = checked(
      http_request(sim.port(), boost::beast::http::verb::post, "/tiktok/oauth/token",
                   form_of({{"client_key", "tt-key"},
                            {"client_secret", "tt-secret"},
                            {"code", code},
                            {"grant_type", "authorization_code"},
                            {"redirect_uri", kLoginRedirect}}),
                   {{"Content-Type", "application/x-www-form-urlencoded"}}),
      200, "token");
  return access_token_of(token.json().as_object());
}

class TikTokMediaTest : public MediaPublisherTest {
 protected:
  publishers::PublishContext ctx(json::object config = {{"privacy_level", "SELF_ONLY"}}) {
    publishers::PublishAccount account;
    account.network_unique_id = "tiktok-open-id";
    account.username = "creator";
    auto c = context("tiktok", std::move(account), token_, std::move(config));
    c.media_bytes = &media_;
    return c;
  }
  const publishers::Publisher& tiktok = publishers::tiktok_publisher();
  std::string token_ = tiktok_login(sim_);
};

TEST_F(TikTokMediaTest, ASmallVideoGoesInOnePieceAndIsPolledToCompletion) {
  ASSERT_EQ(publishers::publisher_for("tiktok"), &tiktok);
  const std::string video = sample_mp4();
  auto item = media_.add("video", "video/mp4", video, 320, 240);
  auto r = create(tiktok, ctx({{"privacy_level", "SELF_ONLY"}, {"disable_duet", true}}),
                  with_media(root("my caption #fyp"), {item}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(r.ref->url, "https://www.tiktok.com/@creator/video/" + r.ref->id);

  const auto up = uploads("tiktok").at(0).as_object();
  EXPECT_EQ(up.at("chunks").as_array().size(), 1u);
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(video));
  EXPECT_EQ(up.at("state").as_string(), "succeeded");
  EXPECT_EQ(up.at("extra").at("post_info").at("title").as_string(), "my caption #fyp");
  EXPECT_TRUE(up.at("extra").at("post_info").at("disable_duet").as_bool());
  EXPECT_EQ(posts("tiktok").at(0).at("id").as_string(), r.ref->id);
}

TEST_F(TikTokMediaTest, ALargeVideoGoesInChunksWithTheRemainderInTheLast) {
  publishers::upload_tuning().tiktok_single_max = 6 * publishers::kMiB;
  publishers::upload_tuning().tiktok_chunk_bytes = 5 * publishers::kMiB;
  const std::string video = padded(sample_mp4(), 16 * publishers::kMiB + 777);
  auto item = media_.add("video", "video/mp4", video);
  auto r = create(tiktok, ctx(), with_media(root("long one"), {item}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  const auto up = uploads("tiktok").at(0).as_object();
  const auto& chunks = up.at("chunks").as_array();
  ASSERT_EQ(chunks.size(), 3u);  // floor(16 MiB / 5 MiB)
  EXPECT_EQ(chunks.at(0).as_int64(), 5 * publishers::kMiB);
  EXPECT_EQ(chunks.at(2).as_int64(), 6 * publishers::kMiB + 777);
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(video));
}

TEST_F(TikTokMediaTest, PhotosArePulledFromTheirUrls) {
  MediaFileServer files;
  const std::string a = sample_jpeg(320, 240), b = sample_jpeg(240, 320);
  auto first = media_.add("image", "image/jpeg", a);
  auto second = media_.add("image", "image/jpeg", b);
  first.url = files.add("/m/a.jpg", a, "image/jpeg");
  second.url = files.add("/m/b.jpg", b, "image/jpeg");
  auto r = create(tiktok, ctx({{"privacy_level", "PUBLIC_TO_EVERYONE"}, {"photo_cover_index", 1}}),
                  with_media(root("two photos"), {first, second}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(r.ref->url, "https://www.tiktok.com/@creator/photo/" + r.ref->id);
  EXPECT_EQ(files.hits("/m/a.jpg"), 1);
  EXPECT_EQ(files.hits("/m/b.jpg"), 1);
  const auto up = uploads("tiktok").at(0).as_object();
  const auto& images = up.at("extra").at("images").as_array();
  ASSERT_EQ(images.size(), 2u);
  EXPECT_EQ(images.at(0).at("sha256").as_string(), sha256_hex(a));
  EXPECT_EQ(images.at(1).at("sha256").as_string(), sha256_hex(b));
  EXPECT_EQ(up.at("extra").at("photo_cover_index").as_int64(), 1);
  EXPECT_EQ(posts("tiktok").at(0).at("text").as_string(), "two photos");
}

TEST_F(TikTokMediaTest, AnExpiredPhotoUrlFailsThePostPermanently) {
  MediaFileServer files;
  auto photo = media_.add("image", "image/jpeg", sample_jpeg());
  photo.url = files.add("/m/gone.jpg", sample_jpeg(), "image/jpeg");
  files.expire("/m/gone.jpg");
  auto r = create(tiktok, ctx(), with_media(root("gone"), {photo}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_processing_failed");
  EXPECT_NE(r.message.find("picture_download_failed"), std::string::npos) << r.message;
  EXPECT_TRUE(posts("tiktok").empty());
}

TEST_F(TikTokMediaTest, FailuresAreClassified) {
  auto video = media_.add("video", "video/mp4", sample_mp4());
  auto r = create(tiktok, ctx({{"privacy_level", "NOBODY"}}), with_media(root("x"), {video}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "privacy_level_not_allowed");

  auto bad = media_.add("video", "video/mp4", padded("not a video", 3000));
  r = create(tiktok, ctx(), with_media(root("bad"), {bad}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_processing_failed");

  knobs("tiktok", {{"publish_error", {{"status", 500}, {"count", 1}}}});
  EXPECT_EQ(create(tiktok, ctx(), with_media(root("later"), {video})).outcome, Outcome::transient);
  media_.fail_reads();
  EXPECT_EQ(create(tiktok, ctx(), with_media(root("later"), {video})).error_code, "media_unavailable");
  EXPECT_TRUE(posts("tiktok").empty());
  EXPECT_EQ(create(tiktok, ctx(), root("text only")).error_code, "media_missing");
}

TEST_F(TikTokMediaTest, TheSimulatorChecksChunkRules) {
  Headers h{{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json; charset=UTF-8"}};
  auto init = [&](std::int64_t size, std::int64_t chunk, std::int64_t count) {
    return http_request(sim_.port(), boost::beast::http::verb::post, "/tiktok/api/post/publish/video/init/",
                        json::serialize(json::object{
                            {"post_info", {{"title", "t"}, {"privacy_level", "SELF_ONLY"}}},
                            {"source_info",
                             {{"source", "FILE_UPLOAD"}, {"video_size", size}, {"chunk_size", chunk}, {"total_chunk_count", count}}}}),
                        h);
  };
  const std::int64_t mib = publishers::kMiB;
  EXPECT_EQ(init(1000, 500, 2).status, 400);                // under 5 MB: one chunk
  EXPECT_EQ(init(20 * mib, 4 * mib, 5).status, 400);        // chunks under 5 MB
  EXPECT_EQ(init(20 * mib, 5 * mib, 3).status, 400);        // wrong count
  EXPECT_EQ(init(100 * mib, 100 * mib, 1).status, 400);     // over 64 MB in one piece
  auto ok = init(12 * mib, 5 * mib, 2);
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string url(ok.json().at("data").at("upload_url").as_string());
  const std::string target = url.substr(url.find("/tiktok/"));
  const std::string data = padded(sample_mp4(), static_cast<std::size_t>(12 * mib));
  auto put = [&](std::int64_t first, std::int64_t last, const std::string& type = "video/mp4") {
    return http_request(sim_.port(), boost::beast::http::verb::put, target,
                        data.substr(static_cast<std::size_t>(first), static_cast<std::size_t>(last - first + 1)),
                        {{"Content-Type", type},
                         {"Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
                                               std::to_string(12 * mib)}});
  };
  EXPECT_EQ(put(5 * mib, 12 * mib - 1).status, 400);                   // out of order
  EXPECT_EQ(put(0, 5 * mib - 1, "application/octet-stream").status, 400);  // wrong type
  EXPECT_EQ(put(0, 4 * mib - 1).status, 400);                          // wrong size
  EXPECT_EQ(put(0, 5 * mib - 1).status, 206);
  EXPECT_EQ(put(5 * mib, 12 * mib - 1).status, 201);
}

}  // namespace
}  // namespace postfuze::test
