#include "media/media_json.hpp"

#include "core/json_values.hpp"
#include "core/time_format.hpp"

namespace postfuze::media {

namespace json = boost::json;

namespace {

json::value integer_or_null(const std::optional<std::int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

json::value integer_or_null(const std::optional<int>& v) {
  if (!v) return nullptr;
  return *v;
}

// Whether the stored bytes are the asset's: a URL to them is worth giving.
bool confirmed(const Media& m) { return m.status == kUploaded || m.status == kProcessing || m.status == kReady; }

json::value signed_url(const ObjectStore& objects, std::string_view key, core::TimePoint expires_at) {
  auto r = objects.presign_get(key, expires_at);
  if (!r) return nullptr;
  return json::string(r->url);
}

// The thumbnail the asset has, or — for a ready image or GIF measured before
// thumbnails were recorded — the image itself.
std::optional<Thumbnail> thumbnail_of(const Media& m) {
  if (m.thumbnail) return m.thumbnail;
  if (m.status == kReady && (m.kind == kImage || m.kind == kGif) && m.width && m.height)
    return Thumbnail{m.object_key, *m.width, *m.height, std::nullopt, "original"};
  return std::nullopt;
}

}  // namespace

json::object to_json(const Media& m, const ObjectStore& objects, core::TimePoint now) {
  const auto expires_at = now + kMediaUrlLifetime;
  json::value url = confirmed(m) ? signed_url(objects, m.object_key, expires_at) : json::value(nullptr);
  json::value thumbnail_url = nullptr, thumbnail = nullptr;
  if (confirmed(m))
    if (auto t = thumbnail_of(m)) {
      thumbnail_url = t->object_key == m.object_key ? url : signed_url(objects, t->object_key, expires_at);
      thumbnail = json::object{{"url", thumbnail_url},
                               {"width", t->width},
                               {"height", t->height},
                               {"frame_time_ms", integer_or_null(t->frame_time_ms)},
                               {"source", t->source}};
    }
  json::object out{{"id", m.id},
                   {"kind", m.kind},
                   {"filename", m.filename},
                   {"content_type", m.content_type},
                   {"size", integer_or_null(m.size)},
                   {"status", m.status},
                   {"width", integer_or_null(m.width)},
                   {"height", integer_or_null(m.height)},
                   {"duration_ms", integer_or_null(m.duration_ms)},
                   {"created_at", core::format_timestamp(m.created_at)},
                   {"purge_at", core::format_timestamp(m.purge_at)},
                   {"url", std::move(url)},
                   {"thumbnail_url", std::move(thumbnail_url)},
                   {"thumbnail", std::move(thumbnail)}};
  if (m.status == kFailed && m.failure)
    out["failure"] = json::object{{"code", m.failure->code}, {"message", m.failure->message}};
  return out;
}

}  // namespace postfuze::media
