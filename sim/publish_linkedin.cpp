// LinkedIn publishing (platforms.md §6): the versioned Posts API and the
// socialActions comments API, with Rest.li's strictness — both version
// headers required, unknown fields refused, the author checked against the
// login (the member, or an organisation they administer) and the scope that
// author needs (w_member_social / w_organization_social; reads
// r_member_social / r_organization_social). Errors are LinkedIn's
// {"status","serviceErrorCode"?,"code","message"}.
#include <array>

#include <boost/json/parse.hpp>

#include "sim/api_support.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_upload_builders.hpp"
#include "sim/publish_business.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::field;

constexpr std::size_t kMaxCommentary = 3000;  // characters (platforms.md §6)
constexpr int kDefaultCount = 10;
constexpr int kMaxCount = 100;
constexpr std::array<std::string_view, 4> kVisibility{"PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"};
constexpr std::array<std::string_view, 2> kFeeds{"MAIN_FEED", "NONE"};
constexpr std::array<std::string_view, 8> kPostFields{
    "author",  "commentary",     "visibility", "distribution", "lifecycleState", "isReshareDisabledByAuthor",
    "content", "contentLandingPage"};
constexpr std::array<std::string_view, 4> kCommentFields{"actor", "object", "message", "parentComment"};
// The characters little text reads as markup; plain text must escape them (§6).
constexpr std::string_view kLittleTextReserved = "\\|{}@[]()<>#*_~";

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set)
    if (s == v) return true;
  return false;
}

http::Response refusal(PublishCall& pc, int status, std::string_view code, std::string_view message) {
  pc.rejected();
  json::object body{{"status", status}};
  if (status == 401) body["serviceErrorCode"] = 65600;
  else if (status == 403) body["serviceErrorCode"] = 100;
  body["code"] = code;
  body["message"] = message;
  return http::json_response(static_cast<http::bhttp::status>(status), body);
}

http::Response bad(PublishCall& pc, std::string_view message) { return refusal(pc, 400, "ILLEGAL_ARGUMENT", message); }
// Rest.li's schema errors: "ERROR :: /path :: problem".
http::Response unprocessable(PublishCall& pc, std::string_view path, std::string_view problem) {
  return refusal(pc, 422, "UNPROCESSABLE_ENTITY", "ERROR :: " + std::string(path) + " :: " + std::string(problem));
}

// Both /rest headers (§6): LinkedIn-Version YYYYMM and Rest.li protocol 2.0.0.
std::optional<http::Response> check_headers(PublishCall& pc) {
  const std::string_view version = pc.req.header("LinkedIn-Version");
  bool digits = version.size() == 6;
  for (char c : version) digits = digits && c >= '0' && c <= '9';
  if (!digits) return refusal(pc, 400, "VERSION_MISSING", "A valid LinkedIn-Version header (YYYYMM) is required.");
  if (pc.req.header("X-Restli-Protocol-Version") != "2.0.0")
    return bad(pc, "The X-Restli-Protocol-Version header must be 2.0.0.");
  return std::nullopt;
}

