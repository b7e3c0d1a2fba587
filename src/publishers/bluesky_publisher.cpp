#include "publishers/bluesky_publisher.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/url.hpp>
#include <cctype>

#include "core/time_format.hpp"
#include "publishers/json_fields.hpp"
#include "publishers/chunked_upload.hpp"
#include "publishers/http_outcome.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using boost::beast::http::verb;

constexpr std::string_view kPost = "app.bsky.feed.post";
constexpr int kLookupPages = 5;
constexpr std::size_t kMaxTagPoints = 64;  // facet#tag maxGraphemes; code points never undercount

bool space(unsigned char c) { return std::isspace(c) != 0; }
bool trailing_punct(char c) { return std::string_view(".,;:!?)]}'\"").find(c) != std::string_view::npos; }

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The account's PDS: platform_data["pds"], else the catalogue's API base.
std::string pds_of(const PublishContext& ctx) {
  if (const auto* v = ctx.account.platform_data.if_contains("pds"); v && v->is_string() && !v->get_string().empty())
    return std::string(v->get_string());
  return ctx.spec.api_base_url;
}

urls::url xrpc(const PublishContext& ctx, std::string_view nsid) {
  urls::url u(pds_of(ctx));
  auto path = u.segments();
  if (!path.empty() && path.back().empty()) path.pop_back();
  path.push_back("xrpc");
  path.push_back(nsid);
  return u;
}

net::OutboundRequest request(const PublishContext& ctx, verb method, const urls::url& url) {
  return bearer_request(ctx, method, std::string(url.buffer()));
}

// XRPC {"error","message"}: the session errors are auth whatever the status (400 on a PDS).
PublishResult refusal(const PublishContext& ctx, const net::OutboundResponse& res) {
  const auto body = json_object(res.body);
  const std::string error = body ? string_in(*body, "error") : std::string();
  std::string message = body ? string_in(*body, "message") : std::string();
  if (message.empty()) message = "Bluesky answered " + std::to_string(res.status);
  PublishResult out = by_status(res, ctx.clock, error.empty() ? message : error + ": " + message);
  if (error == "ExpiredToken" || error == "InvalidToken" || error == "AuthMissing" ||
      error == "AuthenticationRequired") {
    out.outcome = Outcome::auth;
    out.error_code = kTokenRejected;
  } else if (error == "RateLimitExceeded") {
    out.outcome = Outcome::rate_limited;
    out.error_code = kPlatformRateLimited;
    out.retry_after = retry_after(res, ctx.clock);
  }
  return out;
}

// https://bsky.app/profile/{handle or DID}/post/{rkey}
PlatformRef ref_for(const PublishContext& ctx, const std::string& uri, const std::string& cid) {
  PlatformRef ref;
  ref.id = uri;
  urls::url u("https://bsky.app");
  u.segments().push_back("profile");
  u.segments().push_back(ctx.account.username.value_or(ctx.account.network_unique_id));
  u.segments().push_back("post");
  u.segments().push_back(uri.substr(uri.rfind('/') + 1));
  ref.url = std::string(u.buffer());
  ref.extra["uri"] = uri;
  ref.extra["cid"] = cid;
  return ref;
}

// Resolves @handle → DID at the PDS; nullopt when it cannot (the mention stays plain text).
boost::asio::awaitable<std::optional<std::string>> resolve(const PublishContext& ctx, const std::string& handle) {
  urls::url u = xrpc(ctx, "com.atproto.identity.resolveHandle");
  u.params().append({"handle", handle});
  const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, u));
  if (!r.response || r.failure || r.response->status != 200) co_return std::nullopt;
  const auto body = json_object(r.response->body);
  const std::string did = body ? string_in(*body, "did") : std::string();
  if (!did.starts_with("did:")) co_return std::nullopt;
  co_return did;
}

boost::asio::awaitable<json::array> facets_for(const PublishContext& ctx, const std::string& text) {
  json::array out;
  for (const FacetSpan& span : detect_facets(text)) {
    json::object feature;
    switch (span.kind) {
      case FacetSpan::Kind::link:
        feature["$type"] = "app.bsky.richtext.facet#link";
        feature["uri"] = span.value;
        break;
      case FacetSpan::Kind::mention: {
        auto did = co_await resolve(ctx, span.value);
        if (!did) continue;
        feature["$type"] = "app.bsky.richtext.facet#mention";
        feature["did"] = *did;
        break;
      }
      case FacetSpan::Kind::tag:
        feature["$type"] = "app.bsky.richtext.facet#tag";
        feature["tag"] = span.value;
        break;
    }
    json::object index;
    index["byteStart"] = span.start;
    index["byteEnd"] = span.end;
    json::object facet;
    facet["index"] = std::move(index);
    facet["features"] = json::array{std::move(feature)};
    out.push_back(std::move(facet));
  }
  co_return out;
}

