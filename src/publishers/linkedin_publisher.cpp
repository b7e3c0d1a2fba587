#include "publishers/linkedin_publisher.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include "publishers/chunked_upload.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

constexpr std::string_view kPostUrl = "https://www.linkedin.com/feed/update/";
constexpr int kLookupCount = 50;  // the newest posts or comments find() reads

std::string config_string(const json::object& config, std::string_view key) {
  if (const auto* v = config.if_contains(key); v != nullptr && v->is_string()) return std::string(v->get_string());
  return {};
}

// Every byte outside the unreserved set percent-encoded (Rest.li 2.0 wants
// URNs encoded in paths and query values).
std::string component(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

// Who the post is by (§25.3): the configured organisation, else the
// account's own URN (an organisation account's id is its URN), else the member.
std::string author_of(const PublishContext& ctx) {
  if (auto urn = config_string(ctx.config, "organizationUrn"); !urn.empty()) return urn;
  if (auto id = config_string(ctx.config, "organizationId"); !id.empty()) return "urn:li:organization:" + id;
  const std::string& id = ctx.account.network_unique_id;
  if (id.starts_with("urn:li:")) return id;
  return "urn:li:person:" + id;
}

net::OutboundRequest request(const PublishContext& ctx, verb method, std::string url) {
  auto req = bearer_request(ctx, method, std::move(url));
  req.headers.emplace_back("LinkedIn-Version", ctx.spec.api_version);
  req.headers.emplace_back("X-Restli-Protocol-Version", "2.0.0");
  return req;
}

std::string comments_url(const PublishContext& ctx, std::string_view root) {
  return ctx.spec.api_url("/rest/socialActions/" + component(root) + "/comments");
}

std::string post_url(std::string_view urn) { return std::string(kPostUrl) + std::string(urn); }

// LinkedIn's link to one comment: the post's page with the comment's URN.
std::string comment_url(std::string_view root, std::string_view comment_urn) {
  boost::urls::url u(post_url(root));
  u.params().append({"commentUrn", comment_urn});
  return std::string(u.buffer());
}

PlatformRef post_ref(std::string urn, std::string_view author) {
  PlatformRef ref;
  ref.url = post_url(urn);
  ref.id = std::move(urn);
  ref.extra["author"] = author;
  return ref;
}

PlatformRef comment_ref(std::string_view root, std::string urn) {
  PlatformRef ref;
  ref.url = comment_url(root, urn);
  ref.id = std::move(urn);
  ref.extra["root"] = root;
  return ref;
}

json::object post_body(const PublishContext& ctx, const PublishItem& item, const std::string& author) {
  std::string visibility = config_string(ctx.config, "visibility");
  if (visibility.empty()) visibility = "PUBLIC";
  json::object body{{"author", author},
                    {"commentary", linkedin_little_text(item.text)},
                    {"visibility", visibility},
                    {"distribution",
                     {{"feedDistribution", "MAIN_FEED"},
                      {"targetEntities", json::array{}},
                      {"thirdPartyDistributionChannels", json::array{}}}},
                    {"lifecycleState", "PUBLISHED"},
                    {"isReshareDisabledByAuthor", false}};
  // A link share (§25.3 articleUrl): the Posts API's article content.
  if (auto source = config_string(ctx.config, "articleUrl"); !source.empty()) {
    json::object article{{"source", source}};
    if (auto title = config_string(ctx.config, "articleTitle"); !title.empty()) article["title"] = title;
    if (auto d = config_string(ctx.config, "articleDescription"); !d.empty()) article["description"] = d;
    body["content"] = {{"article", std::move(article)}};
  }
  return body;
}

// The comment's URN from the 201: the body's commentUrn (or "$URN"), else
// the x-restli-id header when it is already a comment URN.
std::string comment_urn_of(const net::OutboundResponse& res) {
  boost::system::error_code ec;
  const json::value v = json::parse(res.body, ec);
  if (!ec && v.is_object()) {
    for (std::string_view key : {"commentUrn", "$URN"})
      if (const auto* u = v.get_object().if_contains(key); u != nullptr && u->is_string() && !u->get_string().empty())
        return std::string(u->get_string());
  }
  const std::string header = res.header("x-restli-id");
  return header.starts_with("urn:li:comment:") ? header : std::string();
}

std::optional<std::int64_t> int_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

// LinkedIn's {"status","serviceErrorCode","code","message"} read into the
// shared classification; a 422 "Content is a duplicate of …" is duplicate content.
PublishResult refused(const PublishContext& ctx, const net::OutboundResult& r) {
  std::string message, code;
  if (r.response)
    if (auto body = json_object(r.response->body)) {
      if (const auto* m = body->if_contains("message"); m != nullptr && m->is_string()) message = m->get_string();
      if (const auto* c = body->if_contains("code"); c != nullptr && c->is_string()) code = c->get_string();
    }
  PublishResult out = refusal(r, ctx.clock, message);
  if (out.outcome == Outcome::permanent &&
      (code == "DUPLICATE_POST" || message.find("is a duplicate of") != std::string::npos))
    out.error_code = kDuplicateContent;
  return out;
}

struct Attached {
  std::optional<json::object> media;  // content.media
  std::optional<PublishResult> failure;
};

std::optional<std::string> string_at(const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v != nullptr && v->is_string()) return std::string(v->get_string());
  return std::nullopt;
}

