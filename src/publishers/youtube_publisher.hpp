// YouTube publisher (platforms.md §8, api-contract.md §25.6): container 0's
// one video goes up through the Data API's resumable upload — POST
// /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status with the
// metadata (title from config.title or the content, description = the
// content, tags, categoryId, privacyStatus, selfDeclaredMadeForKids; isShort
// adds #Shorts) and X-Upload-Content-Type/Length, then PUTs of the bytes to
// the session URI (Location) in 256 KiB-aligned Content-Range chunks; 308 means
// "more", the last chunk answers the video resource. The ref is the video id
// and its watch URL. Containers 1+ are not published (no comments surface).
// find() lists the channel's uploads (search forMine) and matches title and
// description. Google errors: quotaExceeded / uploadLimitExceeded are rate
// limits. Stateless; safe from any thread.
#pragma once

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& youtube_publisher();

}  // namespace postfuze::publishers
