// Publish builders for media the platform takes as BYTES (media_uploads.hpp
// keeps what arrived): X's chunked media upload (publish_x_media.cpp),
// LinkedIn's images and videos (publish_linkedin_media.cpp), Reddit's media
// asset lease (publish_reddit_media.cpp), YouTube's resumable upload
// (publish_youtube.cpp) and TikTok's direct post (publish_tiktok.cpp).
// Bluesky's uploadBlob is in publish_bluesky.cpp. Rows in
// publish_routes.cpp; wire facts in sim/README.md ("Publishing media as bytes").
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <boost/json/value.hpp>

#include "sim/publish_routes.hpp"
#include "sim/sim_upload.hpp"

namespace postfuze::sim::publish {

// X API v2 media (below /x/api)
http::Response x_media_initialize(PublishCall& pc);  // POST /2/media/upload/initialize
http::Response x_media_append(PublishCall& pc);      // POST /2/media/upload/{id}/append
http::Response x_media_finalize(PublishCall& pc);    // POST /2/media/upload/{id}/finalize
http::Response x_media_status(PublishCall& pc);      // GET /2/media/upload?command=STATUS&media_id=
http::Response x_media_metadata(PublishCall& pc);    // POST /2/media/metadata
// For POST /2/tweets: "" when every id of media.media_ids is the caller's
// finished media (then marked used), else the problem to answer.
std::string x_media_ready(PublishCall& pc, const boost::json::value& media_ids);

// LinkedIn Images and Videos APIs (below /linkedin/api; in publish_linkedin.cpp)
http::Response linkedin_images(PublishCall& pc);      // POST /rest/images?action=initializeUpload
http::Response linkedin_videos(PublishCall& pc);      // POST /rest/videos?action=initializeUpload|finalizeUpload
http::Response linkedin_upload_put(PublishCall& pc);  // PUT /dms-uploads/{key} (the uploadUrl the API handed out)

// Reddit's media-asset lease (below /reddit/api; publish_reddit_media.cpp)
http::Response reddit_media_asset(PublishCall& pc);   // POST /api/media/asset.json
http::Response reddit_media_upload(PublishCall& pc);  // POST /reddit-media (the lease's action; no bearer)
// For POST /api/submit kind=image: the caller's completed upload that `url`
// names (then marked used), else the problem to answer.
std::variant<SimUpload, std::string> reddit_uploaded_image(PublishCall& pc, std::string_view url);

// YouTube Data API v3 (below /youtube/api; publish_youtube.cpp)
http::Response youtube_start_upload(PublishCall& pc);  // POST /upload/youtube/v3/videos?uploadType=resumable
http::Response youtube_upload_bytes(PublishCall& pc);  // PUT /upload/youtube/v3/videos?upload_id= (the Location)
http::Response youtube_search(PublishCall& pc);        // GET /youtube/v3/search?forMine=true&type=video

// TikTok Content Posting API v2 (below /tiktok/api; publish_tiktok.cpp)
http::Response tiktok_creator_info(PublishCall& pc);  // POST /post/publish/creator_info/query/
http::Response tiktok_video_init(PublishCall& pc);    // POST /post/publish/video/init/ (FILE_UPLOAD)
http::Response tiktok_upload_chunk(PublishCall& pc);  // PUT /upload/video/?upload_id=&upload_token= (no bearer)
boost::asio::awaitable<http::Response> tiktok_photo_init(PublishCall& pc);  // POST /post/publish/content/init/
http::Response tiktok_status(PublishCall& pc);        // POST /post/publish/status/fetch/

}  // namespace postfuze::sim::publish
