// Media download as the platforms that take media by URL do it (Facebook
// /photos and /videos, Instagram and Threads containers, Pinterest pins,
// Google Business localPosts): the simulator really GETs the URL — loopback
// and private addresses allowed, this is test tooling — and checks what a
// platform's fetcher checks: a 200, a Content-Type of the expected kind
// (image/* or video/*), and a body exactly as long as its Content-Length.
// Then it looks at the bytes: a whole JPEG, PNG, GIF or MP4 (top-level
// boxes that add up, with moov and mdat) is decodable; anything else is a
// file the platform cannot process. Builders store FetchedMedia::json() with
// what they create, so tests compare size and SHA-256 with what they served.
//
// A coroutine on the caller's executor; no shared state: thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

namespace postfuze::sim {

enum class MediaExpect { image, video, any };

struct FetchedMedia {
  std::string url;
  bool fetched = false;     // 200, the expected kind of Content-Type, the whole body
  bool decodable = false;   // the bytes are a complete image or video
  int status = 0;           // the media server's answer; 0 when none came
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;       // lowercase hex of the body
  std::string problem;      // why it is not fetched or not decodable; "" when both hold

  bool video() const { return content_type.starts_with("video/"); }
  // {"url","status","content_type","size","sha256","decodable"}
  boost::json::object json() const;
};

boost::asio::awaitable<FetchedMedia> fetch_media(std::string url, MediaExpect expect);

}  // namespace postfuze::sim
