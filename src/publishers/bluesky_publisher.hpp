// Bluesky publisher (platforms.md §14, api-contract.md §25.12): each item is
// com.atproto.repo.createRecord of an app.bsky.feed.post at the account's PDS
// (platform_data["pds"]), with rich-text facets for links, @mentions
// (resolved to DIDs through com.atproto.identity.resolveHandle at that PDS;
// an unresolvable mention stays plain text) and #tags, indexed in UTF-8 bytes.
// Containers 1+ reply with {root, parent} strong refs taken from the earlier
// refs' extra {"uri","cid"}. Up to 4 images of the container go first as
// blobs (com.atproto.repo.uploadBlob, raw bytes with their exact type; over
// 1,000,000 bytes is media_too_large) and are embedded as
// app.bsky.embed.images with alt text and aspectRatio. find() reads
// com.atproto.repo.listRecords.
// XRPC ExpiredToken / InvalidToken / AuthMissing mean the session. Stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

const Publisher& bluesky_publisher();

// A facet candidate found in the text: [start, end) in UTF-8 bytes.
struct FacetSpan {
  enum class Kind { link, mention, tag } kind;
  std::size_t start = 0;
  std::size_t end = 0;
  std::string value;  // the URL, the handle (without '@'), or the tag (without '#')
};

// Links (http/https), @handle mentions (a handle has a dot) and #tags in
// `text`, in order, not overlapping. Pure; exposed for tests.
std::vector<FacetSpan> detect_facets(std::string_view text);

}  // namespace postfuze::publishers
