// The YouTube publisher against the simulator over loopback: the resumable
// upload (session, 256 KiB-aligned Content-Range chunks, 308 until the last),
// the metadata from config, find() through the channel's uploads, and the
// failures.
#include "publishers/youtube_publisher.hpp"

#include "publishers/media_publisher_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

constexpr const char* kScopes =
    "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly";

class YouTubeMediaTest : public MediaPublisherTest {
 protected:
  publishers::PublishContext ctx(json::object config = {}) {
    publishers::PublishAccount account;
    account.network_unique_id = "youtube-user-1-channel-1";
    account.account_type = "channel";
    auto c = context("youtube", std::move(account), token_, std::move(config));
    c.media_bytes = &media_;
    return c;
  }
  const publishers::Publisher& youtube = publishers::youtube_publisher();
  std::string token_ = access_token_of(
      sim_login(sim_, "youtube", {{"response_type", "code"}, {"scope", kScopes}, {"access_type", "offline"}}, 1));
};

TEST_F(YouTubeMediaTest, AVideoGoesUpInAlignedChunksWithItsMetadata) {
  ASSERT_EQ(publishers::publisher_for("youtube"), &youtube);
  publishers::upload_tuning().youtube_chunk_bytes = 256 * 1024;
  const std::string video = padded(sample_mp4(), 600 * 1024);
  auto item = media_.add("video", "video/mp4", video, 320, 240);
  auto r = create(youtube, ctx({{"title", "Launch video"},
                                {"privacyStatus", "unlisted"},
                                {"tags", json::array{"launch", "demo"}},
                                {"madeForKids", false}}),
                  with_media(root("What we built this year."), {item}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(r.ref->url, "https://www.youtube.com/watch?v=" + r.ref->id);

  const auto up = uploads("youtube").at(0).as_object();
  const auto& chunks = up.at("chunks").as_array();
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks.at(0).as_int64(), 256 * 1024);
  EXPECT_EQ(chunks.at(2).as_int64(), 600 * 1024 - 512 * 1024);
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(video));
  EXPECT_EQ(up.at("extra").at("video_id").as_string(), r.ref->id);

  const auto post = posts("youtube").at(0).as_object();
  EXPECT_EQ(post.at("id").as_string(), r.ref->id);
  EXPECT_EQ(post.at("author").as_string(), "youtube-user-1-channel-1");
  EXPECT_EQ(post.at("extra").at("snippet").at("title").as_string(), "Launch video");
  EXPECT_EQ(post.at("extra").at("snippet").at("description").as_string(), "What we built this year.");
  EXPECT_EQ(post.at("extra").at("snippet").at("categoryId").as_string(), "22");
  EXPECT_EQ(post.at("extra").at("snippet").at("tags").as_array().size(), 2u);
  EXPECT_EQ(post.at("extra").at("status").at("privacyStatus").as_string(), "unlisted");
}

TEST_F(YouTubeMediaTest, ASmallVideoIsOneChunkAndAShortIsTagged) {
  const std::string video = sample_mp4();
  auto item = media_.add("video", "video/mp4", video);
  auto r = create(youtube, ctx({{"isShort", true}}), with_media(root("Quick tip\nmore text"), {item}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(uploads("youtube").at(0).at("chunks").as_array().size(), 1u);
  const auto snippet = posts("youtube").at(0).at("extra").at("snippet").as_object();
  EXPECT_EQ(snippet.at("title").as_string(), "Quick tip #Shorts");
  EXPECT_EQ(snippet.at("description").as_string(), "Quick tip\nmore text #Shorts");
}

TEST_F(YouTubeMediaTest, WithoutAVideoNothingIsSent) {
  auto image = media_.add("image", "image/jpeg", sample_jpeg());
  auto r = create(youtube, ctx(), with_media(root("no video"), {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_missing");
  EXPECT_TRUE(uploads("youtube").empty());
  EXPECT_EQ(create(youtube, ctx(), root("comment")).outcome, Outcome::permanent);
}

TEST_F(YouTubeMediaTest, FailuresAreClassified) {
  auto bad = media_.add("video", "video/mp4", padded("no video here", 4000));
  auto r = create(youtube, ctx(), with_media(root("broken"), {bad}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_NE(r.message.find("invalidVideo"), std::string::npos) << r.message;

  auto video = media_.add("video", "video/mp4", sample_mp4());
  knobs("youtube", {{"publish_error", {{"status", 503}, {"count", 1}}}});
  EXPECT_EQ(create(youtube, ctx(), with_media(root("later"), {video})).outcome, Outcome::transient);
  media_.fail_reads();
  r = create(youtube, ctx(), with_media(root("later"), {video}));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.error_code, "media_unavailable");
  EXPECT_TRUE(posts("youtube").empty());
}

TEST_F(YouTubeMediaTest, ALostLastAnswerIsAmbiguousAndFindAdoptsTheVideo) {
  auto video = media_.add("video", "video/mp4", sample_mp4());
  const auto item = with_media(root("Lost answer"), {video});
  EXPECT_EQ(find(youtube, ctx(), item).outcome, LookupOutcome::absent);
  timeout_ = std::chrono::milliseconds(300);
  knobs("youtube", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  auto r = create(youtube, ctx(), item);
  EXPECT_EQ(r.outcome, Outcome::ambiguous) << r.message;
  timeout_ = std::chrono::milliseconds(5000);
  const auto found = find(youtube, ctx(), item);
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, posts("youtube").at(0).at("id").as_string());
}

TEST_F(YouTubeMediaTest, TheSimulatorChecksTheSessionProtocol) {
  Headers start{{"Authorization", "Bearer " + token_},
                {"Content-Type", "application/json; charset=UTF-8"},
                {"X-Upload-Content-Type", "video/mp4"},
                {"X-Upload-Content-Length", "600000"}};
  auto s = http_request(sim_.port(), boost::beast::http::verb::post,
                        "/youtube/api/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
                        R"({"snippet":{"title":"t"},"status":{"privacyStatus":"public"}})", start);
  ASSERT_EQ(s.status, 200) << s.body;
  const std::string location = s.header("location");
  const std::string target = location.substr(location.find("/youtube/"));
  auto put = [&](const std::string& body, const std::string& range) {
    return http_request(sim_.port(), boost::beast::http::verb::put, target, body,
                        {{"Authorization", "Bearer " + token_}, {"Content-Type", "video/mp4"}, {"Content-Range", range}});
  };
  const std::string data = padded(sample_mp4(), 600000);
  EXPECT_EQ(put(data.substr(0, 1000), "bytes 0-999/600000").status, 400);                 // not 256 KiB aligned
  EXPECT_EQ(put(data.substr(262144, 262144), "bytes 262144-524287/600000").status, 400);  // skips ahead
  auto first = put(data.substr(0, 262144), "bytes 0-262143/600000");
  EXPECT_EQ(first.status, 308);
  EXPECT_EQ(first.header("range"), "bytes=0-262143");
  EXPECT_EQ(put(data.substr(262144), "bytes 262144-599999/600001").status, 400);  // wrong total
  EXPECT_EQ(put(data.substr(262144), "bytes 262144-599999/600000").status, 200);
}

}  // namespace
}  // namespace postfuze::test