std::optional<json::object> strong_ref(const std::optional<PlatformRef>& ref) {
  if (!ref) return std::nullopt;
  const std::string uri = string_in(ref->extra, "uri");
  const std::string cid = string_in(ref->extra, "cid");
  if (uri.empty() || cid.empty()) return std::nullopt;
  json::object out;
  out["uri"] = uri;
  out["cid"] = cid;
  return out;
}

constexpr std::size_t kMaxImages = 4;              // app.bsky.embed.images maxLength
constexpr std::int64_t kMaxImageBytes = 1'000'000;  // app.bsky.embed.images#image maxSize (contract §25.12)

struct Embed {
  std::optional<json::object> embed;
  std::optional<PublishResult> failure;
};

// The container's images (up to 4) as blobs: uploadBlob with the raw bytes
// and their exact Content-Type, then app.bsky.embed.images with each blob,
// its alt text (required, may be empty) and aspectRatio when known.
boost::asio::awaitable<Embed> images_embed(const PublishContext& ctx, const PublishItem& item) {
  Embed out;
  json::array images;
  for (const MediaItem& m : item.media) {
    if (m.kind != "image" && m.kind != "gif") continue;
    if (images.size() == kMaxImages) break;
    if (m.size > kMaxImageBytes) {
      out.failure = media_failure(kMediaTooLarge, "Bluesky takes images up to 1,000,000 bytes; " + m.id + " has " +
                                                      std::to_string(m.size));
      co_return out;
    }
    Bytes bytes = co_await read_bytes(ctx, m, 0, m.size);
    if (bytes.failure) {
      out.failure = std::move(bytes.failure);
      co_return out;
    }
    auto req = request(ctx, verb::post, xrpc(ctx, "com.atproto.repo.uploadBlob"));
    req.headers.emplace_back("Content-Type", m.content_type);
    req.body = std::move(bytes.data);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (!r.response || r.failure) {
      out.failure = upload_failure(r, ctx.clock, "Bluesky uploadBlob failed");
      co_return out;
    }
    if (r.response->status < 200 || r.response->status >= 300) {
      out.failure = refusal(ctx, *r.response);
      if (out.failure->outcome == Outcome::permanent) out.failure->error_code = kMediaRejected;
      co_return out;
    }
    const auto answer = json_object(r.response->body);
    const auto* blob = answer ? answer->if_contains("blob") : nullptr;
    if (!blob || !blob->is_object()) {
      out.failure = media_failure(kUnexpectedAnswer, "Bluesky answered uploadBlob without a blob");
      out.failure->outcome = Outcome::transient;
      co_return out;
    }
    json::object image{{"image", *blob}, {"alt", m.alt_text}};
    if (m.width && m.height && *m.width > 0 && *m.height > 0)
      image["aspectRatio"] = {{"width", *m.width}, {"height", *m.height}};
    images.push_back(std::move(image));
  }
  if (!images.empty()) out.embed = json::object{{"$type", "app.bsky.embed.images"}, {"images", std::move(images)}};
  co_return out;
}

class BlueskyPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    json::object record;
    record["$type"] = kPost;
    record["text"] = item.text;
    record["createdAt"] = core::format_timestamp(ctx.clock.now());
    if (json::array facets = co_await facets_for(ctx, item.text); !facets.empty()) record["facets"] = std::move(facets);
    Embed embed = co_await images_embed(ctx, item);
    if (embed.failure) co_return std::move(*embed.failure);
    if (embed.embed) record["embed"] = std::move(*embed.embed);
    if (item.position > 0) {
      auto root = strong_ref(item.root), parent = strong_ref(item.parent);
      if (!root || !parent) {
        PublishResult missing;
        missing.outcome = Outcome::permanent;
        missing.error_code = kPlatformRejected;
        missing.message = "A Bluesky reply needs the uri and cid of its root and parent";
        co_return missing;
      }
      json::object reply;
      reply["root"] = std::move(*root);
      reply["parent"] = std::move(*parent);
      record["reply"] = std::move(reply);
    }
    json::object body;
    body["repo"] = ctx.account.network_unique_id;
    body["collection"] = kPost;
    body["record"] = std::move(record);
    auto req = request(ctx, verb::post, xrpc(ctx, "com.atproto.repo.createRecord"));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json::serialize(body);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (auto failure = transport_failure(r)) co_return *failure;
    const auto& res = *r.response;
    if (res.status < 200 || res.status >= 300) co_return refusal(ctx, res);
    const auto answer = json_object(res.body);
    const std::string uri = answer ? string_in(*answer, "uri") : std::string();
    const std::string cid = answer ? string_in(*answer, "cid") : std::string();
    if (uri.empty() || cid.empty()) co_return unexpected_answer(res, "the record's uri and cid");
    PublishResult out;
    out.outcome = Outcome::created;
    out.ref = ref_for(ctx, uri, cid);
    out.platform_status = res.status;
    co_return out;
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    const std::string want_parent = item.parent ? string_in(item.parent->extra, "uri") : std::string();
    std::string cursor;
    for (int page = 0; page < kLookupPages; ++page) {
      urls::url u = xrpc(ctx, "com.atproto.repo.listRecords");
      u.params().append({"repo", ctx.account.network_unique_id});
      u.params().append({"collection", kPost});
      u.params().append({"limit", "100"});
      if (!cursor.empty()) u.params().append({"cursor", cursor});
      const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, u));
      if (!r.response || r.failure)
        co_return LookupResult{LookupOutcome::unavailable, {}, "Bluesky could not be asked: " + r.detail};
      if (r.response->status != 200)
        co_return LookupResult{LookupOutcome::unavailable, {}, refusal(ctx, *r.response).message};
      const auto answer = json_object(r.response->body);
      const auto* records = answer ? answer->if_contains("records") : nullptr;
      if (!records || !records->is_array())
        co_return LookupResult{LookupOutcome::unavailable, {}, "Bluesky answered a listing without records"};
      bool older = false;  // newest first: once past `since`, stop
      for (const auto& v : records->get_array()) {
        const auto* rec = v.if_object();
        const json::object* value = nullptr;
        if (rec)
          if (const auto* vv = rec->if_contains("value")) value = vv->if_object();
        if (!value) continue;
        if (auto at = core::parse_timestamp(string_in(*value, "createdAt")); at && *at < since) {
          older = true;
          continue;
        }
        if (string_in(*value, "text") != item.text) continue;
        std::string parent;
        if (const auto* reply = value->if_contains("reply"); reply && reply->is_object())
          if (const auto* p = reply->get_object().if_contains("parent"); p && p->is_object())
            parent = string_in(p->get_object(), "uri");
        if (parent != want_parent) continue;
        co_return LookupResult{LookupOutcome::found, ref_for(ctx, string_in(*rec, "uri"), string_in(*rec, "cid")), {}};
      }
      cursor = answer->contains("cursor") ? string_in(*answer, "cursor") : std::string();
      if (older || cursor.empty()) co_return LookupResult{LookupOutcome::absent, {}, {}};
    }
    co_return LookupResult{LookupOutcome::unavailable, {}, "Bluesky's records since the intent are more than we read"};
  }
};

}  // namespace

std::vector<FacetSpan> detect_facets(std::string_view text) {
  std::vector<FacetSpan> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const bool at_word_start = i == 0 || space(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '(';
    const auto rest = text.substr(i);
    if (at_word_start && (rest.starts_with("https://") || rest.starts_with("http://"))) {
      std::size_t end = i;
      while (end < text.size() && !space(static_cast<unsigned char>(text[end]))) ++end;
      while (end > i && trailing_punct(text[end - 1])) --end;
      const std::size_t scheme_end = rest.starts_with("https://") ? i + 8 : i + 7;
      if (end > scheme_end) {
        out.push_back({FacetSpan::Kind::link, i, end, std::string(text.substr(i, end - i))});
        i = end;
        continue;
      }
    }
    if (at_word_start && text[i] == '@') {
      std::size_t end = i + 1;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
                                   text[end] == '-'))
        ++end;
      while (end > i + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
      const std::string handle(text.substr(i + 1, end - i - 1));
      if (handle.find('.') != std::string::npos && !handle.starts_with('.')) {
        out.push_back({FacetSpan::Kind::mention, i, end, handle});
        i = end;
        continue;
      }
    }
    if (at_word_start && text[i] == '#') {
      // A tag runs to whitespace; trailing punctuation is not part of it (any script allowed).
      std::size_t end = i + 1;
      while (end < text.size() && !space(static_cast<unsigned char>(text[end]))) ++end;
      while (end > i + 1 && trailing_punct(text[end - 1])) --end;
      const std::string tag(text.substr(i + 1, end - i - 1));
      bool digits_only = !tag.empty();
      for (unsigned char c : tag) digits_only = digits_only && std::isdigit(c);
      if (!tag.empty() && !digits_only && code_points(tag) <= kMaxTagPoints && tag.find('#') == std::string::npos) {
        out.push_back({FacetSpan::Kind::tag, i, end, tag});
        i = end;
        continue;
      }
    }
    ++i;
  }
  return out;
}

const Publisher& bluesky_publisher() {
  static const BlueskyPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
