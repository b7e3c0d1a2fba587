// The catalogue's publish data (contract §15.1, §16, §25; platforms.md): the
// embedded catalogue says what the contract says for every platform, and
// loading refuses a malformed "publish" object like any other field.
#include <gtest/gtest.h>

#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "providers/catalog.hpp"

namespace postfuze::providers {
namespace {

namespace json = boost::json;

const PublishSpec& publish(std::string_view platform) {
  const ProviderSpec* s = builtin_catalog().find(platform);
  if (s == nullptr) throw std::runtime_error("missing platform " + std::string(platform));
  return s->publish;
}

const TextLimit* limit(std::string_view platform, std::string_view field, TextUnit unit) {
  for (const auto& l : publish(platform).limits)
    if (l.field == field && l.unit == unit) return &l;
  return nullptr;
}

const ConfigField& field(std::string_view platform, std::string_view path) {
  const ConfigField* f = publish(platform).config.find_path(path);
  if (f == nullptr) throw std::runtime_error("no field " + std::string(path) + " on " + std::string(platform));
  return *f;
}

json::value builtin_json() { return json::parse(embedded_catalog_json()); }

json::object& publish_json(json::value& root, std::string_view platform) {
  for (auto& p : root.at("providers").as_array())
    if (p.at("platform").as_string() == platform) return p.at("publish").as_object();
  throw std::runtime_error("no such platform in JSON");
}

void expect_invalid(const json::value& root, std::string_view where, std::string_view words) {
  auto loaded = load_catalog(json::serialize(root));
  ASSERT_FALSE(loaded.ok()) << "expected an error on " << where;
  ASSERT_EQ(loaded.error().fields.size(), 1u);
  EXPECT_EQ(loaded.error().fields[0].field, where);
  EXPECT_NE(loaded.error().fields[0].message.find(words), std::string::npos) << loaded.error().fields[0].message;
}

// --- the embedded data --------------------------------------------------------

TEST(CatalogPublish, EveryPlatformIsSupportedAndMediaPlatformsRequireMedia) {
  for (std::string_view p : {"x", "linkedin", "facebook", "threads", "reddit", "google_business", "bluesky"}) {
    EXPECT_TRUE(publish(p).supported) << p;
    EXPECT_FALSE(publish(p).media_required) << p;
  }
  for (std::string_view p : {"instagram", "tiktok", "youtube", "pinterest"}) {
    EXPECT_TRUE(publish(p).supported) << p;
    EXPECT_TRUE(publish(p).media_required) << p;
  }
}

// Contract §25's media column, platform by platform.
TEST(CatalogPublish, MediaRulesFollowContractSection25) {
  const auto kinds = [](std::string_view p) {
    std::string out;
    for (const auto& k : publish(p).media.kinds) out += (out.empty() ? "" : ",") + k.kind;
    return out;
  };
  EXPECT_EQ(kinds("x"), "image,gif,video");
  EXPECT_EQ(kinds("linkedin"), "image,gif,video,document");
  EXPECT_EQ(kinds("instagram"), "image,video");
  EXPECT_EQ(kinds("tiktok"), "image,video");
  EXPECT_EQ(kinds("youtube"), "video");
  EXPECT_EQ(kinds("facebook"), "image,gif,video");
  EXPECT_EQ(kinds("threads"), "image,video");
  EXPECT_EQ(kinds("pinterest"), "image");
  EXPECT_EQ(kinds("reddit"), "image,gif");
  EXPECT_EQ(kinds("google_business"), "image");
  EXPECT_EQ(kinds("bluesky"), "image");
  // "one item per container (first used)" on X and LinkedIn; counted caps elsewhere.
  EXPECT_TRUE(publish("x").media.ignore_extra_items);
  EXPECT_TRUE(publish("linkedin").media.ignore_extra_items);
  EXPECT_FALSE(publish("threads").media.ignore_extra_items);
  EXPECT_EQ(publish("instagram").media.max_items, 10);
  EXPECT_TRUE(publish("instagram").media.mix_kinds);
  EXPECT_EQ(publish("tiktok").media.max_items, 35);
  EXPECT_FALSE(publish("tiktok").media.mix_kinds);
  EXPECT_EQ(publish("pinterest").media.max_items, 5);
  EXPECT_EQ(publish("bluesky").media.max_items, 4);
  EXPECT_EQ(publish("bluesky").media.find("image")->max_bytes, 1'000'000);
  EXPECT_EQ(publish("google_business").media.max_items, 1);
  // Replies carry media only where replies are posts of their own.
  for (std::string_view p : {"x", "threads", "bluesky"}) EXPECT_TRUE(publish(p).media.replies) << p;
  for (std::string_view p : {"linkedin", "facebook", "instagram", "reddit"}) EXPECT_FALSE(publish(p).media.replies) << p;
}

TEST(CatalogPublish, RepliesFollowContractSection15) {
  for (std::string_view p : {"x", "threads", "bluesky"}) EXPECT_EQ(publish(p).replies, ReplyMode::reply_chain) << p;
  for (std::string_view p : {"linkedin", "facebook", "instagram", "reddit"}) EXPECT_EQ(publish(p).replies, ReplyMode::comments) << p;
  for (std::string_view p : {"tiktok", "youtube", "pinterest", "google_business"})
    EXPECT_EQ(publish(p).replies, ReplyMode::ignored) << p;
}

TEST(CatalogPublish, ConcurrencyIsOneCreatePerAccount) {
  for (const auto& s : builtin_catalog().providers()) {
    EXPECT_EQ(s.publish.per_account_concurrency, 1) << s.platform;
    EXPECT_GE(s.publish.per_app_concurrency, 1) << s.platform;
  }
}

TEST(CatalogPublish, TextLimitsMatchTheContract) {
  const TextLimit* x = limit("x", "content", TextUnit::code_points);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->max, 280u);
  EXPECT_EQ(x->over, OverLimit::reject);
  EXPECT_EQ(x->raised_by, "long_form");
  EXPECT_EQ(x->raised_max, 25000u);