std::optional<json::object> json_body(PublishCall& pc) {
  if (!pc.req.header(field::content_type).starts_with("application/json")) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(pc.req.message.body(), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::string person_urn(const PublishCall& pc) { return "urn:li:person:" + pc.user().id; }

bool administers(const PublishCall& pc, std::string_view urn) {
  for (int i = 1; i <= pc.token->grant->accounts; ++i)
    if (urn == "urn:li:organization:" + std::to_string(numeric_id(derived_id(pc.user(), "org", i)))) return true;
  return false;
}

// May this login act as `urn`, with the scope that needs? A refusal otherwise.
// `write`: posting or commenting (w_*_social), else reading (r_*_social).
std::optional<http::Response> check_actor(PublishCall& pc, std::string_view urn, bool write, std::string_view what) {
  const bool member = urn == person_urn(pc);
  if (!member && !administers(pc, urn))
    return refusal(pc, 403, "ACCESS_DENIED",
                   "Not enough permissions to act as " + std::string(urn) + " (" + std::string(what) + ").");
  const std::string_view scope = member ? (write ? "w_member_social" : "r_member_social")
                                        : (write ? "w_organization_social" : "r_organization_social");
  if (!has_scope(*pc.token->grant, scope))
    return refusal(pc, 403, "ACCESS_DENIED", "The token lacks the permission " + std::string(scope) + ".");
  return std::nullopt;
}

// Plain text in little-text form: every reserved character escaped, no dangling '\'.
bool valid_little_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      if (i + 1 == text.size()) return false;
      ++i;
    } else if (kLittleTextReserved.find(text[i]) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool http_url(std::string_view s) { return s.starts_with("https://") || s.starts_with("http://"); }

std::int64_t ms(core::TimePoint t) { return core::to_unix_ms(t); }

json::object post_json(const SimPost& p) {
  json::object o{{"id", p.id}, {"author", p.author}, {"commentary", p.text}};
  for (std::string_view key : {"visibility", "distribution", "lifecycleState", "isReshareDisabledByAuthor", "content"})
    if (const auto* v = p.extra.if_contains(key)) o[key] = *v;
  o["createdAt"] = ms(p.created);
  o["publishedAt"] = ms(p.created);
  o["lastModifiedAt"] = ms(p.created);
  o["lifecycleStateInfo"] = {{"isEditedByAuthor", false}};
  return o;
}

json::object comment_json(const SimPost& c) {
  const json::object audit{{"actor", c.author}, {"time", ms(c.created)}};
  json::object o{{"actor", c.author},
                 {"commentUrn", c.id},
                 {"$URN", c.id},
                 {"object", c.parent_id},
                 {"message", {{"text", c.text}}},
                 {"created", audit},
                 {"lastModified", audit}};
  if (const auto* id = c.extra.if_contains("id")) o["id"] = *id;
  return o;
}

// count (1..100, default 10) and start (≥ 0); nullopt when either is malformed.
std::optional<std::pair<int, int>> window(const PublishCall& pc) {
  auto read = [&](std::string_view name, int fallback) -> std::optional<int> {
    auto v = pc.query.get(name);
    if (!v) return fallback;
    int n = 0;
    for (char c : *v) n = (c >= '0' && c <= '9' && n < 100000) ? n * 10 + (c - '0') : -1;
    return v->empty() || n < 0 ? std::nullopt : std::optional<int>(n);
  };
  auto count = read("count", kDefaultCount), start = read("start", 0);
  if (!count || !start || *count < 1 || *count > kMaxCount) return std::nullopt;
  return std::pair{*count, *start};
}

template <typename Render>
json::object page_of(const std::vector<SimPost>& items, int count, int start, Render render) {
  json::array elements;
  for (int i = start; i < static_cast<int>(items.size()) && i < start + count; ++i)
    elements.push_back(render(items[static_cast<std::size_t>(i)]));
  return {{"paging", {{"start", start}, {"count", count}, {"links", json::array{}},
                      {"total", static_cast<std::int64_t>(items.size())}}},
          {"elements", std::move(elements)}};
}

// ---- Images and videos API (learn.microsoft.com "Images API", "Videos API"):
// initializeUpload hands out upload URLs on this simulator; the bytes go there
// by PUT; a video's parts are ~4 MiB byte ranges whose ETags finalizeUpload
// must list in order.

constexpr std::int64_t kVideoPartBytes = 4 * 1024 * 1024;  // every part but the last (contract §25.3)
constexpr std::int64_t kMaxVideoBytes = 5LL * 1024 * 1024 * 1024;
constexpr std::size_t kMaxAltText = 4086;

// content.media {"id","altText"?,"title"?}: an AVAILABLE image or video of this login.
std::string check_media_content(PublishCall& pc, const json::value& content, std::string& urn_out) {
  if (content.get_object().size() != 1) return "content holds one of article or media";
  const auto* media = content.get_object().if_contains("media");
  if (media == nullptr || !media->is_object()) return "must be an object";
  for (const auto& [key, v] : media->get_object())
    if (key != "id" && key != "altText" && key != "title") return "unrecognized field " + std::string(key);
  const auto* id = media->get_object().if_contains("id");
  if (id == nullptr || !id->is_string()) return "id is required";
  const std::string urn(id->get_string());
  if (!urn.starts_with("urn:li:image:") && !urn.starts_with("urn:li:video:")) return "id must be an image or video URN";
  auto up = find_upload(pc.sim, "linkedin", urn);
  if (!up || up->owner != pc.user().id) return "unknown media " + urn;
  if (up->state != "succeeded") return "media " + urn + " is not AVAILABLE (upload not finished)";
  if (const auto* alt = media->get_object().if_contains("altText")) {
    if (!alt->is_string() || code_points(alt->get_string()) > kMaxAltText) return "altText is a string of at most 4086 characters";
    update_upload(pc.sim, "linkedin", urn, [&](SimUpload& u) { u.extra["altText"] = alt->get_string(); });
  }
  urn_out = urn;
  return {};
}

std::int64_t uploads_expire_at(const PublishCall& pc) { return ms(pc.now() + std::chrono::hours(24)); }

// An upload URL on this simulator for `key` (what the real API points at its upload host).
std::string upload_url(const PublishCall& pc, std::string_view key) {
  return pc.sim.base_url + "/linkedin/api/dms-uploads/" + std::string(key);
}

// The owner in initializeUploadRequest: the member or an organisation they post for.
std::optional<http::Response> check_owner(PublishCall& pc, const json::object& init, std::string& owner) {
  const auto* o = init.if_contains("owner");
  if (o == nullptr || !o->is_string()) return unprocessable(pc, "/initializeUploadRequest/owner", "field is required but not found");
  owner = std::string(o->get_string());
  return check_actor(pc, owner, true, "media owner");
}

}  // namespace

http::Response linkedin_images(PublishCall& pc) {
  if (auto refused = check_headers(pc)) return std::move(*refused);
  if (pc.query.get("action") != "initializeUpload") return bad(pc, "Only action=initializeUpload is supported.");
  auto body = json_body(pc);
  const auto* init = body ? body->if_contains("initializeUploadRequest") : nullptr;
  if (init == nullptr || !init->is_object())
    return unprocessable(pc, "/initializeUploadRequest", "field is required but not found");
  std::string owner;
  if (auto refused = check_owner(pc, init->get_object(), owner)) return std::move(*refused);
  SimUpload u;
  u.platform = "linkedin";
  u.id = "urn:li:image:C4E" + std::to_string(10'000'000'000ull + pc.next_id());
  u.owner = pc.user().id;
  u.kind = "image";
  u.extra["author"] = owner;
  u.extra["key"] = "img-" + std::to_string(pc.next_id());
  u = add_upload(pc.sim, std::move(u));
  return ok_json(json::object{{"value",
                               {{"uploadUrlExpiresAt", uploads_expire_at(pc)},
                                {"uploadUrl", upload_url(pc, u.extra.at("key").as_string())},
                                {"image", u.id}}}});
}

http::Response linkedin_videos(PublishCall& pc) {
  if (auto refused = check_headers(pc)) return std::move(*refused);
  const auto action = pc.query.get("action");
  auto body = json_body(pc);
  if (!body) return bad(pc, "The body must be a JSON object (Content-Type: application/json).");
  if (action == "initializeUpload") {
    const auto* init = body->if_contains("initializeUploadRequest");
    if (init == nullptr || !init->is_object())
      return unprocessable(pc, "/initializeUploadRequest", "field is required but not found");
    std::string owner;
    if (auto refused = check_owner(pc, init->get_object(), owner)) return std::move(*refused);
    const auto* size = init->get_object().if_contains("fileSizeBytes");
    if (size == nullptr || !size->is_int64() || size->get_int64() <= 0 || size->get_int64() > kMaxVideoBytes)
      return unprocessable(pc, "/initializeUploadRequest/fileSizeBytes", "a positive size up to 5 GB is required");
    for (std::string_view flag : {"uploadCaptions", "uploadThumbnail"})
      if (const auto* f = init->get_object().if_contains(flag); f != nullptr && !f->is_bool())
        return unprocessable(pc, "/initializeUploadRequest/" + std::string(flag), "is not a boolean");
    SimUpload u;
    u.platform = "linkedin";
    u.id = "urn:li:video:C5F" + std::to_string(10'000'000'000ull + pc.next_id());
    u.owner = pc.user().id;
    u.kind = "video";
    u.content_type = "video/mp4";
    u.declared_size = size->get_int64();
    u.extra["author"] = owner;
    u.extra["token"] = "tok-" + std::to_string(pc.next_id());
    json::array instructions, keys;
    for (std::int64_t first = 0, part = 0; first < u.declared_size; first += kVideoPartBytes, ++part) {
      const std::int64_t last = std::min(first + kVideoPartBytes, u.declared_size) - 1;
      const std::string key = "vid-" + std::to_string(pc.next_id()) + "-" + std::to_string(part);
      keys.push_back(json::object{{"key", key}, {"first", first}, {"last", last}});
      instructions.push_back(json::object{{"uploadUrl", upload_url(pc, key)}, {"firstByte", first}, {"lastByte", last}});
    }
    u.extra["parts"] = std::move(keys);
    u.extra["etags"] = json::array{};
    u = add_upload(pc.sim, std::move(u));
    return ok_json(json::object{{"value",
                                 {{"uploadUrlsExpireAt", uploads_expire_at(pc)},
                                  {"video", u.id},
                                  {"uploadInstructions", std::move(instructions)},
                                  {"uploadToken", u.extra.at("token")}}}});
  }
  if (action == "finalizeUpload") {
    const auto* fin = body->if_contains("finalizeUploadRequest");
    if (fin == nullptr || !fin->is_object())
      return unprocessable(pc, "/finalizeUploadRequest", "field is required but not found");
    const auto* video = fin->get_object().if_contains("video");
    const auto* token = fin->get_object().if_contains("uploadToken");
    const auto* ids = fin->get_object().if_contains("uploadedPartIds");
    if (video == nullptr || !video->is_string() || token == nullptr || !token->is_string() || ids == nullptr ||
        !ids->is_array())
      return unprocessable(pc, "/finalizeUploadRequest", "video, uploadToken and uploadedPartIds are required");
    auto up = find_upload(pc.sim, "linkedin", video->get_string());
    if (!up || up->owner != pc.user().id || up->kind != "video")
      return refusal(pc, 404, "NOT_FOUND", "No video " + std::string(video->get_string()) + ".");
    if (up->extra.at("token") != *token) return bad(pc, "The uploadToken does not belong to this video.");
    if (up->state != "uploading") return bad(pc, "The video upload is already finalized.");
    if (static_cast<std::int64_t>(up->bytes.size()) != up->declared_size)
      return bad(pc, "finalizeUpload before every part was uploaded: " + std::to_string(up->bytes.size()) + " of " +
                         std::to_string(up->declared_size) + " bytes.");
    if (*ids != up->extra.at("etags"))
      return bad(pc, "uploadedPartIds must list every part's ETag in upload order.");
    if (!looks_like("video/mp4", up->bytes)) return bad(pc, "The uploaded file is not a video LinkedIn can process.");
    update_upload(pc.sim, "linkedin", up->id, [](SimUpload& u) { u.state = "succeeded"; });
    return http::empty_response(http::bhttp::status::ok);
  }
  return bad(pc, "Only action=initializeUpload or action=finalizeUpload is supported.");
}

http::Response linkedin_upload_put(PublishCall& pc) {
  const std::string key(pc.req.param("key"));
  const std::string& data = pc.req.message.body();
  // The upload a key belongs to, and for a video which part.
  std::optional<SimUpload> found;
  int part = -1;
  pc.sim.state.with([&](SimState::Data& d) {
    for (const auto& [id, u] : d.uploads) {
      if (u.platform != "linkedin") continue;
      if (const auto* k = u.extra.if_contains("key"); k && k->as_string() == key) found = u;
      if (const auto* parts = u.extra.if_contains("parts"))
        for (std::size_t i = 0; i < parts->as_array().size(); ++i)
          if (parts->as_array()[i].at("key").as_string() == key) {
            found = u;
            part = static_cast<int>(i);
          }
    }
  });
  if (!found || found->owner != pc.user().id) return refusal(pc, 404, "NOT_FOUND", "Unknown upload URL.");
  if (data.empty()) return bad(pc, "The upload body is empty.");
  if (found->kind == "image") {
    if (found->state != "uploading") return bad(pc, "This image was already uploaded.");
    std::string type;
    for (std::string_view t : {"image/jpeg", "image/png", "image/gif"})
      if (looks_like(t, data)) type = std::string(t);
    if (type.empty()) return bad(pc, "The uploaded file is not a JPEG, PNG or GIF image.");
    update_upload(pc.sim, "linkedin", found->id, [&](SimUpload& u) {
      u.bytes = data;
      u.content_type = type;
      u.chunks = {static_cast<std::int64_t>(data.size())};
      u.state = "succeeded";
    });
    return http::empty_response(http::bhttp::status::created);
  }
  // A video part: in order, exactly its byte range.
  const auto& range = found->extra.at("parts").as_array()[static_cast<std::size_t>(part)];
  const std::int64_t want = range.at("last").as_int64() - range.at("first").as_int64() + 1;
  if (found->state != "uploading") return bad(pc, "The video upload is already finalized.");
  if (static_cast<std::size_t>(part) != found->chunks.size())
    return bad(pc, "Part " + std::to_string(part) + " is out of order: expected part " +
                       std::to_string(found->chunks.size()) + ".");
  if (static_cast<std::int64_t>(data.size()) != want)
    return bad(pc, "Part " + std::to_string(part) + " must be exactly " + std::to_string(want) + " bytes; got " +
                   std::to_string(data.size()) + ".");
  const std::string etag = "/ambry-video/signedId/" + sha256_hex(data).substr(0, 24);
  update_upload(pc.sim, "linkedin", found->id, [&](SimUpload& u) {
    u.bytes += data;
    u.chunks.push_back(static_cast<std::int64_t>(data.size()));
    u.extra["etags"].as_array().push_back(json::value(etag));
  });
  http::Response res = http::empty_response(http::bhttp::status::ok);
  res.set(http::bhttp::field::etag, etag);
  return res;
}

http::Response linkedin_create_post(PublishCall& pc) {
  if (auto refused = check_headers(pc)) return std::move(*refused);
  auto body = json_body(pc);
  if (!body) return bad(pc, "The body must be a JSON object (Content-Type: application/json).");
  for (const auto& [key, value] : *body)
    if (!in(kPostFields, key)) return unprocessable(pc, "/" + std::string(key), "unrecognized field found but not allowed");
  const auto* author = body->if_contains("author");
  if (author == nullptr || !author->is_string()) return unprocessable(pc, "/author", "field is required but not found");
  const std::string author_urn(author->get_string());
  if (!author_urn.starts_with("urn:li:person:") && !author_urn.starts_with("urn:li:organization:"))
    return unprocessable(pc, "/author", "is not a person or organization URN");
  if (auto refused = check_actor(pc, author_urn, true, "post author")) return std::move(*refused);

  const auto* commentary = body->if_contains("commentary");
  const auto* content = body->if_contains("content");
  if (commentary != nullptr && !commentary->is_string()) return unprocessable(pc, "/commentary", "is not a string");
  const std::string text = commentary ? std::string(commentary->get_string()) : std::string();
  if (text.empty() && content == nullptr) return unprocessable(pc, "/commentary", "a text post needs commentary");
  if (code_points(text) > kMaxCommentary)
    return unprocessable(pc, "/commentary", "length exceeds the maximum of 3000 characters");
  if (!valid_little_text(text))
    return unprocessable(pc, "/commentary", "reserved little-text characters must be escaped with '\\'");

  const auto* visibility = body->if_contains("visibility");
  if (visibility == nullptr || !visibility->is_string() || !in(kVisibility, visibility->get_string()))
    return unprocessable(pc, "/visibility", "must be one of PUBLIC, CONNECTIONS, LOGGED_IN, CONTAINER");
  const auto* distribution = body->if_contains("distribution");
  if (distribution == nullptr || !distribution->is_object())
    return unprocessable(pc, "/distribution", "field is required but not found");
  const auto* feed = distribution->get_object().if_contains("feedDistribution");
  if (feed == nullptr || !feed->is_string() || !in(kFeeds, feed->get_string()))
    return unprocessable(pc, "/distribution/feedDistribution", "must be MAIN_FEED or NONE");
  for (std::string_view list : {"targetEntities", "thirdPartyDistributionChannels"})
    if (const auto* v = distribution->get_object().if_contains(list); v != nullptr && !v->is_array())
      return unprocessable(pc, "/distribution/" + std::string(list), "is not an array");
  const auto* lifecycle = body->if_contains("lifecycleState");
  if (lifecycle == nullptr || !lifecycle->is_string() || lifecycle->get_string() != "PUBLISHED")
    return unprocessable(pc, "/lifecycleState", "must be PUBLISHED");
  if (const auto* r = body->if_contains("isReshareDisabledByAuthor"); r != nullptr && !r->is_bool())
    return unprocessable(pc, "/isReshareDisabledByAuthor", "is not a boolean");
  std::string media_urn;
  if (content != nullptr && content->is_object() && content->get_object().contains("media")) {
    // One uploaded image or video (images/videos APIs below), optional altText / title.
    if (auto problem = check_media_content(pc, *content, media_urn); !problem.empty())
      return unprocessable(pc, "/content/media", problem);
  } else if (content != nullptr) {
    const auto* article = content->is_object() ? content->get_object().if_contains("article") : nullptr;
    if (article == nullptr || !article->is_object() || content->get_object().size() != 1)
      return unprocessable(pc, "/content", "only {\"article\":{…}} or {\"media\":{…}} is supported by the simulator");
    const auto* source = article->get_object().if_contains("source");
    if (source == nullptr || !source->is_string() || !http_url(source->get_string()))
      return unprocessable(pc, "/content/article/source", "must be an absolute http(s) URL");
    for (std::string_view key : {"title", "description"})
      if (const auto* v = article->get_object().if_contains(key); v != nullptr && !v->is_string())
        return unprocessable(pc, "/content/article/" + std::string(key), "is not a string");
  }
  // LinkedIn refuses a post identical to one of the author's (422 "Content is a duplicate").
  for (const SimPost& earlier : pc.posts_by(author_urn))
    if (earlier.root_id.empty() && earlier.text == text && !text.empty())
      return refusal(pc, 422, "DUPLICATE_POST", "Content is a duplicate of " + earlier.id);

  SimPost post;
  post.id = "urn:li:share:" + std::to_string(7'000'000'000'000'000'000ull + pc.next_id());
  post.author = author_urn;
  post.text = text;
  for (std::string_view key : {"visibility", "distribution", "lifecycleState", "isReshareDisabledByAuthor", "content"})
    if (const auto* v = body->if_contains(key)) post.extra[key] = *v;
  post = pc.store(std::move(post));
  if (!media_urn.empty()) update_upload(pc.sim, "linkedin", media_urn, [](SimUpload& u) { u.used = true; });
  // 201 with an empty body; the URN only in x-restli-id (§6, §18).
  http::Response res = http::empty_response(http::bhttp::status::created);
  res.set("x-restli-id", post.id);
  return res;
}

http::Response linkedin_find_posts(PublishCall& pc) {
  if (auto refused = check_headers(pc)) return std::move(*refused);
  if (pc.query.get("q") != "author") return bad(pc, "The finder q=author is required.");
  const auto author = pc.query.get("author");
  if (!author || author->empty()) return bad(pc, "The author parameter is required.");
  if (auto refused = check_actor(pc, *author, false, "post reader")) return std::move(*refused);
  const auto sort = pc.query.get("sortBy").value_or("LAST_MODIFIED");
  if (sort != "LAST_MODIFIED" && sort != "CREATED") return bad(pc, "sortBy is LAST_MODIFIED or CREATED.");
  const auto w = window(pc);
  if (!w) return bad(pc, "count is 1-100 and start a non-negative integer.");
  std::vector<SimPost> roots;
  for (auto& p : pc.posts_by(*author))  // newest first: both sorts agree (posts are never edited)
    if (p.root_id.empty()) roots.push_back(std::move(p));
  return ok_json(page_of(roots, w->first, w->second, post_json));
}

http::Response linkedin_create_comment(PublishCall& pc) {
  if (auto refused = check_headers(pc)) return std::move(*refused);
  const std::string object(pc.req.param("urn"));
  const auto root = pc.find_post(object);
  if (!root || !root->root_id.empty()) return refusal(pc, 404, "NOT_FOUND", "No post " + object + ".");
  auto body = json_body(pc);
  if (!body) return bad(pc, "The body must be a JSON object (Content-Type: application/json).");
  for (const auto& [key, value] : *body)
    if (!in(kCommentFields, key)) return unprocessable(pc, "/" + std::string(key), "unrecognized field found but not allowed");
  const auto* actor = body->if_contains("actor");
  if (actor == nullptr || !actor->is_string()) return unprocessable(pc, "/actor", "field is required but not found");
  if (auto refused = check_actor(pc, actor->get_string(), true, "comment actor")) return std::move(*refused);
  if (const auto* o = body->if_contains("object"); o != nullptr && (!o->is_string() || o->get_string() != object))
    return unprocessable(pc, "/object", "must be the URN in the path");
  const auto* message = body->if_contains("message");
  const json::value* text = message && message->is_object() ? message->get_object().if_contains("text") : nullptr;
  if (text == nullptr || !text->is_string() || text->get_string().empty())
    return unprocessable(pc, "/message/text", "field is required but not found");
  if (code_points(text->get_string()) > 1250)  // the comment limit (Comments API)
    return unprocessable(pc, "/message/text", "length exceeds the maximum of 1250 characters");

  const std::string id = std::to_string(7'100'000'000'000'000'000ull + pc.next_id());
  SimPost comment;
  comment.id = "urn:li:comment:(" + object + "," + id + ")";
  comment.author = std::string(actor->get_string());
  comment.text = std::string(text->get_string());
  comment.parent_id = object;
  comment.root_id = object;
  comment.extra["id"] = id;
  comment = pc.store(std::move(comment));
  http::Response res = http::json_response(http::bhttp::status::created, comment_json(comment));
  res.set("x-restli-id", id);
  return res;
}

http::Response linkedin_comments(PublishCall& pc) {
  if (auto refused = check_headers(pc)) return std::move(*refused);
  const std::string object(pc.req.param("urn"));
  if (!pc.find_post(object)) return refusal(pc, 404, "NOT_FOUND", "No post " + object + ".");
  if (!has_scope(*pc.token->grant, "r_member_social") && !has_scope(*pc.token->grant, "r_organization_social"))
    return refusal(pc, 403, "ACCESS_DENIED", "Reading comments needs r_member_social or r_organization_social.");
  const auto w = window(pc);
  if (!w) return bad(pc, "count is 1-100 and start a non-negative integer.");
  std::vector<SimPost> comments;
  pc.sim.state.with([&](SimState::Data& d) {
    for (auto it = d.posts.rbegin(); it != d.posts.rend(); ++it)
      if (it->platform == pc.platform && it->parent_id == object) comments.push_back(*it);
  });
  return ok_json(page_of(comments, w->first, w->second, comment_json));
}

}  // namespace postfuze::sim::publish
