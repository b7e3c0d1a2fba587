// SimUpload: one media upload a platform received (X media id, LinkedIn
// image/video URN, Bluesky blob, Reddit asset, YouTube upload session,
// TikTok publish id), kept in SimState so GET /_sim/media can show tests
// what arrived: the bytes' size and SHA-256, the chunks in order, and the
// platform's extras (alt text, ETags, aspect ratio…). Plain data; SimState
// guards it (media_uploads.hpp has the helpers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"

namespace postfuze::sim {

struct SimUpload {
  std::string platform;
  std::string id;            // the platform's id for the media (or the upload session)
  std::string owner;         // who started it (user id or DID)
  std::string kind;          // image, video, gif, photo_url
  std::string content_type;  // as declared
  std::int64_t declared_size = -1;  // bytes announced before the upload; -1: none
  std::string bytes;                // what arrived so far, in order
  std::vector<std::int64_t> chunks;  // sizes of the accepted chunks, in order
  // uploading → uploaded (all bytes, not finalized) → processing → succeeded | failed
  std::string state = "uploading";
  int polls = 0;       // status reads since processing started
  bool used = false;   // attached to a post
  boost::json::object extra;
  core::TimePoint created;
  std::uint64_t seq = 0;  // arrival order
};

}  // namespace postfuze::sim
