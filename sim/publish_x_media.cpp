// X media upload, API v2 (docs.x.com "Media upload" quickstart and
// xdevplatform/samples media_upload_v2.py; the chosen wire format is in
// docs/decisions.md "Media publishing: byte uploads"):
//
//   POST /2/media/upload/initialize  JSON {"media_type","total_bytes","media_category"}
//        → {"data":{"id","media_key","expires_after_secs"}}
//   POST /2/media/upload/{id}/append  multipart: segment_index, media (binary)  → {"data":{"expires_at"}}
//   POST /2/media/upload/{id}/finalize → {"data":{"id","media_key","size","expires_after_secs",
//        "processing_info"?:{"state":"pending","check_after_secs"}}}
//   GET  /2/media/upload?command=STATUS&media_id= → {"data":{"id","media_key","processing_info":{…}}}
//   POST /2/media/metadata JSON {"id","metadata":{"alt_text":{"text"}}}
//
// Strictness: segments must come in order 0, 1, 2… each ≤ 4 MiB, never past
// total_bytes; FINALIZE needs every byte and data that starts like its
// media_type; videos and GIFs process (pending → in_progress → succeeded,
// one step per STATUS read; failed when the bytes are not an MP4/GIF);
// POST /2/tweets takes only finished media of the same user (x_media_ready).
#include <boost/json/parse.hpp>
#include <variant>

#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::int64_t kMaxSegment = 4 * 1024 * 1024;  // APPEND segments ≤ 4 MB (contract §25.2)
constexpr std::int64_t kMaxImage = 5 * 1000 * 1000;
constexpr std::int64_t kMaxGif = 15 * 1000 * 1000;
constexpr std::int64_t kMaxVideo = 512 * 1000 * 1000;
constexpr int kMaxSegments = 1000;  // segment_index 0-999
constexpr int kCheckAfterSecs = 1;
constexpr std::size_t kMaxAltText = 1000;
constexpr std::int64_t kExpiresAfterSecs = 86'400;

http::Response invalid(PublishCall& pc, std::string_view message) {
  return api_error(*pc.call, ApiProblem::invalid_request, message);
}

