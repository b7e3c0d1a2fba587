// YouTube Data API v3 uploads (platforms.md §8; developers.google.com
// "Resumable uploads" and videos.insert), below /youtube/api (the base that
// stands for https://www.googleapis.com):
//
//   POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status
//        X-Upload-Content-Type: video/*, X-Upload-Content-Length: N, JSON {snippet, status}
//        → 200, Location: …/upload/youtube/v3/videos?uploadType=resumable&upload_id=…
//   PUT  {Location}  the bytes, whole or in Content-Range chunks:
//        every chunk but the last a multiple of 256 KiB, starting where the
//        last one ended; 308 + Range: bytes=0-N until the last → 200 video resource
//   GET  /youtube/v3/search?forMine=true&type=video&part=snippet → the channel's uploads, newest first
//
// The session belongs to the login that opened it; the video is stored as a
// post (author = the login's first channel, text = description).
#include <boost/json/parse.hpp>

#include "core/time_format.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_upload_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::int64_t kChunkQuantum = 256 * 1024;  // resumable chunks: multiples of 256 KiB
constexpr std::int64_t kMaxVideoBytes = 256LL * 1024 * 1024 * 1024;
constexpr std::size_t kMaxTitle = 100;         // characters
constexpr std::size_t kMaxDescription = 5000;  // bytes
constexpr std::string_view kPrivacy[] = {"public", "private", "unlisted"};

http::Response google_error(PublishCall& pc, int code, std::string_view reason, std::string_view message) {
  pc.rejected();
  return http::json_response(
      static_cast<status>(code),
      json::object{{"error",
                    {{"code", code},
                     {"message", message},
                     {"errors", json::array{json::object{{"domain", "youtube.video"}, {"reason", reason}, {"message", message}}}}}}});
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string channel_of(const PublishCall& pc) { return derived_id(pc.user(), "channel", 1); }

json::object video_json(const SimPost& p) {
  return json::object{{"kind", "youtube#video"},
                      {"etag", "sim-" + p.id},
                      {"id", p.id},
                      {"snippet", p.extra.at("snippet")},
                      {"status", p.extra.at("status")}};
}

// The checked metadata of videos.insert; "" or the problem.
std::string check_metadata(const json::object& in, json::object& snippet, json::object& st) {
  for (const auto& [key, _] : in)
    if (key != "snippet" && key != "status") return "Unsupported part " + std::string(key) + " in the body";
  const auto* s = in.if_contains("snippet");
  if (!s || !s->is_object()) return "snippet is required";
  snippet = s->get_object();
  const auto* title = snippet.if_contains("title");
  if (!title || !title->is_string() || title->get_string().empty()) return "invalidTitle: the title is required";
  if (code_points(title->get_string()) > kMaxTitle) return "invalidTitle: the title is longer than 100 characters";
  if (std::string_view(title->get_string()).find_first_of("<>") != std::string_view::npos)
    return "invalidTitle: the title may not contain < or >";
  if (const auto* d = snippet.if_contains("description")) {
    if (!d->is_string() || d->get_string().size() > kMaxDescription)
      return "invalidDescription: at most 5000 bytes";
    if (std::string_view(d->get_string()).find_first_of("<>") != std::string_view::npos)
      return "invalidDescription: the description may not contain < or >";
  }
  if (const auto* t = snippet.if_contains("tags"); t && !t->is_array()) return "invalidTags: tags is a list";
  if (const auto* c = snippet.if_contains("categoryId"); c && !c->is_string()) return "invalidCategoryId";
  const auto* stv = in.if_contains("status");
  if (stv && !stv->is_object()) return "status must be an object";
  st = stv ? stv->get_object() : json::object{};
  if (const auto* p = st.if_contains("privacyStatus")) {
    bool known = false;
    for (auto v : kPrivacy) known = known || (p->is_string() && p->get_string() == v);
    if (!known) return "invalidPrivacyStatus";
  } else {
    st["privacyStatus"] = "public";
  }
  if (const auto* k = st.if_contains("selfDeclaredMadeForKids"); k && !k->is_bool())
    return "selfDeclaredMadeForKids is a boolean";
  return {};
}

}  // namespace

http::Response youtube_start_upload(PublishCall& pc) {
  if (pc.query.get("uploadType") != "resumable")
    return google_error(pc, 400, "invalidUploadType", "The simulator supports uploadType=resumable only.");
  const auto part = pc.query.get("part").value_or("");
  if (part.find("snippet") == std::string_view::npos)
    return google_error(pc, 400, "invalidPart", "part must include snippet (and status for privacy).");
  const std::string type(pc.req.header("X-Upload-Content-Type"));
  if (!type.starts_with("video/"))
    return google_error(pc, 400, "invalidContentType", "X-Upload-Content-Type must be a video type.");
  std::int64_t length = -1;
  try {
    length = std::stoll(std::string(pc.req.header("X-Upload-Content-Length")));
  } catch (...) {
  }
  if (length <= 0 || length > kMaxVideoBytes)
    return google_error(pc, 400, "invalidContentLength", "X-Upload-Content-Length must be the file's size in bytes.");
  if (!pc.req.header(http::bhttp::field::content_type).starts_with("application/json"))
    return google_error(pc, 400, "invalidMetadata", "The metadata must be application/json.");
  boost::system::error_code ec;
  json::value body = json::parse(pc.req.message.body(), ec);
  if (ec || !body.is_object()) return google_error(pc, 400, "parseError", "The metadata is not a JSON object.");
  json::object snippet, st;
  if (auto problem = check_metadata(body.get_object(), snippet, st); !problem.empty())
    return google_error(pc, 400, problem.substr(0, problem.find(':')), problem);

  SimUpload u;
  u.platform = "youtube";
  u.id = "upl-" + std::to_string(pc.next_id()) + "-" + pc.sim.mint("youtube", "upload").substr(0, 12);
  u.owner = pc.actor;
  u.kind = "video";
  u.content_type = type;
  u.declared_size = length;
  u.extra["snippet"] = snippet;
  u.extra["status"] = st;
  u = add_upload(pc.sim, std::move(u));
  http::Response res = http::empty_response(status::ok);
  res.set(http::bhttp::field::location,
          pc.sim.base_url + "/youtube/api/upload/youtube/v3/videos?uploadType=resumable&upload_id=" + u.id);
  return res;
}

