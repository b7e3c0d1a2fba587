// The media object of the API (contract §19; docs/media.md): how an asset is
// rendered in every response. `url` and the thumbnail's URL are presigned GET
// URLs from the object store, minted per response and valid for
// kMediaUrlLifetime — a client keeps the id, not the URL. Pure function of
// its inputs; safe to call from any thread.
#pragma once

#include <chrono>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "media/media.hpp"
#include "media/object_store.hpp"

namespace postfuze::media {

// How long a `url` / `thumbnail_url` in a response stays usable (24 h): long
// enough for a platform to fetch a scheduled post's media soon after reading
// it, short enough that a leaked URL dies. Read the asset again for a fresh one.
inline constexpr std::chrono::hours kMediaUrlLifetime{24};

// {id, kind, filename, content_type, size, status, width, height,
// duration_ms, created_at, purge_at, url, thumbnail_url, thumbnail} plus
// `failure` {code, message} when the asset failed. `url` is null until the
// bytes are confirmed (uploaded, processing, ready); `thumbnail` and
// `thumbnail_url` are null until a thumbnail exists (a ready image or GIF is
// its own, source "original"). A URL the store cannot sign renders as null.
boost::json::object to_json(const Media& m, const ObjectStore& objects, core::TimePoint now);

}  // namespace postfuze::media
