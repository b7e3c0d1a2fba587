// Reddit image posts against the simulator over loopback: the media-asset
// lease, the multipart upload to the lease's action (exact bytes, no Reddit
// token), submit kind=image and the find() that supplies the post's id; each
// failure class; then the simulator's own strictness, with raw requests.
#include "publishers/reddit_publisher.hpp"

#include "publishers/media_publisher_fixture.hpp"
#include "sim/sim_tokens.hpp"

namespace postfuze::test {
namespace {

using publishers::LookupOutcome;
using publishers::Outcome;
using publishers::PublishItem;

class RedditMediaTest : public MediaPublisherTest {
 protected:
  publishers::PublishContext ctx(boost::json::object config = {{"subreddit", "pics"}}) {
    publishers::PublishAccount account;
    account.id = "acc_reddit";
    account.network_unique_id = "reddit-user-1";
    account.username = "reddit_user_1";
    auto c = context("reddit", account, token_, std::move(config));
    c.media_bytes = &media_;
    return c;
  }
  boost::json::object only_upload() {
    const auto all = uploads("reddit");
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? boost::json::object{} : all.at(0).as_object();
  }
  const publishers::Publisher& reddit = publishers::reddit_publisher();
  std::string token_ = reddit_token(sim_);
};

TEST_F(RedditMediaTest, AnImageLandsWithItsExactBytesAndTheListedPostIsReturned) {
  const std::string jpeg = sample_jpeg(320, 240);
  auto image = media_.add("image", "image/jpeg", jpeg, 320, 240);
  auto r = create(reddit, ctx({{"subreddit", "r/pics"}, {"title", "A grey test card"}, {"spoiler", true}}),
                  with_media(root("the body is not sent with an image"), {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;

  const auto up = only_upload();
  EXPECT_EQ(up.at("size").as_int64(), static_cast<std::int64_t>(jpeg.size()));
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(jpeg));
  EXPECT_EQ(up.at("content_type").as_string(), "image/jpeg");
  EXPECT_EQ(up.at("state").as_string(), "succeeded");
  EXPECT_TRUE(up.at("used").as_bool());
  EXPECT_EQ(up.at("extra").at("filepath").as_string(), image.id + ".jpg");

  const auto stored = posts("reddit");
  ASSERT_EQ(stored.size(), 1u);
  const auto& post = stored.at(0).as_object();
  const auto& e = post.at("extra");
  EXPECT_EQ(r.ref->id, post.at("id").as_string());
  EXPECT_EQ(r.ref->extra.at("fullname").as_string(), "t3_" + r.ref->id);
  EXPECT_TRUE(r.ref->url.starts_with("https://www.reddit.com/r/pics/comments/" + r.ref->id + "/")) << r.ref->url;
  EXPECT_EQ(e.at("kind").as_string(), "image");
  EXPECT_EQ(e.at("title").as_string(), "A grey test card");
  EXPECT_EQ(e.at("subreddit").as_string(), "pics");
  EXPECT_TRUE(e.at("spoiler").as_bool());
  EXPECT_EQ(e.at("asset_id").as_string(), up.at("id").as_string());
  EXPECT_EQ(e.at("image_url").as_string(),
            sim_.base_url() + "/reddit/api/reddit-media/" + std::string(up.at("extra").at("key").as_string()));
  EXPECT_EQ(e.at("url").as_string(), "https://i.redd.it/" + std::string(up.at("id").as_string()) + ".jpg");

}

TEST_F(RedditMediaTest, AGifIsPostedAsAnImageAndCommentsStayText) {
  const std::string gif = sample_gif(64, 48, 3);
  auto anim = media_.add("gif", "image/gif", gif, 64, 48);
  auto sub = create(reddit, ctx(), with_media(root("Dancing pixels\nmore words"), {anim}));
  ASSERT_EQ(sub.outcome, Outcome::created) << sub.message;
  const auto up = only_upload();
  EXPECT_EQ(up.at("kind").as_string(), "gif");
  EXPECT_EQ(up.at("sha256").as_string(), sha256_hex(gif));
  EXPECT_EQ(posts("reddit").at(0).at("extra").at("title").as_string(), "Dancing pixels");

  auto c1 = create(reddit, ctx(), comment(1, "a plain comment", *sub.ref));
  ASSERT_EQ(c1.outcome, Outcome::created) << c1.message;
  EXPECT_EQ(posts("reddit").at(1).at("parent_id").as_string(), "t3_" + sub.ref->id);
  EXPECT_EQ(uploads("reddit").size(), 1u);
}

TEST_F(RedditMediaTest, ARefusedLeaseIsPermanentMediaRejected) {
  auto webp = media_.add("image", "image/webp", padded(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), 2000));
  auto r = create(reddit, ctx(), with_media(root("webp"), {webp}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_rejected");
  EXPECT_EQ(r.platform_status, 400);
  EXPECT_TRUE(uploads("reddit").empty());
  EXPECT_TRUE(posts("reddit").empty());
}

TEST_F(RedditMediaTest, AnUploadOutageOrUnreadableMediaIsTransientAndNothingIsPosted) {
  auto image = media_.add("image", "image/png", sample_png(64, 64));
  knobs("reddit", {{"publish_error", {{"status", 503}, {"count", 1}, {"path", "/reddit/api/reddit-media"}}}});
  auto r = create(reddit, ctx(), with_media(root("later"), {image}));
  EXPECT_EQ(r.outcome, Outcome::transient) << r.message;
  EXPECT_EQ(r.platform_status, 503);
  EXPECT_EQ(only_upload().at("state").as_string(), "uploading");  // leased, never filled

  media_.fail_reads();
  r = create(reddit, ctx(), with_media(root("later"), {image}));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.error_code, "media_unavailable");
  EXPECT_TRUE(posts("reddit").empty());

  media_.fail_reads(false);
  r = create(reddit, ctx(), with_media(root("later"), {image}));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(posts("reddit").size(), 1u);
}

TEST_F(RedditMediaTest, ALostSubmitAnswerIsAmbiguousAndFindAdoptsThePost) {
  auto image = media_.add("image", "image/jpeg", sample_jpeg(64, 64));
  const PublishItem item = with_media(root("Lost in transit"), {image});
  timeout_ = std::chrono::milliseconds(300);
  knobs("reddit", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  auto r = create(reddit, ctx(), item);
  EXPECT_EQ(r.outcome, Outcome::ambiguous) << r.message;
  timeout_ = std::chrono::milliseconds(5000);

  const auto found = find(reddit, ctx(), item);
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  EXPECT_EQ(found.ref->id, posts("reddit").at(0).at("id").as_string());
  // A self post of the same title is not the image post.
  EXPECT_EQ(find(reddit, ctx(), root("Lost in transit")).outcome, LookupOutcome::absent);
  EXPECT_EQ(find(reddit, ctx({{"subreddit", "other"}}), item).outcome, LookupOutcome::absent);
}

TEST_F(RedditMediaTest, APostTheListingCannotShowYetIsAmbiguous) {
  token_ = reddit_token(sim_, "identity submit read");  // no history: the listing is refused
  auto image = media_.add("image", "image/jpeg", sample_jpeg(64, 64));
  auto r = create(reddit, ctx(), with_media(root("unseen"), {image}));
  EXPECT_EQ(r.outcome, Outcome::ambiguous);
  EXPECT_EQ(r.error_code, "post_not_visible_yet");
  EXPECT_EQ(posts("reddit").size(), 1u);
}

TEST_F(RedditMediaTest, AnImagePostNeedsAnImageAndOtherKindsTakeNoMedia) {
  const auto before = sim_.stat("reddit", "publish");
  auto r = create(reddit, ctx({{"subreddit", "pics"}, {"kind", "image"}}), root("no picture"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_missing");

  auto image = media_.add("image", "image/jpeg", sample_jpeg(64, 64));
  r = create(reddit, ctx({{"subreddit", "pics"}, {"kind", "self"}}), with_media(root("text"), {image}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_not_supported");

  auto video = media_.add("video", "video/mp4", sample_mp4(1));
  r = create(reddit, ctx(), with_media(root("clip"), {video}));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "media_not_supported");
  EXPECT_EQ(sim_.stat("reddit", "publish"), before);  // nothing was sent
}

// ---- The simulator's strictness, with raw requests.

class RedditMediaSimTest : public MediaPublisherTest {
 protected:
  HttpResult api(const std::string& path, const std::string& form) {
    return http_request(sim_.port(), verb::post, "/reddit/api" + path, form,
                        {{"Authorization", "Bearer " + token_},
                         {"User-Agent", "server:postfuze-test:1.0 (by /u/reddit_user_1)"},
                         {"Content-Type", "application/x-www-form-urlencoded"}});
  }
  // A lease's fields as multipart parts.
  static std::vector<publishers::FormPart> fields(const boost::json::value& lease) {
    std::vector<publishers::FormPart> out;
    for (const auto& f : lease.at("args").at("fields").as_array())
      out.push_back({std::string(f.at("name").as_string()), std::string(f.at("value").as_string())});
    return out;
  }
  int upload(const std::vector<publishers::FormPart>& parts, bool with_token = false) {
    const auto form = publishers::multipart(parts);
    Headers h{{"Content-Type", form.content_type}};
    if (with_token) h.emplace_back("Authorization", "Bearer " + token_);
    return http_request(sim_.port(), verb::post, "/reddit/api/reddit-media", form.body, h).status;
  }
  std::string token_ = reddit_token(sim_);
};

TEST_F(RedditMediaSimTest, TheLeaseAndTheUploadAreCheckedStrictly) {
  EXPECT_EQ(api("/api/media/asset.json", "filepath=a.jpg").status, 400);
  EXPECT_EQ(api("/api/media/asset.json", "filepath=a.bmp&mimetype=image%2Fbmp").status, 400);
  EXPECT_EQ(api("/api/media/asset.json", "filepath=a.png&mimetype=image%2Fjpeg").status, 400);
  const auto lease = api("/api/media/asset.json", "filepath=a.png&mimetype=image%2Fpng");
  ASSERT_EQ(lease.status, 200) << lease.body;
  const auto json = lease.json();
  EXPECT_EQ(json.at("args").at("action").as_string(), "//127.0.0.1:" + std::to_string(sim_.port()) + "/reddit/api/reddit-media");
  const std::string png = sample_png(32, 32);
  const publishers::FormPart file{"file", png, "a.png", "image/png"};

  auto missing = fields(json);
  missing.erase(missing.begin());  // acl
  missing.push_back(file);
  EXPECT_EQ(upload(missing), 403);
  auto altered = fields(json);
  altered.at(1).value += "x";  // key
  altered.push_back(file);
  EXPECT_EQ(upload(altered), 403);
  auto extra = fields(json);
  extra.push_back({"surprise", "1"});
  extra.push_back(file);
  EXPECT_EQ(upload(extra), 403);
  auto file_first = fields(json);
  file_first.insert(file_first.begin(), file);
  EXPECT_EQ(upload(file_first), 400);
  auto not_png = fields(json);
  not_png.push_back({"file", sample_jpeg(32, 32), "a.png", "image/png"});
  EXPECT_EQ(upload(not_png), 400);

  const std::string key(json.at("args").at("fields").at(1).at("value").as_string());
  const std::string url = sim_.base_url() + "/reddit/api/reddit-media/" + key;
  auto submit = [&](const std::string& image_url) {
    const auto r = api("/api/submit", "api_type=json&sr=pics&kind=image&title=t&url=" + image_url);
    EXPECT_EQ(r.status, 200);
    return r.json().at("json").at("errors").as_array();
  };
  EXPECT_FALSE(submit(url).empty());  // not uploaded yet
  auto good = fields(json);
  good.push_back(file);
  EXPECT_EQ(upload(good, true), 400);  // a bearer token beside the signed policy
  ASSERT_EQ(upload(good), 201);
  EXPECT_FALSE(submit(sim_.base_url() + "/reddit/api/reddit-media/rte_images/nope").empty());
  EXPECT_TRUE(submit(url).empty());
  EXPECT_EQ(uploads("reddit").at(0).at("sha256").as_string(), sha256_hex(png));
}

}  // namespace
}  // namespace postfuze::test