// The "value" object of an initializeUpload answer, or nullopt.
std::optional<json::object> value_of(const net::OutboundResult& r) {
  auto body = json_object(r.response->body);
  const auto* v = body ? body->if_contains("value") : nullptr;
  if (v == nullptr || !v->is_object()) return std::nullopt;
  return v->get_object();
}

PublishResult upload_refused(const PublishContext& ctx, const net::OutboundResult& r, std::string_view step) {
  if (!r.response || r.failure) return upload_failure(r, ctx.clock, "LinkedIn " + std::string(step) + " failed");
  PublishResult out = refused(ctx, r);
  if (out.outcome == Outcome::permanent) out.error_code = kMediaRejected;
  return out;
}

PublishResult unreadable(std::string_view what) {
  PublishResult out = media_failure(kUnexpectedAnswer, "LinkedIn answered without " + std::string(what));
  out.outcome = Outcome::transient;  // nothing is posted yet: uploading again is safe
  return out;
}

// PUTs bytes [first, first + length) of `m` to one of LinkedIn's upload
// URLs: the answer, or why the part could not be read or was refused.
struct Put {
  net::OutboundResult response;
  std::optional<PublishResult> failure;
};
boost::asio::awaitable<Put> put_bytes(const PublishContext& ctx, const MediaItem& m, std::string url,
                                      std::int64_t first, std::int64_t length, std::string step) {
  Put out;
  Bytes bytes = co_await read_bytes(ctx, m, first, length);
  if (bytes.failure) {
    out.failure = std::move(bytes.failure);
    co_return out;
  }
  auto put = bearer_request(ctx, verb::put, url);
  put.headers.emplace_back("Content-Type", "application/octet-stream");
  put.body = std::move(bytes.data);
  out.response = co_await ctx.http.send(std::move(put));
  if (!succeeded(out.response)) out.failure = upload_refused(ctx, out.response, step);
  co_return out;
}

// Images API: initializeUpload → PUT the bytes to uploadUrl → content.media.
boost::asio::awaitable<Attached> attach_image(const PublishContext& ctx, const MediaItem& m, const std::string& owner) {
  Attached out;
  auto init = request(ctx, verb::post, ctx.spec.api_url("/rest/images?action=initializeUpload"));
  init.headers.emplace_back("Content-Type", "application/json");
  init.body = json::serialize(json::object{{"initializeUploadRequest", {{"owner", owner}}}});
  net::OutboundResult r = co_await ctx.http.send(std::move(init));
  if (!succeeded(r)) {
    out.failure = upload_refused(ctx, r, "image initializeUpload");
    co_return out;
  }
  const auto value = value_of(r);
  const auto url = value ? string_at(*value, "uploadUrl") : std::nullopt;
  const auto image = value ? string_at(*value, "image") : std::nullopt;
  if (!url || !image) {
    out.failure = unreadable("an uploadUrl and image URN");
    co_return out;
  }
  Put put = co_await put_bytes(ctx, m, *url, 0, m.size, "image upload");
  if (put.failure) {
    out.failure = std::move(put.failure);
    co_return out;
  }
  json::object media{{"id", *image}};
  if (!m.alt_text.empty()) media["altText"] = m.alt_text;
  out.media = std::move(media);
  co_return out;
}

