// UrlMediaTest: BusinessPublisherTest plus a MediaFileServer playing the
// object store's public URLs, for the publishers of platforms that download
// media by URL. Media items are real files made with ffmpeg
// (support/media_samples.hpp); what the simulator fetched (size, SHA-256)
// is compared with what was served.
#pragma once

#include <string>
#include <vector>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "publishers/business_publisher_fixture.hpp"
#include "support/media_file_server.hpp"
#include "support/media_samples.hpp"

namespace postfuze::test {

class UrlMediaTest : public BusinessPublisherTest {
 protected:
  // Serves `bytes` at /media/{name} and returns the MediaItem the engine would hand over.
  publishers::MediaItem media(const std::string& name, const std::string& bytes, const std::string& content_type) {
    publishers::MediaItem m;
    m.id = "med_" + name;
    m.kind = content_type.starts_with("video/") ? "video" : "image";
    m.content_type = content_type;
    m.size = static_cast<std::int64_t>(bytes.size());
    m.url = files_.add("/media/" + name, bytes, content_type);
    m.object_key = "org/" + name;
    return m;
  }
  publishers::MediaItem jpeg(const std::string& name, int width = 320, int height = 240) {
    return media(name, sample_jpeg(width, height), "image/jpeg");
  }
  publishers::MediaItem mp4(const std::string& name, int seconds = 1) {
    return media(name, sample_mp4(seconds), "video/mp4");
  }

  static publishers::PublishItem with_media(std::string text, std::vector<publishers::MediaItem> media) {
    publishers::PublishItem item{0, std::move(text), std::nullopt, std::nullopt};
    item.media = std::move(media);
    return item;
  }

  static std::string sha256_hex(const std::string& bytes) { return crypto::hex_encode(crypto::sha256(bytes)); }

  // `fetched` (media_fetch.hpp's json) is exactly the file served for `item`.
  static void expect_fetched(const boost::json::value& fetched, const publishers::MediaItem& item,
                             const std::string& bytes) {
    EXPECT_EQ(fetched.at("url").as_string(), item.url);
    EXPECT_EQ(fetched.at("status").as_int64(), 200);
    EXPECT_EQ(fetched.at("content_type").as_string(), item.content_type);
    EXPECT_EQ(fetched.at("size").as_int64(), static_cast<std::int64_t>(bytes.size()));
    EXPECT_EQ(fetched.at("sha256").as_string(), sha256_hex(bytes));
    EXPECT_TRUE(fetched.at("decodable").as_bool());
  }

  // The one stored post of `platform` with this id.
  boost::json::object stored(const std::string& platform, const std::string& id) {
    for (const auto& p : posts(platform))
      if (p.at("id").as_string() == id) return p.as_object();
    ADD_FAILURE() << "no " << platform << " post " << id;
    return {};
  }

  MediaFileServer files_;
};

}  // namespace postfuze::test