  const TextLimit* graphemes = limit("bluesky", "content", TextUnit::graphemes);
  const TextLimit* bytes = limit("bluesky", "content", TextUnit::utf8_bytes);
  ASSERT_NE(graphemes, nullptr);
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(graphemes->max, 300u);
  EXPECT_EQ(bytes->max, 3000u);
  EXPECT_EQ(graphemes->over, OverLimit::reject);
  EXPECT_EQ(bytes->over, OverLimit::reject);

  struct Row {
    std::string_view platform, field;
    std::size_t max;
    OverLimit over;
    TextUnit unit = TextUnit::code_points;
  };
  for (const Row& r : {Row{"threads", "content", 500, OverLimit::truncate, TextUnit::utf8_bytes},
                       Row{"linkedin", "content", 3000, OverLimit::reject},
                       Row{"instagram", "content", 2200, OverLimit::truncate},
                       Row{"tiktok", "content", 2200, OverLimit::truncate},
                       Row{"youtube", "title", 100, OverLimit::truncate},
                       Row{"youtube", "content", 5000, OverLimit::truncate},
                       Row{"pinterest", "title", 100, OverLimit::reject},
                       Row{"pinterest", "content", 800, OverLimit::reject},
                       Row{"pinterest", "alt_text", 500, OverLimit::reject},
                       Row{"pinterest", "media.alt_text", 500, OverLimit::reject},
                       Row{"reddit", "title", 300, OverLimit::truncate},
                       Row{"reddit", "content", 40000, OverLimit::reject},
                       Row{"google_business", "content", 1500, OverLimit::truncate}}) {
    SCOPED_TRACE(std::string(r.platform) + " " + std::string(r.field));
    const TextLimit* l = limit(r.platform, r.field, r.unit);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->max, r.max);
    EXPECT_EQ(l->over, r.over);
  }
  EXPECT_TRUE(publish("facebook").limits.empty());
}

