// MediaPublisherTest: BusinessPublisherTest plus what the byte-upload media
// tests share — a MemoryMedia reader for the items, fast processing polls
// (UploadTuning::poll_unit 1 ms, restored afterwards), the simulator's record
// of what arrived (GET /_sim/media) and deterministic filler to make files
// large enough for several chunks.
#pragma once

#include <string>
#include <vector>

#include "publishers/business_publisher_fixture.hpp"
#include "publishers/chunked_upload.hpp"
#include "support/media_samples.hpp"
#include "support/memory_media.hpp"

namespace postfuze::test {

class MediaPublisherTest : public BusinessPublisherTest {
 protected:
  MediaPublisherTest() : saved_(publishers::upload_tuning()) {
    publishers::upload_tuning().poll_unit = std::chrono::milliseconds(1);
  }
  ~MediaPublisherTest() override { publishers::upload_tuning() = saved_; }

  // What the simulator received for `platform`, oldest first.
  boost::json::array uploads(const std::string& platform) const {
    const auto r = http_request(sim_.port(), boost::beast::http::verb::get, "/_sim/media?platform=" + platform);
    return r.json().as_array();
  }

  static publishers::PublishItem with_media(publishers::PublishItem item, std::vector<publishers::MediaItem> media) {
    item.media = std::move(media);
    return item;
  }

  // `bytes` followed by deterministic filler up to `size` bytes (the
  // simulator checks a file's leading signature, not its whole structure).
  static std::string padded(std::string bytes, std::size_t size) {
    std::uint32_t x = 2463534242u;
    while (bytes.size() < size) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      bytes.push_back(static_cast<char>(x & 0xFF));
    }
    return bytes;
  }

  MemoryMedia media_;
  publishers::UploadTuning saved_;
};

}  // namespace postfuze::test
