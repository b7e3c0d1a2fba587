// Bluesky repo writes and reads (platforms.md §14; lexicons
// com.atproto.repo.createRecord / listRecords, app.bsky.feed.post,
// app.bsky.richtext.facet). Strictness beyond the PDS is noted in sim/README.md.
#include "sim/publish_bluesky.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include "core/time_format.hpp"
#include "crypto/digest.hpp"
#include "publish/text_length.hpp"
#include "sim/bluesky.hpp"
#include "sim/media_uploads.hpp"
#include "sim/publish_routes.hpp"

namespace postfuze::sim {

struct BlueskyPublishMethod {
  http::bhttp::verb method;
  std::string_view nsid;
  PublishKind kind;
  bool auth;  // listRecords is public
  PublishBuilder build;
};

namespace {

namespace json = boost::json;
using http::bhttp::status;
using http::bhttp::verb;

constexpr std::string_view kPost = "app.bsky.feed.post";
constexpr std::size_t kMaxGraphemes = 300;  // app.bsky.feed.post#text maxGraphemes
constexpr std::size_t kMaxBytes = 3000;     // app.bsky.feed.post#text maxLength
constexpr std::size_t kMaxBlobBytes = 5'000'000;   // the PDS's blob upload limit
constexpr std::int64_t kMaxImageBytes = 1'000'000;  // app.bsky.embed.images#image maxSize
constexpr std::size_t kMaxImages = 4;               // app.bsky.embed.images maxLength

http::Response invalid(PublishCall& pc, std::string_view message) {
  pc.rejected();
  return xrpc_error(status::bad_request, "InvalidRequest", message);
}

// base32 lowercase (RFC 4648 alphabet, no padding), as CIDs print.
std::string base32(std::string_view bytes) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

// A record CID: "bafyrei" + base32(sha256(record)) — the shape of a dag-cbor
// sha2-256 CIDv1, derived from the JSON here (nobody re-derives it).
std::string cid_of(const json::value& v) { return "bafyrei" + base32(crypto::sha256(json::serialize(v))).substr(0, 52); }

// A TID record key: 13 characters of base32-sortable, from microseconds and a
// sequence so keys created in one microsecond still differ and sort.
std::string tid(core::TimePoint now, std::uint64_t seq) {
  static constexpr char kSortable[] = "234567abcdefghijklmnopqrstuvwxyz";
  const auto micros = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
  std::uint64_t v = ((micros + seq) << 10) & 0x7FFFFFFFFFFFFFFFull;
  std::string out(13, '2');
  for (int i = 12; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kSortable[v & 31];
    v >>= 5;
  }
  return out;
}

bool utf8_boundary(std::string_view text, std::int64_t at) {
  if (at < 0 || static_cast<std::size_t>(at) > text.size()) return false;
  if (static_cast<std::size_t>(at) == text.size()) return true;
  return (static_cast<unsigned char>(text[static_cast<std::size_t>(at)]) & 0xC0) != 0x80;
}

std::optional<std::int64_t> integer(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() < (1ull << 62)) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

const json::string* string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

// One facet feature; "" when good, else the problem.
std::string check_feature(const json::value& f, std::size_t i, std::size_t j) {
  const std::string at = "Record/facets/" + std::to_string(i) + "/features/" + std::to_string(j);
  if (!f.is_object()) return at + " must be an object";
  const auto& o = f.get_object();
  const auto* type = string_at(o, "$type");
  if (!type) return at + " must have the property \"$type\"";
  if (*type == "app.bsky.richtext.facet#link") {
    const auto* uri = string_at(o, "uri");
    if (!uri) return at + " must have the property \"uri\"";
    if (!boost::urls::parse_absolute_uri(std::string_view(*uri))) return at + "/uri must be a valid uri";
  } else if (*type == "app.bsky.richtext.facet#mention") {
    const auto* did = string_at(o, "did");
    if (!did) return at + " must have the property \"did\"";
    if (!std::string_view(*did).starts_with("did:")) return at + "/did must be a valid did";
  } else if (*type == "app.bsky.richtext.facet#tag") {
    const auto* tag = string_at(o, "tag");
    if (!tag) return at + " must have the property \"tag\"";
    if (tag->empty() || tag->size() > 640 ||
        publish::text_length(std::string_view(*tag), providers::TextUnit::graphemes) > 64)
      return at + "/tag must be 1-64 graphemes";
  } else {
    return at + "/$type " + std::string(*type) + " is not a facet feature the simulator knows";
  }
  return {};
}

std::string check_facets(const json::value& facets, std::string_view text) {
  if (!facets.is_array()) return "Record/facets must be an array";
  std::size_t i = 0;
  for (const auto& f : facets.get_array()) {
    const std::string at = "Record/facets/" + std::to_string(i);
    if (!f.is_object()) return at + " must be an object";
    const auto* index = f.get_object().if_contains("index");
    if (!index || !index->is_object()) return at + " must have the property \"index\"";
    const auto start = integer(index->get_object().if_contains("byteStart"));
    const auto end = integer(index->get_object().if_contains("byteEnd"));
    if (!start || !end) return at + "/index must have integer byteStart and byteEnd";
    // UTF-8 byte offsets, start inclusive, end exclusive, on character boundaries.
    if (*start < 0 || *end <= *start || static_cast<std::size_t>(*end) > text.size())
      return at + "/index byteStart/byteEnd must lie inside the text's " + std::to_string(text.size()) + " UTF-8 bytes";
    if (!utf8_boundary(text, *start) || !utf8_boundary(text, *end))
      return at + "/index must fall on UTF-8 character boundaries";
    const auto* features = f.get_object().if_contains("features");
    if (!features || !features->is_array() || features->get_array().empty())
      return at + " must have a non-empty \"features\" array";
    std::size_t j = 0;
    for (const auto& feature : features->get_array())
      if (auto p = check_feature(feature, i, j++); !p.empty()) return p;
    ++i;
  }
  return {};
}

// A strongRef {uri, cid} that must name an existing post with that cid.
std::string check_ref(PublishCall& pc, const json::object& reply, std::string_view name, std::string& uri_out) {
  const auto* ref = reply.if_contains(name);
  const std::string at = "Record/reply/" + std::string(name);
  if (!ref || !ref->is_object()) return "Record/reply must have the property \"" + std::string(name) + "\"";
  const auto* uri = string_at(ref->get_object(), "uri");
  const auto* cid = string_at(ref->get_object(), "cid");
  if (!uri || !cid) return at + " must have the properties \"uri\" and \"cid\"";
  auto post = pc.find_post(std::string_view(*uri));
  if (!post) return at + "/uri names no record: " + std::string(*uri);
  const auto* stored = post->extra.if_contains("cid");
  if (!stored || stored->as_string() != *cid) return at + "/cid does not match the record's cid";
  uri_out = std::string(*uri);
  return {};
}

// A blob CID: "bafkrei" + base32(sha256(bytes)), the shape of a raw sha2-256 CIDv1.
std::string blob_cid(std::string_view bytes) { return "bafkrei" + base32(crypto::sha256(bytes)).substr(0, 52); }

// app.bsky.embed.images: 1-4 images, each a blob this account uploaded (same
// cid, mimeType and size), ≤ 1,000,000 bytes, an image type, "alt" required,
// aspectRatio {width, height} positive when given. Marks the blobs used and
// records their alt text and aspect ratio.
std::string check_embed(PublishCall& pc, const json::value& embed) {
  if (!embed.is_object()) return "Record/embed must be an object";
  const auto* type = string_at(embed.get_object(), "$type");
  if (!type || *type != "app.bsky.embed.images")
    return "Record/embed/$type: only app.bsky.embed.images is simulated";
  const auto* images = embed.get_object().if_contains("images");
  if (!images || !images->is_array() || images->get_array().empty())
    return "Record/embed must have a non-empty \"images\" array";
  if (images->get_array().size() > kMaxImages) return "Record/embed/images must not have more than 4 elements";
  std::vector<std::pair<std::string, json::object>> seen;
  std::size_t i = 0;
  for (const auto& v : images->get_array()) {
    const std::string at = "Record/embed/images/" + std::to_string(i++);
    if (!v.is_object()) return at + " must be an object";
    const auto& img = v.get_object();
    const auto* alt = string_at(img, "alt");
    if (!alt) return at + " must have the property \"alt\"";
    const auto* blob = img.if_contains("image");
    if (!blob || !blob->is_object()) return at + " must have the property \"image\"";
    const auto& b = blob->get_object();
    const auto* btype = string_at(b, "$type");
    const auto* ref = b.if_contains("ref");
    const auto* link = ref && ref->is_object() ? string_at(ref->get_object(), "$link") : nullptr;
    const auto* mime = string_at(b, "mimeType");
    const auto size = integer(b.if_contains("size"));
    if (!btype || *btype != "blob" || !link || !mime || !size) return at + "/image should be a blob ref";
    if (!std::string_view(*mime).starts_with("image/")) return at + "/image mimeType must be an image type";
    if (*size > kMaxImageBytes) return at + "/image file is too big (max 1000000 bytes)";
    auto up = find_upload(pc.sim, kBluesky, std::string_view(*link));
    if (!up || up->owner != pc.actor) return at + "/image: Could not find blob: " + std::string(*link);
    if (up->content_type != *mime || static_cast<std::int64_t>(up->bytes.size()) != *size)
      return at + "/image: the blob's mimeType or size does not match the upload";
    json::object facts{{"alt", *alt}};
    if (const auto* ratio = img.if_contains("aspectRatio")) {
      const auto* ro = ratio->if_object();
      const auto w = ro ? integer(ro->if_contains("width")) : std::nullopt;
      const auto h = ro ? integer(ro->if_contains("height")) : std::nullopt;
      if (!w || !h || *w < 1 || *h < 1) return at + "/aspectRatio must have positive integer width and height";
      facts["aspectRatio"] = {{"width", *w}, {"height", *h}};
    }
    seen.emplace_back(std::string(*link), std::move(facts));
  }
  for (auto& [cid, facts] : seen)
    update_upload(pc.sim, kBluesky, cid, [&](SimUpload& u) {
      u.used = true;
      for (auto& [k, v] : facts) u.extra[k] = v;
    });
  return {};
}

http::Response create_record(PublishCall& pc) {
  if (!pc.req.header(http::bhttp::field::content_type).starts_with("application/json"))
    return invalid(pc, "Wrong request encoding (Content-Type)");
  boost::system::error_code ec;
  json::value body = json::parse(pc.req.message.body(), ec);
  if (ec || !body.is_object()) return invalid(pc, "Request body is not JSON");
  const json::object& in = body.get_object();
  const auto* repo = string_at(in, "repo");
  const auto* collection = string_at(in, "collection");
  const auto* record = in.if_contains("record");
  if (!repo) return invalid(pc, "Input must have the property \"repo\"");
  if (!collection) return invalid(pc, "Input must have the property \"collection\"");
  if (!record || !record->is_object()) return invalid(pc, "Input must have the property \"record\"");
  // The session writes only to its own repository (DID or handle).
  if (*repo != pc.actor && *repo != pc.actor_name) return invalid(pc, "Input/repo must be the session's own DID");
  if (*collection != kPost) return invalid(pc, "Input/collection: only app.bsky.feed.post is simulated");
  const json::object& r = record->get_object();
  const auto* type = string_at(r, "$type");
  if (!type || *type != *collection) return invalid(pc, "Invalid app.bsky.feed.post record: Record/$type must be app.bsky.feed.post");
  const auto* text = string_at(r, "text");
  if (!text) return invalid(pc, "Invalid app.bsky.feed.post record: Record must have the property \"text\"");
  const std::string_view t(*text);
  if (t.size() > kMaxBytes)
    return invalid(pc, "Invalid app.bsky.feed.post record: Record/text must not be longer than 3000 characters");
  if (publish::text_length(t, providers::TextUnit::graphemes) > kMaxGraphemes)
    return invalid(pc, "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes");
  const auto* created_at = string_at(r, "createdAt");
  if (!created_at) return invalid(pc, "Invalid app.bsky.feed.post record: Record must have the property \"createdAt\"");
  if (!core::parse_timestamp(std::string_view(*created_at)))
    return invalid(pc, "Invalid app.bsky.feed.post record: Record/createdAt must be an valid atproto datetime");
  if (const auto* facets = r.if_contains("facets"))
    if (auto p = check_facets(*facets, t); !p.empty()) return invalid(pc, "Invalid app.bsky.feed.post record: " + p);
  std::string root_uri, parent_uri;
  if (const auto* reply = r.if_contains("reply")) {
    if (!reply->is_object()) return invalid(pc, "Invalid app.bsky.feed.post record: Record/reply must be an object");
    for (auto [name, out] : {std::pair{"root", &root_uri}, std::pair{"parent", &parent_uri}})
      if (auto p = check_ref(pc, reply->get_object(), name, *out); !p.empty())
        return invalid(pc, "Invalid app.bsky.feed.post record: " + p);
  }
  if (const auto* embed = r.if_contains("embed"))
    if (auto p = check_embed(pc, *embed); !p.empty()) return invalid(pc, "Invalid app.bsky.feed.post record: " + p);
  std::string rkey;
  if (const auto* k = in.if_contains("rkey")) {
    if (!k->is_string() || k->get_string().empty() || k->get_string().size() > 512)
      return invalid(pc, "Input/rkey must be a valid record key");
    rkey = std::string(k->get_string());
  } else {
    rkey = tid(pc.now(), pc.next_id());
  }
  const std::string uri = "at://" + pc.actor + "/" + std::string(kPost) + "/" + rkey;
  if (pc.find_post(uri)) return invalid(pc, "Record already exists: " + uri);

  const std::string cid = cid_of(*record);
  const std::string rev = tid(pc.now(), pc.next_id());
  pc.store(SimPost{.id = uri,
                   .author = pc.actor,
                   .text = std::string(t),
                   .parent_id = parent_uri,
                   .root_id = root_uri,
                   .extra = {{"cid", cid}, {"rkey", rkey}, {"record", *record}}});
  return http::json_response(status::ok, json::object{{"uri", uri},
                                                      {"cid", cid},
                                                      {"commit", {{"cid", cid_of(json::value(rev))}, {"rev", rev}}},
                                                      {"validationStatus", "valid"}});
}

http::Response list_records(PublishCall& pc) {
  const auto repo = pc.query.get("repo");
  const auto collection = pc.query.get("collection");
  if (!repo || !collection) return invalid(pc, "Error: Params must have the properties \"repo\" and \"collection\"");
  auto account = bluesky_account(pc.sim, *repo);
  if (!account) return invalid(pc, "Could not find repo: " + std::string(*repo));
  int limit = 50;
  if (auto l = pc.query.get("limit")) {
    try {
      limit = std::stoi(std::string(*l));
    } catch (...) {
      limit = -1;
    }
    if (limit < 1 || limit > 100) return invalid(pc, "Error: limit must be an integer between 1 and 100");
  }
  const bool reverse = pc.query.get("reverse") == "true";
  const std::string cursor(pc.query.get("cursor").value_or(""));
  auto posts = pc.posts_by(account->did);  // newest first
  if (reverse) std::reverse(posts.begin(), posts.end());
  json::array records;
  std::string last;
  for (const auto& p : posts) {
    if (*collection != kPost) break;
    const std::string rkey(p.extra.at("rkey").as_string());
    // The cursor is the last rkey seen; keys sort by time.
    if (!cursor.empty() && (reverse ? rkey <= cursor : rkey >= cursor)) continue;
    if (static_cast<int>(records.size()) == limit) break;
    records.push_back(json::object{{"uri", p.id}, {"cid", p.extra.at("cid")}, {"value", p.extra.at("record")}});
    last = rkey;
  }
  json::object out{{"records", std::move(records)}};
  if (static_cast<int>(out["records"].as_array().size()) == limit) out["cursor"] = last;
  return http::json_response(status::ok, out);
}

// com.atproto.repo.uploadBlob: the raw bytes as the body, their exact
// Content-Type; the PDS answers the blob ref the record embeds. The data
// must start the way its declared type starts (JPEG, PNG, GIF, WebP…).
http::Response upload_blob(PublishCall& pc) {
  const std::string type(pc.req.header(http::bhttp::field::content_type));
  const std::string& data = pc.req.message.body();
  if (type.empty() || type == "*/*" || type.starts_with("application/x-www-form-urlencoded") ||
      type.starts_with("multipart/"))
    return invalid(pc, "uploadBlob needs the blob's own Content-Type (e.g. image/jpeg) and the raw bytes as the body");
  if (data.empty()) return invalid(pc, "The blob is empty");
  if (data.size() > kMaxBlobBytes) {
    pc.rejected();
    return xrpc_error(status::payload_too_large, "PayloadTooLarge", "request entity too large");
  }
  if (!looks_like(type, data)) return invalid(pc, "The blob's bytes are not " + type);
  const std::string mime = type.substr(0, type.find(';'));
  const std::string cid = blob_cid(data);
  SimUpload u;
  u.platform = std::string(kBluesky);
  u.id = cid;
  u.owner = pc.actor;
  u.kind = mime.starts_with("image/") ? "image" : "blob";
  u.content_type = mime;
  u.declared_size = static_cast<std::int64_t>(data.size());
  u.bytes = data;
  u.chunks = {static_cast<std::int64_t>(data.size())};
  u.state = "uploaded";
  add_upload(pc.sim, std::move(u));
  return http::json_response(
      status::ok, json::object{{"blob",
                                {{"$type", "blob"},
                                 {"ref", {{"$link", cid}}},
                                 {"mimeType", mime},
                                 {"size", static_cast<std::int64_t>(data.size())}}}});
}

const BlueskyPublishMethod kMethods[] = {
    {verb::post, "com.atproto.repo.uploadBlob", PublishKind::create, true, upload_blob},
    {verb::post, "com.atproto.repo.createRecord", PublishKind::create, true, create_record},
    {verb::get, "com.atproto.repo.listRecords", PublishKind::lookup, false, list_records},
};

}  // namespace

const BlueskyPublishMethod* find_bluesky_publish_method(const http::Request& req) {
  const auto segments = boost::urls::url_view(req.target).segments();
  std::vector<std::string> parts(segments.begin(), segments.end());
  if (parts.size() != 3 || parts[1] != "xrpc") return nullptr;
  for (const auto& m : kMethods)
    if (m.nsid == parts[2]) return &m;
  return nullptr;
}

boost::asio::awaitable<http::Response> bluesky_publish(Sim& sim, http::Request& req,
                                                       const BlueskyPublishMethod& method) {
  PublishCall pc{sim, req, kBluesky};
  pc.query = Params::of(req.target);
  if (req.method() != method.method) {
    pc.rejected();
    co_return xrpc_error(status::bad_request, "InvalidRequest",
                         "Incorrect HTTP method (" + std::string(req.message.method_string()) + ") expected " +
                             std::string(http::bhttp::to_string(method.method)));
  }
  auto inject = [](const InjectedPublishError& e) {
    std::string_view name = e.status == 429   ? "RateLimitExceeded"
                            : e.status == 401 ? "AuthenticationRequired"
                            : e.status >= 500 ? "InternalServerError"
                                              : "InvalidRequest";
    if (!e.code.empty()) name = e.code;
    return xrpc_error(static_cast<status>(e.status), name,
                      e.message.empty() ? std::string_view("Simulated failure (publish_error)") : e.message);
  };
  auto handle = [&method](PublishCall& p) -> http::Response {
    if (method.auth) {
      BlueskyAuth auth = bluesky_authenticate(p.sim, p.req);
      if (auth.refusal) return std::move(*auth.refusal);
      p.actor = auth.account->did;
      p.actor_name = auth.account->handle;
    }
    return method.build(p);
  };
  co_return co_await run_publish(pc, method.kind, inject, handle);
}

}  // namespace postfuze::sim
