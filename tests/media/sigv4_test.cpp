// SigV4 against the example values published in the Amazon S3 API reference
// (access key AKIAIOSFODNN7EXAMPLE, bucket examplebucket, 2013-05-24): if
// these match, the canonical request, string to sign and key derivation are
// right independently of any S3 implementation we test against.
#include <gtest/gtest.h>

#include <boost/url/parse.hpp>

#include "media/sigv4.hpp"

namespace postfuze::media {
namespace {

S3Credentials example_credentials() {
  return {"AKIAIOSFODNN7EXAMPLE", core::Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "us-east-1"};
}

core::TimePoint may_24_2013() { return core::from_unix_ms(1369353600000); }  // 2013-05-24T00:00:00Z

// "Using Query Parameters": GET test.txt, valid 86400 s.
TEST(SigV4, PresignedGetMatchesThePublishedExample) {
  const auto url = boost::urls::parse_absolute_uri("https://examplebucket.s3.amazonaws.com/test.txt").value();
  const std::string signed_url = sigv4_presign(example_credentials(), "GET", url, {}, may_24_2013(), std::chrono::seconds(86400));
  EXPECT_NE(signed_url.find("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
            std::string::npos)
      << signed_url;
  EXPECT_NE(signed_url.find("X-Amz-Date=20130524T000000Z"), std::string::npos);
  EXPECT_NE(signed_url.find("X-Amz-Expires=86400"), std::string::npos);
  EXPECT_NE(signed_url.find("X-Amz-SignedHeaders=host"), std::string::npos);
  EXPECT_EQ(signed_url.find("wJalrXUtnFEMI"), std::string::npos);
}

// "Using the Authorization Header", GET Object with Range: bytes=0-9.
TEST(SigV4, HeaderSignedGetMatchesThePublishedExample) {
  const auto url = boost::urls::parse_absolute_uri("https://examplebucket.s3.amazonaws.com/test.txt").value();
  const auto headers = sigv4_sign_headers(example_credentials(), "GET", url, {{"Range", "bytes=0-9"}},
                                          kEmptyPayloadSha256, may_24_2013());
  std::string authorization;
  for (const auto& [k, v] : headers)
    if (k == "Authorization") authorization = v;
  EXPECT_EQ(authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, ChangingAnySignedInputChangesTheSignature) {
  const auto url = boost::urls::parse_absolute_uri("http://127.0.0.1:4569/bucket/a/b").value();
  auto sig = [&](std::string_view method, const HeaderList& h, std::int64_t plus_ms) {
    const std::string u = sigv4_presign(example_credentials(), method, url, h,
                                        core::from_unix_ms(1369353600000 + plus_ms), std::chrono::seconds(900));
    return u.substr(u.find("X-Amz-Signature="));
  };
  const auto base = sig("PUT", {{"Content-Type", "image/png"}}, 0);
  EXPECT_NE(base, sig("GET", {{"Content-Type", "image/png"}}, 0));
  EXPECT_NE(base, sig("PUT", {{"Content-Type", "image/jpeg"}}, 0));
  EXPECT_NE(base, sig("PUT", {{"Content-Type", "image/png"}}, 1000));
  EXPECT_EQ(base, sig("PUT", {{"content-type", "  image/png "}}, 0));  // names fold, values trim
}

TEST(SigV4, UriEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(sigv4_uri_encode("a b/c~d*e", false), "a%20b%2Fc~d%2Ae");
  EXPECT_EQ(sigv4_uri_encode("org/med_1/original.jpg", true), "org/med_1/original.jpg");
}

}  // namespace
}  // namespace postfuze::media
