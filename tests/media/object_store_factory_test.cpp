// POSTFUZE_MEDIA_STORE and the S3 settings: defaults, refusals naming the
// variable, and a secret that never appears in an error.
#include <gtest/gtest.h>

#include "media/object_store_factory.hpp"

namespace postfuze::media {
namespace {

using std::nullopt;

TEST(ObjectStoreSettings, DiskIsTheDefault) {
  auto s = parse_object_store_settings(nullopt, nullopt, nullopt, nullopt, nullopt);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, "disk");
  EXPECT_EQ(parse_object_store_settings(std::string("disk"), nullopt, nullopt, nullopt, nullopt)->kind, "disk");
}

TEST(ObjectStoreSettings, S3TakesItsBucketAndDefaultsRegionAndEndpoint) {
  auto s = parse_object_store_settings(std::string("s3://media-bucket"), nullopt, nullopt, std::string("AKID"),
                                       std::string("SECRET"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, "s3");
  EXPECT_EQ(s->s3.bucket, "media-bucket");
  EXPECT_EQ(s->credentials.region, "us-east-1");
  EXPECT_EQ(s->s3.endpoint, "https://s3.us-east-1.amazonaws.com");
  s = parse_object_store_settings(std::string("s3://media-bucket"), std::string("http://127.0.0.1:4569/"),
                                  std::string("eu-west-3"), std::string("AKID"), std::string("SECRET"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->s3.endpoint, "http://127.0.0.1:4569");
  EXPECT_EQ(s->credentials.region, "eu-west-3");
  EXPECT_EQ(s->credentials.secret_access_key.reveal(), "SECRET");
}

TEST(ObjectStoreSettings, BadValuesNameTheirVariable) {
  auto err = [](auto r) { return r.error().detail; };
  EXPECT_TRUE(err(parse_object_store_settings(std::string("ftp://x"), nullopt, nullopt, nullopt, nullopt))
                  .starts_with("POSTFUZE_MEDIA_STORE:"));
  EXPECT_TRUE(err(parse_object_store_settings(std::string("s3://No_Caps"), nullopt, nullopt, nullopt, nullopt))
                  .starts_with("POSTFUZE_MEDIA_STORE:"));
  EXPECT_TRUE(err(parse_object_store_settings(std::string("s3://bucket"), std::string("s3.example.com"), nullopt,
                                              std::string("a"), std::string("b")))
                  .starts_with("POSTFUZE_S3_ENDPOINT:"));
  EXPECT_TRUE(err(parse_object_store_settings(std::string("s3://bucket"), nullopt, nullopt, nullopt,
                                              std::string("b")))
                  .starts_with("POSTFUZE_S3_ACCESS_KEY_ID:"));
  const std::string detail = err(
      parse_object_store_settings(std::string("s3://bucket"), nullopt, nullopt, std::string("a"), std::string("")));
  EXPECT_TRUE(detail.starts_with("POSTFUZE_S3_SECRET_ACCESS_KEY:"));
  const std::string secret = "wJalrXUtnFEMI-very-secret";
  const std::string other = err(parse_object_store_settings(std::string("s3://bucket"), std::string("nope"), nullopt,
                                                            std::string("a"), secret));
  EXPECT_EQ(other.find(secret), std::string::npos);
}

}  // namespace
}  // namespace postfuze::media
