// resolve_config (contract §16, §25, D32): top-level platform keys and
// config.<platform>, whole-slice precedence for config, aliases normalised,
// unknown fields dropped, wrong types and values refused field by field,
// Bluesky's forbidden keys refused.
#include "publish/post_config.hpp"

#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace postfuze::publish {
namespace {

namespace json = boost::json;

json::object body(std::string_view text) { return json::parse(text).as_object(); }

json::object resolved(std::string_view text) {
  auto r = resolve_config(body(text), providers::builtin_catalog());
  if (!r.ok()) {
    std::string why;
    for (const auto& f : r.error().fields) why += f.field + " " + f.code + "; ";
    ADD_FAILURE() << "unexpected error: " << why;
    return {};
  }
  return *r;
}

// The error's fields as "field code" lines, in order.
std::vector<std::string> problems(std::string_view text) {
  auto r = resolve_config(body(text), providers::builtin_catalog());
  if (r.ok()) {
    ADD_FAILURE() << "expected an error, got " << json::serialize(*r);
    return {};
  }
  EXPECT_EQ(r.error().code, core::ErrorCode::validation_failed);
  EXPECT_EQ(r.error().status(), 422);
  std::vector<std::string> out;
  for (const auto& f : r.error().fields) {
    EXPECT_FALSE(f.message.empty()) << f.field;
    out.push_back(f.field + " " + f.code);
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(PostConfig, NoSettingsResolvesToAnEmptyMap) {
  EXPECT_TRUE(resolved(R"({"content":"hi","accounts":["a"]})").empty());
  EXPECT_TRUE(resolved(R"({"config":{}})").empty());
  EXPECT_TRUE(resolved(R"({"config":null})").empty());
}

TEST(PostConfig, TopLevelAndNestedPlatformsAreBothRead) {
  auto out = resolved(R"({"x":{"long_form":true},"config":{"reddit":{"subreddit":"webdev"}}})");
  EXPECT_EQ(json::serialize(out), R"({"x":{"long_form":true},"reddit":{"subreddit":"webdev"}})");
}

TEST(PostConfig, ConfigWinsTheWholeSliceOverTopLevel) {
  // Nothing of the top-level slice is merged in: username is gone too.
  auto out = resolved(R"({"x":{"long_form":true,"username":"top"},"config":{"x":{"long_form":false}}})");
  EXPECT_EQ(json::serialize(out), R"({"x":{"long_form":false}})");
  // A broken top-level slice is irrelevant when config replaces it.
  out = resolved(R"({"x":"nonsense","config":{"x":{"premium":true}}})");
  EXPECT_EQ(json::serialize(out), R"({"x":{"long_form":true}})");
}

TEST(PostConfig, AliasesAreNormalisedToCanonicalNames) {
  EXPECT_EQ(json::serialize(resolved(R"({"config":{"x":{"longForm":true}}})")), R"({"x":{"long_form":true}})");
  EXPECT_EQ(json::serialize(resolved(R"({"config":{"x":{"premium":true}}})")), R"({"x":{"long_form":true}})");
  EXPECT_EQ(json::serialize(resolved(R"({"instagram":{"thumbOffset":1500}})")), R"({"instagram":{"thumb_offset":1500}})");
  EXPECT_EQ(json::serialize(resolved(R"({"tiktok":{"postMode":"INBOX"}})")), R"({"tiktok":{"post_mode":"INBOX"}})");
  EXPECT_EQ(json::serialize(resolved(R"({"youtube":{"thumbnail_url":"https://e.example/t.png"}})")),
            R"({"youtube":{"thumbnailUrl":"https://e.example/t.png"}})");
}

TEST(PostConfig, CanonicalSpellingWinsOverAnAlias) {
  EXPECT_EQ(json::serialize(resolved(R"({"x":{"premium":true,"long_form":false,"longForm":true}})")),
            R"({"x":{"long_form":false}})");
  // Aliases in catalogue order: longForm before premium.
  EXPECT_EQ(json::serialize(resolved(R"({"x":{"premium":false,"longForm":true}})")), R"({"x":{"long_form":true}})");
}

TEST(PostConfig, UnknownFieldsAndPlatformsAreDropped) {
  auto out = resolved(R"({"config":{"x":{"poll":{"options":["a"]},"long_form":true},"mastodon":{"a":1},"facebook":{}}})");
  EXPECT_EQ(json::serialize(out), R"({"x":{"long_form":true},"facebook":{}})");
  out = resolved(R"({"google_business":{"topicType":"EVENT","event":{"title":"Open day","colour":"red"}}})");
  EXPECT_EQ(json::serialize(out), R"({"google_business":{"topicType":"EVENT","event":{"title":"Open day"}}})");
}

TEST(PostConfig, DefaultsAreNotFilledIn) {
  EXPECT_EQ(json::serialize(resolved(R"({"linkedin":{}})")), R"({"linkedin":{}})");
  EXPECT_EQ(json::serialize(resolved(R"({"tiktok":{"privacy_level":"SELF_ONLY"}})")),
            R"({"tiktok":{"privacy_level":"SELF_ONLY"}})");
}

TEST(PostConfig, NullReadsAsNotGiven) {
  EXPECT_EQ(json::serialize(resolved(R"({"x":{"long_form":null,"username":"u"}})")), R"({"x":{"username":"u"}})");
  // A null config slice does not hide the top-level one.
  EXPECT_EQ(json::serialize(resolved(R"({"x":{"username":"u"},"config":{"x":null}})")), R"({"x":{"username":"u"}})");
}

TEST(PostConfig, WrongTypesAreRefusedWhereTheyWereGiven) {
  EXPECT_EQ(problems(R"({"config":{"x":{"long_form":"yes"}}})"), (Lines{"config.x.long_form invalid_type"}));
  EXPECT_EQ(problems(R"({"x":{"longForm":1}})"), (Lines{"x.longForm invalid_type"}));
  EXPECT_EQ(problems(R"({"reddit":{"subreddit":5,"nsfw":"true"}})"),
            (Lines{"reddit.subreddit invalid_type", "reddit.nsfw invalid_type"}));
  EXPECT_EQ(problems(R"({"instagram":{"thumb_offset":1.5}})"), (Lines{"instagram.thumb_offset invalid_type"}));
  EXPECT_EQ(problems(R"({"youtube":{"tags":["a",2,"c",false]}})"),
            (Lines{"youtube.tags.1 invalid_type", "youtube.tags.3 invalid_type"}));
  EXPECT_EQ(problems(R"({"youtube":{"tags":"a,b"}})"), (Lines{"youtube.tags invalid_type"}));
  EXPECT_EQ(problems(R"({"google_business":{"event":"Open day"}})"), (Lines{"google_business.event invalid_type"}));
  EXPECT_EQ(problems(R"({"google_business":{"event":{"title":7}}})"), (Lines{"google_business.event.title invalid_type"}));
}

TEST(PostConfig, ValuesOutsideTheirEnumOrRangeAreRefused) {
  EXPECT_EQ(problems(R"({"linkedin":{"visibility":"FRIENDS"}})"), (Lines{"linkedin.visibility invalid_value"}));
  EXPECT_EQ(problems(R"({"tiktok":{"postMode":"DRAFT"}})"), (Lines{"tiktok.postMode invalid_value"}));
  EXPECT_EQ(problems(R"({"tiktok":{"photo_cover_index":-1}})"), (Lines{"tiktok.photo_cover_index invalid_value"}));
  EXPECT_EQ(problems(R"({"tiktok":{"video_cover_timestamp_ms":18446744073709551615}})"),
            (Lines{"tiktok.video_cover_timestamp_ms invalid_value"}));
  EXPECT_EQ(problems(R"({"config":{"google_business":{"callToAction":{"actionType":"CLICK"}}}})"),
            (Lines{"config.google_business.callToAction.actionType invalid_value"}));
  EXPECT_EQ(problems(R"({"threads":{"reply_control":"nobody"}})"), (Lines{"threads.reply_control invalid_value"}));
  // Enums are case-sensitive, as the platforms' APIs are.
  EXPECT_EQ(problems(R"({"youtube":{"privacyStatus":"PUBLIC"}})"), (Lines{"youtube.privacyStatus invalid_value"}));
}

TEST(PostConfig, EveryProblemOfEveryPlatformIsListed) {
  EXPECT_EQ(problems(R"({"x":{"long_form":"yes"},"config":{"linkedin":{"visibility":1,"documentTitle":false}}})"),
            (Lines{"x.long_form invalid_type", "config.linkedin.visibility invalid_type",
                   "config.linkedin.documentTitle invalid_type"}));
}

TEST(PostConfig, ConfigAndSlicesMustBeObjects) {
  EXPECT_EQ(problems(R"({"config":[]})"), (Lines{"config invalid_type"}));
  EXPECT_EQ(problems(R"({"config":"x"})"), (Lines{"config invalid_type"}));
  EXPECT_EQ(problems(R"({"config":{"x":true}})"), (Lines{"config.x invalid_type"}));
  EXPECT_EQ(problems(R"({"reddit":["webdev"]})"), (Lines{"reddit invalid_type"}));
}

TEST(PostConfig, BlueskyRefusesServiceOverrides) {
  EXPECT_EQ(problems(R"({"config":{"bluesky":{"service":"https://evil.example"}}})"),
            (Lines{"config.bluesky.service forbidden"}));
  EXPECT_EQ(problems(R"({"bluesky":{"pds":"https://evil.example","serviceUrl":"https://evil.example"}})"),
            (Lines{"bluesky.pds forbidden", "bluesky.serviceUrl forbidden"}));
  // Even null: the key itself is the refusal.
  EXPECT_EQ(problems(R"({"bluesky":{"pds":null}})"), (Lines{"bluesky.pds forbidden"}));
  // Other unknown keys are ignored like everywhere.
  EXPECT_EQ(json::serialize(resolved(R"({"bluesky":{"langs":["en"]}})")), R"({"bluesky":{}})");
  // Elsewhere the same key is just unknown.
  EXPECT_EQ(json::serialize(resolved(R"({"x":{"service":"s"}})")), R"({"x":{}})");
}

TEST(PostConfig, YoutubeConfigurationIsReadAsTheSlice) {
  auto out = resolved(R"({"youtube":{"youtubeConfiguration":{"title":"T","isShort":true,"tags":["a"]}}})");
  EXPECT_EQ(json::serialize(out), R"({"youtube":{"title":"T","isShort":true,"tags":["a"]}})");
  // A field given directly wins over the nested one.
  out = resolved(R"({"youtube":{"title":"direct","youtubeConfiguration":{"title":"nested","madeForKids":true}}})");
  EXPECT_EQ(json::serialize(out), R"({"youtube":{"title":"direct","madeForKids":true}})");
  EXPECT_EQ(problems(R"({"config":{"youtube":{"youtubeConfiguration":{"privacyStatus":"hidden"}}}})"),
            (Lines{"config.youtube.youtubeConfiguration.privacyStatus invalid_value"}));
  EXPECT_EQ(problems(R"({"youtube":{"youtubeConfiguration":[]}})"), (Lines{"youtube.youtubeConfiguration invalid_type"}));
}

TEST(PostConfig, EveryContractFieldIsKept) {
  auto out = resolved(R"({"config":{
    "linkedin":{"visibility":"CONNECTIONS","organizationId":"1","organizationUrn":"urn:li:organization:1","articleUrl":"u","articleTitle":"t","articleDescription":"d","documentTitle":"doc"},
    "tiktok":{"privacy_level":"SELF_ONLY","post_mode":"DIRECT_POST","disable_comment":true,"disable_duet":true,"disable_stitch":true,"auto_add_music":false,"title":"t","brand_content_toggle":true,"brand_organic_toggle":false,"is_aigc":true,"photo_cover_index":0,"video_cover_timestamp_ms":1000},
    "pinterest":{"board_id":"b","title":"t","link":"l","alt_text":"a","video_media_id":"v","cover_image_url":"c"},
    "reddit":{"subreddit":"s","title":"t","kind":"link","url":"u","flair_id":"f","flair_text":"ft","nsfw":true,"spoiler":false},
    "google_business":{"topicType":"OFFER","locationName":"accounts/1/locations/2","accountId":"1","languageCode":"de-DE","callToAction":{"actionType":"CALL"},"event":{"title":"t","startDate":"2026-01-01","endDate":"2026-01-02","startTime":"09:00","endTime":"17:00"},"offer":{"couponCode":"C","redeemOnlineUrl":"u","termsConditions":"tc"}},
    "threads":{"reply_control":"mentioned_only","link_attachment":"l","topic_tag":"t"},
    "facebook":{"link":"https://e.example"},
    "instagram":{"publishAsStory":true,"thumb_offset":0},
    "youtube":{"title":"t","isShort":false,"categoryId":"10","privacyStatus":"unlisted","madeForKids":false,"tags":[],"thumbnailUrl":"u"}
  }})");
  const auto size = [&](std::string_view p) { return out.at(p).as_object().size(); };
  EXPECT_EQ(size("linkedin"), 7u);
  EXPECT_EQ(size("tiktok"), 12u);
  EXPECT_EQ(size("pinterest"), 6u);
  EXPECT_EQ(size("reddit"), 8u);
  EXPECT_EQ(size("google_business"), 7u);
  EXPECT_EQ(out.at("google_business").at("event").as_object().size(), 5u);
  EXPECT_EQ(out.at("google_business").at("offer").as_object().size(), 3u);
  EXPECT_EQ(size("threads"), 3u);
  EXPECT_EQ(size("facebook"), 1u);
  EXPECT_EQ(size("instagram"), 2u);
  EXPECT_EQ(size("youtube"), 7u);
}

}  // namespace
}  // namespace postfuze::publish
