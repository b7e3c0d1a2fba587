// preflight and fit_text (contract §14.1, §15.1, §25; D24, D29, D32): every
// create-time rule, counted the way each platform counts, with the account,
// platform, field and rule code on each finding.
#include "publish/preflight.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "providers/catalog.hpp"
#include "publish/text_length.hpp"

namespace postfuze::publish {
namespace {

namespace json = boost::json;
using providers::ProviderSpec;

const std::string kFamily = "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";  // 👩‍👩‍👧: 5 code points, 18 bytes
const std::string kEAcute = "e\xCC\x81";  // e + U+0301 COMBINING ACUTE: 2 code points, 3 bytes, 1 grapheme

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

const ProviderSpec& spec(std::string_view platform) {
  const ProviderSpec* s = providers::builtin_catalog().find(platform);
  if (s == nullptr) throw std::runtime_error("missing platform " + std::string(platform));
  return *s;
}

accounts::SocialAccount account(std::string_view platform, std::string type = "profile", std::string unique_id = "u1") {
  accounts::SocialAccount a;
  a.id = "acc-" + std::string(platform);
  a.platform = std::string(platform);
  a.account_type = std::move(type);
  a.network_unique_id = std::move(unique_id);
  return a;
}

json::object slice(std::string_view text) { return json::parse(text).as_object(); }

std::vector<ContainerInput> text(std::initializer_list<std::string> contents) {
  std::vector<ContainerInput> out;
  for (const auto& c : contents) out.push_back(ContainerInput{c, {}});
  return out;
}

ContainerInput with_media(std::string content, std::optional<std::string> alt = std::nullopt) {
  return ContainerInput{std::move(content), {MediaInput{"media-1", std::move(alt)}}};
}

using Lines = std::vector<std::string>;

// "field code" per finding; also checks that each names the account and platform.
Lines run(const ProviderSpec& s, const accounts::SocialAccount& a, std::string_view config,
          const std::vector<ContainerInput>& containers, std::size_t index = 0) {
  Lines out;
  for (const auto& e : preflight(s, a, index, slice(config), containers)) {
    EXPECT_EQ(e.account_id, a.id);
    EXPECT_EQ(e.platform, s.platform);
    EXPECT_FALSE(e.message.empty());
    out.push_back(e.field + " " + e.code);
  }
  return out;
}

Lines run(std::string_view platform, std::string_view config, const std::vector<ContainerInput>& containers) {
  return run(spec(platform), account(platform), config, containers);
}

// --- publishing_not_supported ------------------------------------------------------

TEST(Preflight, AnUnsupportedPlatformIsTheOnlyFinding) {
  ProviderSpec s = spec("instagram");
  s.publish.supported = false;
  auto errors = preflight(s, account("instagram"), 2, {}, text({""}));
  ASSERT_EQ(errors.size(), 1u);  // nothing else could make it work
  EXPECT_EQ(errors[0].field, "accounts.2");
  EXPECT_EQ(errors[0].code, kPublishingNotSupported);
  EXPECT_EQ(errors[0].account_id, "acc-instagram");
  EXPECT_EQ(errors[0].platform, "instagram");
}

TEST(Preflight, TextPlatformsAcceptAPlainPost) {
  const std::string extra_for[] = {"{}", R"({"subreddit":"webdev"})"};
  for (std::string_view p : {"x", "linkedin", "facebook", "threads", "google_business", "bluesky"})
    EXPECT_EQ(run(p, extra_for[0], text({"Hello"})), Lines{}) << p;
  EXPECT_EQ(run("reddit", extra_for[1], text({"Hello"})), Lines{});
}

// --- empty_post and media_required ---------------------------------------------------

TEST(Preflight, MainContainerNeedsTextOrMedia) {
  EXPECT_EQ(run("x", "{}", text({""})), (Lines{"containers.0 empty_post"}));
  EXPECT_EQ(run("x", "{}", text({" \n\t "})), (Lines{"containers.0 empty_post"}));
  EXPECT_EQ(run("x", "{}", {with_media("")}), Lines{});
  EXPECT_EQ(run("x", "{}", {}), (Lines{"containers empty_post"}));
}

TEST(Preflight, EmptyRepliesCountOnlyWherePublished) {
  EXPECT_EQ(run("x", "{}", text({"root", "first", ""})), (Lines{"containers.2 empty_post"}));
  EXPECT_EQ(run("linkedin", "{}", text({"root", ""})), (Lines{"containers.1 empty_post"}));
  // Google Business ignores containers 1+: nothing to check there.
  EXPECT_EQ(run("google_business", "{}", text({"root", ""})), Lines{});
}

TEST(Preflight, MediaRequiredPlatformsNeedMediaInTheMainContainer) {
  const ProviderSpec pinterest = spec("pinterest");
  EXPECT_EQ(run(pinterest, account("pinterest"), R"({"board_id":"b1"})", text({"A pin"})),
            (Lines{"containers.0.media media_required"}));
  // Reported instead of empty_post, not with it.
  EXPECT_EQ(run(pinterest, account("pinterest"), R"({"board_id":"b1"})", text({""})),
            (Lines{"containers.0.media media_required"}));
  EXPECT_EQ(run(pinterest, account("pinterest"), R"({"board_id":"b1"})", {with_media("")}), Lines{});
  // Media in a later container does not count.
  EXPECT_EQ(run(pinterest, account("pinterest"), R"({"board_id":"b1"})", {ContainerInput{"A pin", {}}, with_media("")}),
            (Lines{"containers.0.media media_required"}));
}

// --- media rules (catalogue publish.media) ------------------------------------------

MediaInput asset(std::string kind, std::string type, std::int64_t size = 1000) {
  MediaInput m{"m-" + kind, std::nullopt, kind, type, size};
  return m;
}
ContainerInput holding(std::vector<MediaInput> media, std::string content = "text") {
  return ContainerInput{std::move(content), std::move(media)};
}
const MediaInput kJpeg = asset("image", "image/jpeg");
const MediaInput kPng = asset("image", "image/png");
const MediaInput kMp4 = asset("video", "video/mp4", 5'000'000);
const MediaInput kGif = asset("gif", "image/gif");

TEST(PreflightMedia, KindsAndTypesFollowThePlatform) {
  EXPECT_EQ(run("youtube", "{}", {holding({kMp4})}), Lines{});
  EXPECT_EQ(run("youtube", "{}", {holding({kJpeg})}), (Lines{"containers.0.media.0 media_not_supported"}));
  EXPECT_EQ(run("google_business", "{}", {holding({kMp4})}), (Lines{"containers.0.media.0 media_not_supported"}));
  EXPECT_EQ(run("bluesky", "{}", {holding({kGif})}), (Lines{"containers.0.media.0 media_not_supported"}));
  // Instagram takes JPEG only: a PNG is refused here rather than failing at Meta.
  EXPECT_EQ(run("instagram", "{}", {holding({kPng})}), (Lines{"containers.0.media.0 media_type_not_supported"}));
  EXPECT_EQ(run("instagram", "{}", {holding({kJpeg})}), Lines{});
  auto errors = preflight(spec("instagram"), account("instagram"), 0, {}, std::vector{holding({kPng})});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("image/jpeg"), std::string::npos) << errors[0].message;
}

TEST(PreflightMedia, SizeCapsArePerPlatformAndKind) {
  EXPECT_EQ(run("bluesky", "{}", {holding({asset("image", "image/jpeg", 1'000'000)})}), Lines{});
  EXPECT_EQ(run("bluesky", "{}", {holding({asset("image", "image/jpeg", 1'000'001)})}),
            (Lines{"containers.0.media.0 media_too_large"}));
  EXPECT_EQ(run("x", "{}", {holding({asset("image", "image/png", 5 * 1024 * 1024 + 1)})}),
            (Lines{"containers.0.media.0 media_too_large"}));
  // Unknown facts (an asset not looked up) are not judged.
  EXPECT_EQ(run("x", "{}", {with_media("")}), Lines{});
}

TEST(PreflightMedia, CountsMixingAndFirstUsed) {
  // Bluesky: up to 4 images.
  EXPECT_EQ(run("bluesky", "{}", {holding({kJpeg, kJpeg, kJpeg, kJpeg})}), Lines{});
  EXPECT_EQ(run("bluesky", "{}", {holding({kJpeg, kJpeg, kJpeg, kJpeg, kJpeg})}),
            (Lines{"containers.0.media too_many_media"}));
  // X uses the first item and drops the rest (contract §25.2), whatever they are.
  EXPECT_EQ(run("x", "{}", {holding({kJpeg, kMp4, asset("document", "application/pdf")})}), Lines{});
  // TikTok: one video or photos, never both.
  EXPECT_EQ(run("tiktok", R"({"privacy_level":"SELF_ONLY"})", {holding({kJpeg, kJpeg})}), Lines{});
  EXPECT_EQ(run("tiktok", R"({"privacy_level":"SELF_ONLY"})", {holding({kMp4, kJpeg})}),
            (Lines{"containers.0.media media_mix_not_supported"}));
  EXPECT_EQ(run("tiktok", R"({"privacy_level":"SELF_ONLY"})", {holding({kMp4, kMp4})}),
            (Lines{"containers.0.media too_many_media"}));
  // Instagram carousels may mix, up to 10.
  EXPECT_EQ(run("instagram", "{}", {holding({kJpeg, kMp4, kJpeg})}), Lines{});
  std::vector<MediaInput> eleven(11, kJpeg);
  EXPECT_EQ(run("instagram", "{}", {holding(eleven)}), (Lines{"containers.0.media too_many_media"}));
  EXPECT_EQ(run("google_business", "{}", {holding({kJpeg, kJpeg})}), (Lines{"containers.0.media too_many_media"}));
}

TEST(PreflightMedia, RepliesCarryMediaOnlyWhereTheyArePosts) {
  EXPECT_EQ(run("x", "{}", {holding({}, "root"), holding({kJpeg}, "reply")}), Lines{});
  EXPECT_EQ(run("threads", "{}", {holding({}, "root"), holding({kMp4}, "reply")}), Lines{});
  EXPECT_EQ(run("linkedin", "{}", {holding({}, "root"), holding({kJpeg}, "comment")}),
            (Lines{"containers.1.media media_not_supported"}));
  // Ignored containers are not checked at all.
  EXPECT_EQ(run("youtube", "{}", {holding({kMp4}), holding({kJpeg}, "ignored")}), Lines{});
}

// --- text_too_long -----------------------------------------------------------------

TEST(Preflight, XCountsCodePointsAndLongFormRaisesTheLimit) {
  EXPECT_EQ(run("x", "{}", text({repeat("a", 280)})), Lines{});
  EXPECT_EQ(run("x", "{}", text({repeat("a", 281)})), (Lines{"containers.0.content text_too_long"}));
  EXPECT_EQ(run("x", R"({"long_form":true})", text({repeat("a", 281)})), Lines{});
  EXPECT_EQ(run("x", R"({"long_form":true})", text({repeat("a", 25000)})), Lines{});
  EXPECT_EQ(run("x", R"({"long_form":true})", text({repeat("a", 25001)})), (Lines{"containers.0.content text_too_long"}));
  EXPECT_EQ(run("x", R"({"long_form":false})", text({repeat("a", 281)})), (Lines{"containers.0.content text_too_long"}));
  // Code points, not bytes or graphemes: 56 families are 280 code points, 57 are 285.
  EXPECT_EQ(run("x", "{}", text({repeat(kFamily, 56)})), Lines{});
  EXPECT_EQ(run("x", "{}", text({repeat(kFamily, 57)})), (Lines{"containers.0.content text_too_long"}));
  EXPECT_EQ(run("x", "{}", text({repeat(kEAcute, 140)})), Lines{});
  EXPECT_EQ(run("x", "{}", text({repeat(kEAcute, 141)})), (Lines{"containers.0.content text_too_long"}));
}

TEST(Preflight, TheMessageSaysTheLimitTheCountAndTheWayOut) {
  auto errors = preflight(spec("x"), account("x"), 0, {}, text({repeat("a", 300)}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("280"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("300"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("long_form"), std::string::npos) << errors[0].message;
}

TEST(Preflight, ReplyContainersAreCheckedWherePublished) {
  EXPECT_EQ(run("x", "{}", text({"root", repeat("a", 281), "ok"})), (Lines{"containers.1.content text_too_long"}));
  const ProviderSpec pinterest = spec("pinterest");
  // Pinterest ignores containers 1+: their length does not matter.
  EXPECT_EQ(run(pinterest, account("pinterest"), R"({"board_id":"b"})", {with_media("pin"), ContainerInput{repeat("a", 900), {}}}),
            Lines{});
}

TEST(Preflight, BlueskyCountsGraphemesAndBytes) {
  EXPECT_EQ(text_length(kFamily, providers::TextUnit::graphemes), 1u);
  // 300 ZWJ families: 300 graphemes (fine) but 5400 bytes (over 3000).
  EXPECT_EQ(run("bluesky", "{}", text({repeat(kFamily, 300)})), (Lines{"containers.0.content text_too_long"}));
  auto errors = preflight(spec("bluesky"), account("bluesky"), 0, {}, text({repeat(kFamily, 300)}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("3000 bytes"), std::string::npos) << errors[0].message;
  // 166 families = 2988 bytes: under both limits; 167 = 3006 bytes.
  EXPECT_EQ(run("bluesky", "{}", text({repeat(kFamily, 166)})), Lines{});
  EXPECT_EQ(run("bluesky", "{}", text({repeat(kFamily, 167)})), (Lines{"containers.0.content text_too_long"}));
  // Combining marks: 300 "é" (e + U+0301) are 300 graphemes, 900 bytes.
  EXPECT_EQ(run("bluesky", "{}", text({repeat(kEAcute, 300)})), Lines{});
  errors = preflight(spec("bluesky"), account("bluesky"), 0, {}, text({repeat(kEAcute, 301)}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("300 graphemes"), std::string::npos) << errors[0].message;
  // Over both: two findings on the same field.
  EXPECT_EQ(run("bluesky", "{}", text({repeat(kFamily, 301)})),
            (Lines{"containers.0.content text_too_long", "containers.0.content text_too_long"}));
}

TEST(Preflight, RejectingLimitsOfLinkedinRedditAndPinterest) {
  EXPECT_EQ(run("linkedin", "{}", text({repeat("a", 3000)})), Lines{});
  EXPECT_EQ(run("linkedin", "{}", text({repeat("a", 3001)})), (Lines{"containers.0.content text_too_long"}));
  EXPECT_EQ(run("reddit", R"({"subreddit":"s"})", text({repeat("a", 40000)})), Lines{});
  EXPECT_EQ(run("reddit", R"({"subreddit":"s"})", text({repeat("a", 40001)})), (Lines{"containers.0.content text_too_long"}));
  const ProviderSpec pinterest = spec("pinterest");
  const auto pin = [&](std::string config, std::vector<ContainerInput> c) {
    return run(pinterest, account("pinterest"), config, c);
  };
  EXPECT_EQ(pin(R"({"board_id":"b","title":")" + repeat("t", 100) + R"("})", {with_media("d")}), Lines{});
  EXPECT_EQ(pin(R"({"board_id":"b","title":")" + repeat("t", 101) + R"("})", {with_media("d")}),
            (Lines{"config.pinterest.title text_too_long"}));
  EXPECT_EQ(pin(R"({"board_id":"b","alt_text":")" + repeat("t", 501) + R"("})", {with_media("d")}),
            (Lines{"config.pinterest.alt_text text_too_long"}));
  EXPECT_EQ(pin(R"({"board_id":"b"})", {with_media(repeat("d", 801))}), (Lines{"containers.0.content text_too_long"}));
  EXPECT_EQ(pin(R"({"board_id":"b"})", {with_media("d", repeat("a", 500))}), Lines{});
  EXPECT_EQ(pin(R"({"board_id":"b"})", {with_media("d", repeat("a", 501))}),
            (Lines{"containers.0.media.0.alt_text text_too_long"}));
}

TEST(Preflight, TruncatingLimitsNeverRefuse) {
  EXPECT_EQ(run("threads", "{}", text({repeat(kFamily, 1000)})), Lines{});
  EXPECT_EQ(run("google_business", "{}", text({repeat("a", 5000)})), Lines{});
  EXPECT_EQ(run("reddit", R"({"subreddit":"s","title":")" + repeat("t", 400) + R"("})", text({"body"})), Lines{});
  EXPECT_EQ(run("facebook", "{}", text({repeat("a", 100000)})), Lines{});
}

// --- missing_field -----------------------------------------------------------------

TEST(Preflight, RedditNeedsASubreddit) {
  EXPECT_EQ(run("reddit", "{}", text({"body"})), (Lines{"config.reddit.subreddit missing_field"}));
  EXPECT_EQ(run("reddit", R"({"subreddit":""})", text({"body"})), (Lines{"config.reddit.subreddit missing_field"}));
  EXPECT_EQ(run("reddit", R"({"subreddit":"webdev"})", text({"body"})), Lines{});
}

TEST(Preflight, PinterestNeedsABoard) {
  const ProviderSpec pinterest = spec("pinterest");
  EXPECT_EQ(run(pinterest, account("pinterest"), "{}", {with_media("pin")}), (Lines{"config.pinterest.board_id missing_field"}));
  // Every broken rule at once.
  EXPECT_EQ(run(pinterest, account("pinterest"), "{}", text({"pin"})),
            (Lines{"containers.0.media media_required", "config.pinterest.board_id missing_field"}));
}

TEST(Preflight, TiktokDirectPostNeedsAPrivacyLevel) {
  const ProviderSpec tiktok = spec("tiktok");
  const auto tt = [&](std::string_view config) { return run(tiktok, account("tiktok"), config, {with_media("")}); };
  // post_mode defaults to DIRECT_POST.
  EXPECT_EQ(tt("{}"), (Lines{"config.tiktok.privacy_level missing_field"}));
  EXPECT_EQ(tt(R"({"post_mode":"DIRECT_POST"})"), (Lines{"config.tiktok.privacy_level missing_field"}));
  EXPECT_EQ(tt(R"({"post_mode":"DIRECT_POST","privacy_level":"SELF_ONLY"})"), Lines{});
  EXPECT_EQ(tt(R"({"post_mode":"INBOX"})"), Lines{});
  auto errors = preflight(tiktok, account("tiktok"), 0, {}, std::vector{with_media("")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("DIRECT_POST"), std::string::npos) << errors[0].message;
}

TEST(Preflight, GoogleBusinessEventsAndOffersNeedAnEventTitle) {
  EXPECT_EQ(run("google_business", R"({"topicType":"EVENT"})", text({"Open day"})),
            (Lines{"config.google_business.event.title missing_field"}));
  EXPECT_EQ(run("google_business", R"({"topicType":"OFFER","event":{}})", text({"Sale"})),
            (Lines{"config.google_business.event.title missing_field"}));
  EXPECT_EQ(run("google_business", R"({"topicType":"EVENT","event":{"title":""}})", text({"Open day"})),
            (Lines{"config.google_business.event.title missing_field"}));
  EXPECT_EQ(run("google_business", R"({"topicType":"EVENT","event":{"title":"Open day"}})", text({"Open day"})), Lines{});
  EXPECT_EQ(run("google_business", R"({"topicType":"STANDARD"})", text({"News"})), Lines{});
  EXPECT_EQ(run("google_business", "{}", text({"News"})), Lines{});  // STANDARD by default
}

// --- invalid_value: LinkedIn authors ----------------------------------------------------

TEST(Preflight, LinkedinMemberMayNotPostAsAnUnlistedOrganisation) {
  const auto member = account("linkedin", "profile", "abc123");
  EXPECT_EQ(run(spec("linkedin"), member, R"({"organizationId":"42"})", text({"hi"})),
            (Lines{"config.linkedin.organizationId invalid_value"}));
  EXPECT_EQ(run(spec("linkedin"), member, R"({"organizationUrn":"urn:li:organization:42"})", text({"hi"})),
            (Lines{"config.linkedin.organizationUrn invalid_value"}));
  EXPECT_EQ(run(spec("linkedin"), member, "{}", text({"hi"})), Lines{});
}

TEST(Preflight, LinkedinOrganisationAccountPostsAsItself) {
  const auto org = account("linkedin", "organization", "urn:li:organization:42");
  EXPECT_EQ(run(spec("linkedin"), org, R"({"organizationId":"42"})", text({"hi"})), Lines{});
  EXPECT_EQ(run(spec("linkedin"), org, R"({"organizationUrn":"urn:li:organization:42"})", text({"hi"})), Lines{});
  EXPECT_EQ(run(spec("linkedin"), org, R"({"organizationId":"43"})", text({"hi"})),
            (Lines{"config.linkedin.organizationId invalid_value"}));
  EXPECT_EQ(run(spec("linkedin"), org, R"({"organizationUrn":"urn:li:organization:420"})", text({"hi"})),
            (Lines{"config.linkedin.organizationUrn invalid_value"}));
  // The same id on an account of another type is not the organisation.
  const auto person = account("linkedin", "profile", "urn:li:organization:42");
  EXPECT_EQ(run(spec("linkedin"), person, R"({"organizationId":"42"})", text({"hi"})),
            (Lines{"config.linkedin.organizationId invalid_value"}));
}

TEST(Preflight, LinkedinOrganisationsStoredOnTheMemberAreAllowed) {
  auto member = account("linkedin", "profile", "abc123");
  member.platform_data["organizations"] = json::array{"urn:li:organization:7", 8};
  EXPECT_EQ(run(spec("linkedin"), member, R"({"organizationId":"7"})", text({"hi"})), Lines{});
  EXPECT_EQ(run(spec("linkedin"), member, R"({"organizationId":"8"})", text({"hi"})),
            (Lines{"config.linkedin.organizationId invalid_value"}));
}

// --- fit_text ------------------------------------------------------------------------

TEST(FitText, TruncatesWhereThePlatformTruncates) {
  EXPECT_EQ(fit_text(spec("youtube"), "title", repeat("t", 100), {}), repeat("t", 100));
  EXPECT_EQ(fit_text(spec("youtube"), "title", repeat("t", 101), {}), repeat("t", 100));
  EXPECT_EQ(fit_text(spec("youtube"), "content", repeat("d", 6000), {}), repeat("d", 5000));
  EXPECT_EQ(fit_text(spec("reddit"), "title", repeat("t", 301), {}), repeat("t", 300));
  EXPECT_EQ(fit_text(spec("google_business"), "content", repeat("s", 1501), {}), repeat("s", 1500));
  EXPECT_EQ(fit_text(spec("instagram"), "content", repeat("c", 2201), {}), repeat("c", 2200));
  EXPECT_EQ(fit_text(spec("tiktok"), "content", repeat("c", 2200), {}), repeat("c", 2200));
}

TEST(FitText, LeavesRejectingAndUnlimitedFieldsAlone) {
  EXPECT_EQ(fit_text(spec("x"), "content", repeat("a", 400), {}), repeat("a", 400));
  EXPECT_EQ(fit_text(spec("bluesky"), "content", repeat(kFamily, 400), {}), repeat(kFamily, 400));
  EXPECT_EQ(fit_text(spec("facebook"), "content", repeat("a", 70000), {}), repeat("a", 70000));
  EXPECT_EQ(fit_text(spec("reddit"), "content", repeat("a", 50000), {}), repeat("a", 50000));
  EXPECT_EQ(fit_text(spec("youtube"), "tags", repeat("a", 500), {}), repeat("a", 500));
}

TEST(FitText, ThreadsCutsAtFiveHundredBytesOnACodePointBoundary) {
  EXPECT_EQ(fit_text(spec("threads"), "content", repeat("a", 500), {}), repeat("a", 500));
  EXPECT_EQ(fit_text(spec("threads"), "content", repeat("a", 501), {}), repeat("a", 500));
  // 499 ASCII + "é" (2 bytes) = 501 bytes: the "é" goes whole.
  EXPECT_EQ(fit_text(spec("threads"), "content", repeat("a", 499) + "\xC3\xA9", {}), repeat("a", 499));
}

TEST(FitText, NeverLeavesHalfAGrapheme) {
  // 500 bytes end inside the 28th family (27 × 18 = 486): it goes whole.
  EXPECT_EQ(fit_text(spec("threads"), "content", repeat(kFamily, 100), {}), repeat(kFamily, 27));
  // Code points: 300 "é" (e + U+0301) cut at 300 code points keep 150 letters;
  // at 301 the 151st "e" would lose its accent, so it goes too.
  EXPECT_EQ(fit_text(spec("reddit"), "title", repeat(kEAcute, 200), {}), repeat(kEAcute, 150));
  EXPECT_EQ(fit_text(spec("reddit"), "title", "a" + repeat(kEAcute, 200), {}), "a" + repeat(kEAcute, 149));
}

TEST(FitText, GraphemeLimitsNeverSplitAGrapheme) {
  ProviderSpec s = spec("facebook");
  s.publish.limits = {providers::TextLimit{"content", 3, providers::TextUnit::graphemes, providers::OverLimit::truncate, "", 0}};
  EXPECT_EQ(fit_text(s, "content", repeat(kFamily, 5), {}), repeat(kFamily, 3));
  EXPECT_EQ(fit_text(s, "content", repeat(kEAcute, 4), {}), repeat(kEAcute, 3));
  EXPECT_EQ(fit_text(s, "content", "ab", {}), "ab");
}

TEST(FitText, HonoursRaisedBy) {
  ProviderSpec s = spec("x");
  s.publish.limits[0].over = providers::OverLimit::truncate;
  EXPECT_EQ(fit_text(s, "content", repeat("a", 300), {}), repeat("a", 280));
  EXPECT_EQ(fit_text(s, "content", repeat("a", 300), slice(R"({"long_form":true})")), repeat("a", 300));
  EXPECT_EQ(fit_text(s, "content", repeat("a", 30000), slice(R"({"long_form":true})")), repeat("a", 25000));
}

}  // namespace
}  // namespace postfuze::publish