TEST(CatalogPublish, ConfigSchemasCarryTheContractsNamesAndAliases) {
  EXPECT_EQ(field("x", "long_form").type, ConfigType::boolean);
  EXPECT_EQ(field("x", "long_form").aliases, (std::vector<std::string>{"longForm", "premium"}));
  EXPECT_EQ(field("instagram", "thumb_offset").aliases, (std::vector<std::string>{"thumbOffset"}));
  EXPECT_EQ(field("tiktok", "post_mode").aliases, (std::vector<std::string>{"postMode"}));
  EXPECT_EQ(field("youtube", "thumbnailUrl").aliases, (std::vector<std::string>{"thumbnail_url"}));
  EXPECT_EQ(publish("youtube").config.nested, (std::vector<std::string>{"youtubeConfiguration"}));
  EXPECT_EQ(field("youtube", "tags").type, ConfigType::string_array);
  EXPECT_EQ(field("linkedin", "visibility").allowed, (std::vector<std::string>{"PUBLIC", "CONNECTIONS", "LOGGED_IN"}));
  ASSERT_TRUE(field("linkedin", "organizationUrn").account_ref.has_value());
  EXPECT_EQ(field("linkedin", "organizationId").account_ref->prefix, "urn:li:organization:");
  EXPECT_TRUE(field("reddit", "subreddit").required);
  EXPECT_TRUE(field("pinterest", "board_id").required);
  ASSERT_TRUE(field("tiktok", "privacy_level").required_when.has_value());
  EXPECT_EQ(field("tiktok", "privacy_level").required_when->field, "post_mode");
  EXPECT_EQ(field("tiktok", "post_mode").default_value, json::value("DIRECT_POST"));
  ASSERT_TRUE(field("google_business", "event.title").required_when.has_value());
  EXPECT_EQ(field("google_business", "event.title").required_when->in, (std::vector<std::string>{"EVENT", "OFFER"}));
  EXPECT_EQ(field("google_business", "callToAction.actionType").allowed.size(), 6u);
  EXPECT_EQ(field("google_business", "offer.couponCode").type, ConfigType::string);
  EXPECT_EQ(field("threads", "reply_control").allowed.size(), 3u);
  EXPECT_EQ(field("reddit", "kind").allowed, (std::vector<std::string>{"self", "link", "image"}));
  EXPECT_TRUE(publish("bluesky").config.fields.empty());
  EXPECT_EQ(publish("bluesky").config.forbidden, (std::vector<std::string>{"service", "pds", "serviceUrl"}));
}

TEST(CatalogPublish, EnumNamesRoundTrip) {
  EXPECT_EQ(to_string(TextUnit::code_points), "code_points");
  EXPECT_EQ(to_string(TextUnit::graphemes), "graphemes");
  EXPECT_EQ(to_string(TextUnit::utf8_bytes), "utf8_bytes");
  EXPECT_EQ(to_string(OverLimit::reject), "reject");
  EXPECT_EQ(to_string(OverLimit::truncate), "truncate");
  EXPECT_EQ(to_string(ReplyMode::reply_chain), "reply_chain");
  EXPECT_EQ(to_string(ReplyMode::comments), "comments");
  EXPECT_EQ(to_string(ReplyMode::ignored), "ignored");
  EXPECT_EQ(to_string(ConfigType::string_array), "string_array");
  EXPECT_EQ(to_string(ConfigType::integer), "integer");
}

// --- load errors ----------------------------------------------------------------

TEST(CatalogPublishLoad, MissingPublishIsRefused) {
  auto root = builtin_json();
  for (auto& p : root.at("providers").as_array())
    if (p.at("platform").as_string() == "reddit") p.as_object().erase("publish");
  expect_invalid(root, "reddit.publish", "is required");
}

TEST(CatalogPublishLoad, UnknownKeysAndEnumsAreRefused) {
  {
    auto root = builtin_json();
    publish_json(root, "x")["colour"] = "blue";
    expect_invalid(root, "x.publish.colour", "unknown key");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x")["replies"] = "threaded";
    expect_invalid(root, "x.publish.replies", "must be one of");
  }
  {
    auto root = builtin_json();
    publish_json(root, "bluesky").at("limits").as_array()[0].as_object()["unit"] = "characters";
    expect_invalid(root, "bluesky.publish.limits.0.unit", "must be one of");
  }
  {
    auto root = builtin_json();
    publish_json(root, "threads").at("limits").as_array()[0].as_object()["over"] = "cut";
    expect_invalid(root, "threads.publish.limits.0.over", "must be one of");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("config").at("fields").at("username").as_object()["type"] = "float";
    expect_invalid(root, "x.publish.config.fields.username.type", "must be one of");
  }
  {
    auto root = builtin_json();
    publish_json(root, "reddit").at("config").at("fields").at("nsfw").as_object()["nullable"] = true;
    expect_invalid(root, "reddit.publish.config.fields.nsfw.nullable", "unknown key");
  }
}