// Videos API: initializeUpload (fileSizeBytes) → PUT each part's byte range
// to its uploadUrl, keeping the ETags in order → finalizeUpload → content.media.
boost::asio::awaitable<Attached> attach_video(const PublishContext& ctx, const MediaItem& m, const std::string& owner) {
  Attached out;
  auto init = request(ctx, verb::post, ctx.spec.api_url("/rest/videos?action=initializeUpload"));
  init.headers.emplace_back("Content-Type", "application/json");
  init.body = json::serialize(json::object{{"initializeUploadRequest",
                                            {{"owner", owner},
                                             {"fileSizeBytes", m.size},
                                             {"uploadCaptions", false},
                                             {"uploadThumbnail", false}}}});
  net::OutboundResult r = co_await ctx.http.send(std::move(init));
  if (!succeeded(r)) {
    out.failure = upload_refused(ctx, r, "video initializeUpload");
    co_return out;
  }
  const auto value = value_of(r);
  const auto video = value ? string_at(*value, "video") : std::nullopt;
  const auto token = value ? string_at(*value, "uploadToken") : std::nullopt;
  const std::vector<const json::object*> parts = value ? objects_in(*value, "uploadInstructions") : std::vector<const json::object*>{};
  if (!video || parts.empty()) {
    out.failure = unreadable("a video URN and upload instructions");
    co_return out;
  }
  json::array etags;
  for (const json::object* part : parts) {
    const auto url = string_at(*part, "uploadUrl");
    const auto first = int_at(*part, "firstByte"), last = int_at(*part, "lastByte");
    if (!url || !first || !last || *last < *first) {
      out.failure = unreadable("a usable upload instruction");
      co_return out;
    }
    Put put = co_await put_bytes(ctx, m, *url, *first, *last - *first + 1, "video part upload");
    if (put.failure) {
      out.failure = std::move(put.failure);
      co_return out;
    }
    std::string etag = put.response.response->header("etag");
    if (etag.empty()) {
      out.failure = unreadable("the part's ETag");
      co_return out;
    }
    etags.push_back(json::value(std::move(etag)));
  }
  auto fin = request(ctx, verb::post, ctx.spec.api_url("/rest/videos?action=finalizeUpload"));
  fin.headers.emplace_back("Content-Type", "application/json");
  fin.body = json::serialize(json::object{
      {"finalizeUploadRequest", {{"video", *video}, {"uploadToken", token.value_or("")}, {"uploadedPartIds", etags}}}});
  r = co_await ctx.http.send(std::move(fin));
  if (!succeeded(r)) {
    out.failure = upload_refused(ctx, r, "video finalizeUpload");
    co_return out;
  }
  out.media = json::object{{"id", *video}};
  co_return out;
}

class LinkedInPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    const std::string author = author_of(ctx);
    if (item.position == 0) {
      json::object body = post_body(ctx, item, author);
      // One image/GIF or video per post, the first (contract §25.3); an article link wins.
      if (const MediaItem* m = first_media(item); m != nullptr && !body.contains("content")) {
        Attached attached;
        if (is_video(*m))
          attached = co_await attach_video(ctx, *m, author);
        else
          attached = co_await attach_image(ctx, *m, author);
        if (attached.failure) co_return std::move(*attached.failure);
        body["content"] = {{"media", std::move(*attached.media)}};
      }
      auto req = request(ctx, verb::post, ctx.spec.api_url("/rest/posts"));
      req.headers.emplace_back("Content-Type", "application/json");
      req.body = json::serialize(body);
      const net::OutboundResult r = co_await ctx.http.send(std::move(req));
      if (!succeeded(r)) co_return refused(ctx, r);
      // 201 with an empty body: the new post's URN is only in x-restli-id.
      std::string urn = r.response->header("x-restli-id");
      if (urn.empty()) co_return unexpected_answer(*r.response, "the post URN (x-restli-id)");
      co_return created(r, post_ref(std::move(urn), author));
    }
    if (!item.root) co_return missing_root(item);
    const std::string& root = item.root->id;
    auto req = request(ctx, verb::post, comments_url(ctx, root));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json::serialize(json::object{{"actor", author}, {"object", root}, {"message", {{"text", item.text}}}});
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (!succeeded(r)) co_return refused(ctx, r);
    std::string urn = comment_urn_of(*r.response);
    if (urn.empty()) co_return unexpected_answer(*r.response, "the comment URN");
    co_return created(r, comment_ref(root, std::move(urn)));
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    const std::string author = author_of(ctx);
    const std::int64_t since_ms = core::to_unix_ms(since);
    if (item.position == 0) {
      boost::urls::url u(ctx.spec.api_url("/rest/posts"));
      u.set_encoded_query("author=" + component(author) + "&q=author&count=" + std::to_string(kLookupCount) +
                          "&sortBy=CREATED");
      auto listed = co_await get_listing(ctx.http, request(ctx, verb::get, std::string(u.buffer())));
      if (!listed.object) co_return unavailable(listed);
      // The commentary comes back as stored: in little-text form.
      const std::string commentary = linkedin_little_text(item.text);
      for (const json::object* post : objects_in(*listed.object, "elements")) {
        const auto created = int_at(*post, "createdAt");
        const auto* id = post->if_contains("id");
        const auto* text = post->if_contains("commentary");
        if (id == nullptr || !id->is_string() || text == nullptr || !text->is_string()) continue;
        if (text->get_string() != commentary || (created && *created < since_ms)) continue;
        co_return found(post_ref(std::string(id->get_string()), author));
      }
      co_return absent();
    }
    if (!item.root) co_return LookupResult{LookupOutcome::unavailable, std::nullopt, "no root post to look under"};
    const std::string& root = item.root->id;
    boost::urls::url u(comments_url(ctx, root));
    u.set_encoded_query("count=" + std::to_string(kLookupCount));
    auto listed = co_await get_listing(ctx.http, request(ctx, verb::get, std::string(u.buffer())));
    if (!listed.object) co_return unavailable(listed);
    for (const json::object* comment : objects_in(*listed.object, "elements")) {
      const auto* actor = comment->if_contains("actor");
      const auto* message = comment->if_contains("message");
      if (actor == nullptr || !actor->is_string() || actor->get_string() != author) continue;
      if (message == nullptr || !message->is_object()) continue;
      const auto* text = message->get_object().if_contains("text");
      if (text == nullptr || !text->is_string() || text->get_string() != item.text) continue;
      if (const auto* c = comment->if_contains("created"); c != nullptr && c->is_object())
        if (auto t = int_at(c->get_object(), "time"); t && *t < since_ms) continue;
      std::string urn;
      for (std::string_view key : {"commentUrn", "$URN"})
        if (const auto* v = comment->if_contains(key); urn.empty() && v != nullptr && v->is_string())
          urn = std::string(v->get_string());
      if (urn.empty()) continue;
      co_return found(comment_ref(root, std::move(urn)));
    }
    co_return absent();
  }
};

}  // namespace

std::string linkedin_little_text(std::string_view text) {
  constexpr std::string_view kReserved = "\\|{}@[]()<>#*_~";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (kReserved.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

const Publisher& linkedin_publisher() {
  static const LinkedInPublisher publisher;
  return publisher;
}

}  // namespace postfuze::publishers
