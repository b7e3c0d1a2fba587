// LinkedIn publisher (platforms.md §6, api-contract.md §25.3): the root post
// through the versioned Posts API (POST /rest/posts, 201 with the new URN in
// `x-restli-id`), containers 1+ as comments on it
// (POST /rest/socialActions/{urn}/comments), and find() through the
// by-author finder and the comment list. The root post's first media item is
// uploaded first: an image through the Images API (initializeUpload, PUT to
// uploadUrl) with its altText, a video through the Videos API (initializeUpload
// with fileSizeBytes, a PUT per ~4 MiB part collecting ETags, finalizeUpload);
// the post names it in content.media. Stateless; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& linkedin_publisher();

// `text` in LinkedIn's "little text" format: the characters it reads as markup
// (\ | { } @ [ ] ( ) < > # * _ ~) backslash-escaped, as Postiz does (§6).
std::string linkedin_little_text(std::string_view text);

}  // namespace postfuze::publishers