std::optional<json::object> json_body(PublishCall& pc) {
  if (!pc.req.header(http::bhttp::field::content_type).starts_with("application/json")) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(pc.req.message.body(), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// The category's media kind and size cap; nullopt for categories X does not have.
struct Category {
  std::string_view name;
  std::string_view kind;  // image, gif, video
  std::int64_t max;
};
constexpr Category kCategories[] = {
    {"tweet_image", "image", kMaxImage}, {"tweet_gif", "gif", kMaxGif},       {"tweet_video", "video", kMaxVideo},
    {"amplify_video", "video", kMaxVideo}, {"dm_image", "image", kMaxImage}, {"dm_gif", "gif", kMaxGif},
    {"dm_video", "video", kMaxVideo}};

std::string_view kind_of_type(std::string_view type) {
  if (type == "image/gif") return "gif";
  if (type == "image/jpeg" || type == "image/png" || type == "image/webp" || type == "image/bmp") return "image";
  if (type == "video/mp4" || type == "video/quicktime") return "video";
  return {};
}

std::string media_key(const SimUpload& u) { return (u.kind == "image" ? "3_" : u.kind == "gif" ? "16_" : "7_") + u.id; }

// The upload named by the path, the caller's own, or the refusal.
std::variant<SimUpload, http::Response> owned_upload(PublishCall& pc, std::string_view id) {
  auto u = find_upload(pc.sim, "x", id);
  if (!u || u->owner != pc.actor) return invalid(pc, "media_id " + std::string(id) + " is not a valid media id.");
  return *u;
}

json::object processing_json(const SimUpload& u) {
  json::object p{{"state", u.state == "processing" ? (u.polls == 0 ? "pending" : "in_progress") : u.state}};
  if (u.state == "processing") {
    p["check_after_secs"] = kCheckAfterSecs;
    p["progress_percent"] = u.polls == 0 ? 0 : 50;
  }
  if (u.state == "failed")
    p["error"] = {{"code", 1}, {"name", "InvalidMedia"}, {"message", "Unsupported video format"}};
  if (u.state == "succeeded") p["progress_percent"] = 100;
  return p;
}

}  // namespace

http::Response x_media_initialize(PublishCall& pc) {
  auto body = json_body(pc);
  if (!body) return invalid(pc, "The request body must be a JSON object (application/json).");
  for (const auto& [key, _] : *body)
    if (key != "media_type" && key != "total_bytes" && key != "media_category" && key != "additional_owners" &&
        key != "shared")
      return invalid(pc, "$." + std::string(key) +
                             ": is not defined in the schema and the schema does not allow additional properties");
  const auto* type = body->if_contains("media_type");
  const auto* total = body->if_contains("total_bytes");
  const auto* category = body->if_contains("media_category");
  if (!type || !type->is_string()) return invalid(pc, "$.media_type: is missing but it is required");
  if (!total || !total->is_int64() || total->get_int64() <= 0)
    return invalid(pc, "$.total_bytes: a positive integer is required");
  const std::string_view kind = kind_of_type(type->get_string());
  if (kind.empty()) return invalid(pc, "$.media_type: " + std::string(type->get_string()) + " is not supported");
  const Category* cat = nullptr;
  if (category) {
    if (!category->is_string()) return invalid(pc, "$.media_category: string expected");
    for (const auto& c : kCategories)
      if (c.name == category->get_string()) cat = &c;
    if (!cat) return invalid(pc, "$.media_category: " + std::string(category->get_string()) + " is not a category");
    if (cat->kind != kind)
      return invalid(pc, "media_category " + std::string(cat->name) + " does not take " + std::string(type->get_string()));
  } else if (kind != "image") {
    return invalid(pc, "$.media_category: videos and GIFs need tweet_video / tweet_gif");
  }
  const std::int64_t cap = cat ? cat->max : kMaxImage;
  if (total->get_int64() > cap)
    return invalid(pc, "total_bytes " + std::to_string(total->get_int64()) + " exceeds the " + std::to_string(cap) +
                           " bytes allowed for this media");
  SimUpload u;
  u.platform = "x";
  u.id = std::to_string(1'880'000'000'000'000'000ull + pc.next_id());
  u.owner = pc.actor;
  u.kind = std::string(kind);
  u.content_type = std::string(type->get_string());
  u.declared_size = total->get_int64();
  u.extra["media_category"] = cat ? std::string(cat->name) : std::string("tweet_image");
  u = add_upload(pc.sim, std::move(u));
  return ok_json(json::object{
      {"data", {{"id", u.id}, {"media_key", media_key(u)}, {"expires_after_secs", kExpiresAfterSecs}}}});
}

http::Response x_media_append(PublishCall& pc) {
  auto owned = owned_upload(pc, pc.req.param("id"));
  if (auto* refused = std::get_if<http::Response>(&owned)) return std::move(*refused);
  const SimUpload& u = std::get<SimUpload>(owned);
  auto parts = parse_form_data(pc.req.header(http::bhttp::field::content_type), pc.req.message.body());
  if (!parts) return invalid(pc, "APPEND must be multipart/form-data.");
  const auto* index = form_part(*parts, "segment_index");
  const auto* media = form_part(*parts, "media");
  if (!index) return invalid(pc, "segment_index is required.");
  if (!media) return invalid(pc, "media is required (the segment's raw bytes).");
  int n = -1;
  try {
    n = std::stoi(index->value);
  } catch (...) {
  }
  if (n < 0 || n >= kMaxSegments) return invalid(pc, "segment_index must be an integer 0-999.");
  if (u.state != "uploading") return invalid(pc, "media_id " + u.id + " is already finalized.");
  // Strict: segments in order, none skipped or repeated.
  if (n != static_cast<int>(u.chunks.size()))
    return invalid(pc, "segment_index " + std::to_string(n) + " is out of order: expected " +
                           std::to_string(u.chunks.size()) + ".");
  const auto size = static_cast<std::int64_t>(media->value.size());
  if (size == 0) return invalid(pc, "The segment is empty.");
  if (size > kMaxSegment) return invalid(pc, "A segment must be at most 4 MB; got " + std::to_string(size) + " bytes.");
  if (static_cast<std::int64_t>(u.bytes.size()) + size > u.declared_size)
    return invalid(pc, "The segments exceed total_bytes " + std::to_string(u.declared_size) + ".");
  update_upload(pc.sim, "x", u.id, [&](SimUpload& s) {
    s.bytes += media->value;
    s.chunks.push_back(size);
  });
  const auto expires = std::chrono::duration_cast<std::chrono::seconds>(pc.now().time_since_epoch()).count() +
                       kExpiresAfterSecs;
  return ok_json(json::object{{"data", {{"expires_at", expires}}}});
}

http::Response x_media_finalize(PublishCall& pc) {
  auto owned = owned_upload(pc, pc.req.param("id"));
  if (auto* refused = std::get_if<http::Response>(&owned)) return std::move(*refused);
  SimUpload u = std::get<SimUpload>(owned);
  if (u.state != "uploading") return invalid(pc, "media_id " + u.id + " is already finalized.");
  if (static_cast<std::int64_t>(u.bytes.size()) != u.declared_size)
    return invalid(pc, "FINALIZE before all bytes: received " + std::to_string(u.bytes.size()) + " of total_bytes " +
                           std::to_string(u.declared_size) + ".");
  // An image must be the image it claims; a video that is not one fails in processing.
  const bool plausible = looks_like(u.content_type, u.bytes);
  if (u.kind == "image" && !plausible) return invalid(pc, "The media is not a valid " + u.content_type + " file.");
  u.state = u.kind == "image" ? "succeeded" : "processing";
  update_upload(pc.sim, "x", u.id, [&](SimUpload& s) {
    s.state = u.state;
    if (!plausible) s.extra["fails"] = true;
  });
  json::object data{{"id", u.id},
                    {"media_key", media_key(u)},
                    {"size", u.declared_size},
                    {"expires_after_secs", kExpiresAfterSecs}};
  if (u.kind == "image") {
    json::object image{{"image_type", u.content_type}};
    if (auto px = image_size(u.bytes)) {
      image["w"] = px->width;
      image["h"] = px->height;
    }
    data["image"] = std::move(image);
  } else {
    data["processing_info"] = processing_json(u);
  }
  return ok_json(json::object{{"data", std::move(data)}});
}

http::Response x_media_status(PublishCall& pc) {
  if (pc.query.get("command") != "STATUS") return invalid(pc, "command must be STATUS.");
  const auto id = pc.query.get("media_id");
  if (!id) return invalid(pc, "media_id is required.");
  auto owned = owned_upload(pc, *id);
  if (auto* refused = std::get_if<http::Response>(&owned)) return std::move(*refused);
  SimUpload u = std::get<SimUpload>(owned);
  if (u.state == "uploading") return invalid(pc, "media_id " + u.id + " is not finalized.");
  // Deterministic processing: pending on FINALIZE, in_progress at the first read, done at the second.
  SimUpload shown = u;
  update_upload(pc.sim, "x", u.id, [&](SimUpload& s) {
    if (s.state == "processing" && ++s.polls >= 2) s.state = s.extra.contains("fails") ? "failed" : "succeeded";
    shown = s;
  });
  json::object data{{"id", shown.id}, {"media_key", media_key(shown)}};
  if (shown.kind != "image") data["processing_info"] = processing_json(shown);
  return ok_json(json::object{{"data", std::move(data)}});
}

http::Response x_media_metadata(PublishCall& pc) {
  auto body = json_body(pc);
  if (!body) return invalid(pc, "The request body must be a JSON object (application/json).");
  const auto* id = body->if_contains("id");
  const auto* metadata = body->if_contains("metadata");
  if (!id || !id->is_string()) return invalid(pc, "$.id: is missing but it is required");
  if (!metadata || !metadata->is_object()) return invalid(pc, "$.metadata: is missing but it is required");
  auto owned = owned_upload(pc, id->get_string());
  if (auto* refused = std::get_if<http::Response>(&owned)) return std::move(*refused);
  const SimUpload& u = std::get<SimUpload>(owned);
  if (u.state == "uploading") return invalid(pc, "media_id " + u.id + " is not finalized.");
  const auto* alt = metadata->get_object().if_contains("alt_text");
  const json::value* text = alt && alt->is_object() ? alt->get_object().if_contains("text") : nullptr;
  if (!text || !text->is_string()) return invalid(pc, "$.metadata.alt_text.text: string required");
  std::size_t points = 0;
  for (unsigned char c : text->get_string()) points += (c & 0xC0) != 0x80;
  if (points > kMaxAltText) return invalid(pc, "$.metadata.alt_text.text: at most 1000 characters");
  update_upload(pc.sim, "x", u.id, [&](SimUpload& s) { s.extra["alt_text"] = text->get_string(); });
  return ok_json(json::object{
      {"data", {{"id", u.id}, {"associated_metadata", {{"alt_text", {{"text", text->get_string()}}}}}}}});
}

std::string x_media_ready(PublishCall& pc, const json::value& ids) {
  if (!ids.is_array() || ids.get_array().empty() || ids.get_array().size() > 4)
    return "$.media.media_ids: 1 to 4 media ids are required";
  for (const auto& v : ids.get_array()) {
    if (!v.is_string()) return "$.media.media_ids: strings expected";
    auto u = find_upload(pc.sim, "x", v.get_string());
    if (!u || u->owner != pc.actor) return "Your media IDs are invalid.";
    if (u->state != "succeeded") return "Media " + u->id + " is not ready: its processing has not succeeded.";
  }
  for (const auto& v : ids.get_array())
    update_upload(pc.sim, "x", v.get_string(), [](SimUpload& s) { s.used = true; });
  return {};
}

}  // namespace postfuze::sim::publish