http::Response youtube_upload_bytes(PublishCall& pc) {
  const auto id = pc.query.get("upload_id");
  if (!id) return google_error(pc, 400, "invalidUploadId", "upload_id is required.");
  auto u = find_upload(pc.sim, "youtube", *id);
  if (!u || u->owner != pc.actor) return google_error(pc, 404, "notFound", "No upload session " + std::string(*id) + ".");
  if (u->state != "uploading") return google_error(pc, 400, "uploadComplete", "This upload session is complete.");
  if (pc.req.header(http::bhttp::field::content_type) != u->content_type)
    return google_error(pc, 400, "invalidContentType", "The bytes must be sent as " + u->content_type + ".");
  const std::string& data = pc.req.message.body();
  const auto received = static_cast<std::int64_t>(u->bytes.size());
  ContentRange range{0, static_cast<std::int64_t>(data.size()) - 1, static_cast<std::int64_t>(data.size())};
  if (auto header = pc.req.header(http::bhttp::field::content_range); !header.empty()) {
    auto parsed = parse_content_range(header);
    if (!parsed) return google_error(pc, 400, "invalidContentRange", "Content-Range must be bytes first-last/total.");
    range = *parsed;
  }
  if (range.total != u->declared_size)
    return google_error(pc, 400, "invalidContentRange", "The total must be X-Upload-Content-Length (" +
                                                            std::to_string(u->declared_size) + ").");
  if (range.first != received)
    return google_error(pc, 400, "invalidContentRange", "The chunk must start at byte " + std::to_string(received) + ".");
  if (range.last - range.first + 1 != static_cast<std::int64_t>(data.size()))
    return google_error(pc, 400, "invalidContentRange", "The body's length does not match its Content-Range.");
  const bool last = range.last + 1 == range.total;
  if (!last && data.size() % kChunkQuantum != 0)
    return google_error(pc, 400, "invalidChunkSize", "Every chunk but the last must be a multiple of 256 KiB.");
  update_upload(pc.sim, "youtube", u->id, [&](SimUpload& s) {
    s.bytes += data;
    s.chunks.push_back(static_cast<std::int64_t>(data.size()));
  });
  if (!last) {
    http::Response res = http::empty_response(status::permanent_redirect);  // 308 Resume Incomplete
    res.set(http::bhttp::field::range, "bytes=0-" + std::to_string(range.last));
    return res;
  }
  const std::string all = u->bytes + data;
  if (!looks_like("video/mp4", all)) {
    update_upload(pc.sim, "youtube", u->id, [](SimUpload& s) { s.state = "failed"; });
    return google_error(pc, 400, "invalidVideo", "The uploaded file is not a video YouTube can process.");
  }
  json::object snippet = u->extra.at("snippet").as_object();
  snippet["channelId"] = channel_of(pc);
  snippet["publishedAt"] = core::format_timestamp(pc.now());
  json::object st = u->extra.at("status").as_object();
  st["uploadStatus"] = "uploaded";
  const std::string video_id = "vid" + std::to_string(10'000'000 + pc.next_id());
  SimPost post = pc.store(SimPost{.id = video_id,
                                  .author = channel_of(pc),
                                  .text = snippet.contains("description") ? std::string(snippet.at("description").as_string())
                                                                           : std::string(),
                                  .extra = {{"snippet", snippet}, {"status", st}, {"upload_id", u->id}}});
  update_upload(pc.sim, "youtube", u->id, [&](SimUpload& s) {
    s.state = "succeeded";
    s.used = true;
    s.extra["video_id"] = video_id;
  });
  return http::json_response(status::ok, video_json(post));
}

http::Response youtube_search(PublishCall& pc) {
  if (pc.query.get("forMine") != "true" || pc.query.get("type") != "video")
    return google_error(pc, 400, "invalidSearchFilter", "The simulator supports forMine=true&type=video only.");
  int max = 5;
  if (auto m = pc.query.get("maxResults")) {
    try {
      max = std::stoi(std::string(*m));
    } catch (...) {
      max = -1;
    }
    if (max < 0 || max > 50) return google_error(pc, 400, "invalidMaxResults", "maxResults is 0-50.");
  }
  json::array items;
  for (const auto& p : pc.posts_by(channel_of(pc))) {  // newest first
    if (static_cast<int>(items.size()) == max) break;
    items.push_back(json::object{{"kind", "youtube#searchResult"},
                                 {"id", {{"kind", "youtube#video"}, {"videoId", p.id}}},
                                 {"snippet", p.extra.at("snippet")}});
  }
  return ok_json(json::object{{"kind", "youtube#searchListResponse"}, {"items", std::move(items)}});
}

}  // namespace postfuze::sim::publish