TEST(CatalogPublishLoad, MediaRulesMustBeCoherent) {
  {
    auto root = builtin_json();
    publish_json(root, "x").erase("media");
    expect_invalid(root, "x.publish.media", "is required");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("media").at("kinds").as_array()[0].as_object()["kind"] = "hologram";
    expect_invalid(root, "x.publish.media.kinds.0.kind", "must be one of");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("media").at("kinds").as_array()[1].as_object()["kind"] = "image";
    expect_invalid(root, "x.publish.media.kinds.1.kind", "listed twice");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("media").at("kinds").as_array()[0].as_object()["max_bytes"] = 0;
    expect_invalid(root, "x.publish.media.kinds.0.max_bytes", "positive integer");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("media").as_object()["extra_items"] = "keep";
    expect_invalid(root, "x.publish.media.extra_items", "\"reject\" or \"ignore\"");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("media").as_object()["max_items"] = 0;
    expect_invalid(root, "x.publish.media.max_items", "0 exactly when no kind");
  }
  {
    auto root = builtin_json();
    auto& m = publish_json(root, "youtube").at("media").as_object();
    m["kinds"] = json::array{};
    m["max_items"] = 0;
    expect_invalid(root, "youtube.publish.media_required", "needs media kinds");
  }
}

TEST(CatalogPublishLoad, LimitsMustBeCoherent) {
  {
    auto root = builtin_json();
    publish_json(root, "x").at("limits").as_array()[0].as_object()["max"] = 0;
    expect_invalid(root, "x.publish.limits.0.max", "from 1");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("limits").as_array()[0].as_object()["raised_by"] = "username";
    expect_invalid(root, "x.publish.limits.0.raised_by", "boolean field");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("limits").as_array()[0].as_object()["raised_max"] = 200;
    expect_invalid(root, "x.publish.limits.0.raised_max", "larger than max");
  }
  {
    auto root = builtin_json();
    publish_json(root, "reddit").at("limits").as_array()[0].as_object()["field"] = "headline";
    expect_invalid(root, "reddit.publish.limits.0.field", "string field of config");
  }
  {
    auto root = builtin_json();
    publish_json(root, "reddit").at("limits").as_array()[0].as_object()["field"] = "nsfw";
    expect_invalid(root, "reddit.publish.limits.0.field", "string field of config");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x")["per_account_concurrency"] = 0;
    expect_invalid(root, "x.publish.per_account_concurrency", "from 1 to 100");
  }
}

TEST(CatalogPublishLoad, ConfigSchemasMustBeCoherent) {
  {
    auto root = builtin_json();
    publish_json(root, "linkedin").at("config").at("fields").at("visibility").as_object()["default"] = "FRIENDS";
    expect_invalid(root, "linkedin.publish.config.fields.visibility.default", "enum values");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("config").at("fields").at("long_form").as_object()["default"] = "no";
    expect_invalid(root, "x.publish.config.fields.long_form.default", "boolean");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("config").at("fields").at("username").as_object()["aliases"] = json::array{"longForm"};
    expect_invalid(root, "x.publish.config.fields.username.aliases", "spelled twice");
  }
  {
    auto root = builtin_json();
    publish_json(root, "tiktok").at("config").at("fields").at("privacy_level").at("required_when").as_object()["field"] =
        "mode";
    expect_invalid(root, "tiktok.publish.config.fields.privacy_level.required_when.field", "enum");
  }
  {
    auto root = builtin_json();
    publish_json(root, "google_business").at("config").at("fields").at("event").at("fields").at("title")
        .at("required_when").as_object()["in"] = json::array{"EVENT", "PARTY"};
    expect_invalid(root, "google_business.publish.config.fields.event.fields.title.required_when.in", "PARTY");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("config").at("fields").at("username").as_object()["enum"] = json::array{};
    expect_invalid(root, "x.publish.config.fields.username.enum", "must not be empty");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("config").at("fields").at("long_form").as_object()["enum"] = json::array{"yes"};
    expect_invalid(root, "x.publish.config.fields.long_form.enum", "string fields");
  }
  {
    auto root = builtin_json();
    publish_json(root, "bluesky").at("config").as_object()["forbidden"] = json::array{"service", "service"};
    expect_invalid(root, "bluesky.publish.config.forbidden.1", "twice");
  }
  {
    auto root = builtin_json();
    publish_json(root, "x").at("config").at("fields").as_object()["a.b"] = json::object{{"type", "string"}};
    expect_invalid(root, "x.publish.config.fields.a.b", "plain key");
  }
  {
    auto root = builtin_json();
    publish_json(root, "google_business").at("config").at("fields").at("event").as_object().erase("fields");
    expect_invalid(root, "google_business.publish.config.fields.event.fields", "is required");
  }
}

}  // namespace
}  // namespace postfuze::providers
