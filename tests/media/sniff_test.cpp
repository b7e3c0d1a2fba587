// sniff_content_type: the type comes from the bytes (libmagic), spelled the
// way media_types.hpp spells it, whatever the file claims to be.
#include <gtest/gtest.h>

#include "media/media_types.hpp"
#include "media/sniff.hpp"
#include "support/media_samples.hpp"

namespace postfuze::media {
namespace {

std::string head(const std::string& bytes) { return bytes.substr(0, kSniffBytes); }

TEST(Sniff, RecognisesTheSampleImagesAndVideos) {
  EXPECT_EQ(sniff_content_type(head(test::sample_jpeg())), "image/jpeg");
  EXPECT_EQ(sniff_content_type(head(test::sample_png())), "image/png");
  EXPECT_EQ(sniff_content_type(head(test::sample_gif())), "image/gif");
  EXPECT_EQ(sniff_content_type(head(test::sample_mp4())), "video/mp4");
}

TEST(Sniff, KindsFollowFromTheSniffedType) {
  EXPECT_EQ(kind_for(sniff_content_type(head(test::sample_gif()))), "gif");
  EXPECT_EQ(kind_for(sniff_content_type(head(test::sample_png()))), "image");
  EXPECT_EQ(kind_for(sniff_content_type(head(test::sample_mp4()))), "video");
}

TEST(Sniff, ACorruptMp4StillSniffsAsMp4) {
  // Sniffing reads the header only; the worker's decoding finds the damage.
  EXPECT_EQ(sniff_content_type(head(test::corrupt_mp4())), "video/mp4");
}

TEST(Sniff, TextAndUnknownBytesAreNotAllowedTypes) {
  const std::string text = sniff_content_type("just some words, not an image at all\n");
  EXPECT_EQ(text, "text/plain");
  EXPECT_FALSE(kind_for(text));
  EXPECT_EQ(sniff_content_type(""), "application/octet-stream");
  EXPECT_FALSE(kind_for(sniff_content_type(std::string("\x01\x02\x03\x04\xfe\xff\x00\x10", 8))));
}

TEST(Sniff, APdfIsADocument) {
  const std::string pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
  EXPECT_EQ(sniff_content_type(pdf), "application/pdf");
  EXPECT_EQ(kind_for("application/pdf"), "document");
}

}  // namespace
}  // namespace postfuze::media
