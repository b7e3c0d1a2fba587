#include "publishers/reddit_publisher.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cctype>
#include <variant>

#include "net/form_encoding.hpp"
#include "publishers/json_fields.hpp"
#include "publishers/chunked_upload.hpp"
#include "publishers/http_outcome.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using boost::beast::http::verb;

constexpr std::size_t kMaxTitle = 300;  // code points (contract §25.10)
// An image submit answers without the post's id; until the user's listing
// shows the post, the outcome is ambiguous with this code (the engine asks find() later).
constexpr std::string_view kPostNotVisible = "post_not_visible_yet";
// Listings and our clock may disagree this much when create() looks its own image post up.
constexpr auto kLookupSkew = std::chrono::minutes(2);

// platforms.md §13: "<platform>:<app id>:<version> (by /u/<name>)".
std::string user_agent(const PublishContext& ctx) {
  return "server:postfuze:1.0 (by /u/" + ctx.account.username.value_or("postfuze") + ")";
}

net::OutboundRequest request(const PublishContext& ctx, verb method, const urls::url& url) {
  auto req = bearer_request(ctx, method, std::string(url.buffer()));
  req.headers.emplace_back("User-Agent", user_agent(ctx));
  return req;
}

urls::url api(const PublishContext& ctx, std::string_view path) { return urls::url(ctx.spec.api_url(path)); }

// The first line of the content, cut to 300 code points at a code point boundary.
std::string title_from(std::string_view content) {
  std::string_view line = content.substr(0, content.find('\n'));
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
  std::size_t points = 0, end = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (points == kMaxTitle) break;
    ++points;
    end = i + 1;
    while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) ++end;
  }
  std::string out(line.substr(0, end));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

// The first http(s) URL in the content (up to whitespace, without trailing punctuation).
std::string first_link(std::string_view content) {
  for (std::size_t at = 0; at < content.size(); ++at) {
    const auto rest = content.substr(at);
    if (!rest.starts_with("http://") && !rest.starts_with("https://")) continue;
    if (at > 0 && !std::isspace(static_cast<unsigned char>(content[at - 1])) && content[at - 1] != '(') continue;
    std::size_t end = at;
    while (end < content.size() && !std::isspace(static_cast<unsigned char>(content[end]))) ++end;
    while (end > at && std::string_view(".,;:!?)]}'\"").find(content[end - 1]) != std::string_view::npos) --end;
    return std::string(content.substr(at, end - at));
  }
  return {};
}

PublishResult permanent(std::string code, std::string message) {
  PublishResult out;
  out.outcome = Outcome::permanent;
  out.error_code = std::move(code);
  out.message = std::move(message);
  return out;
}

// "you are doing that too much. try again in 9 minutes." → 540 s.
std::optional<std::chrono::seconds> wait_in(std::string_view message) {
  const auto at = message.find("try again in ");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + 13);
  std::size_t n = 0, i = 0;
  while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) n = n * 10 + static_cast<std::size_t>(rest[i++] - '0');
  if (i == 0) return std::nullopt;
  rest = rest.substr(i);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const long unit = rest.starts_with("hour") ? 3600 : rest.starts_with("minute") ? 60 : 1;
  return std::chrono::seconds(static_cast<long>(n) * unit);
}

// Reddit's 200-with-errors: the first [CODE, message, field] decides.
PublishResult json_errors(const PublishContext& ctx, const net::OutboundResponse& res, const json::array& errors) {
  std::string code = "UNKNOWN", message, field;
  if (const auto* first = errors.front().if_array()) {
    if (first->size() > 0 && first->at(0).is_string()) code = first->at(0).get_string();
    if (first->size() > 1 && first->at(1).is_string()) message = first->at(1).get_string();
    if (first->size() > 2 && first->at(2).is_string()) field = first->at(2).get_string();
  }
  PublishResult out = permanent(std::string(kPlatformRejected),
                                safe_message(code + ": " + message + (field.empty() ? "" : " (" + field + ")")));
  out.platform_status = res.status;
  if (code == "RATELIMIT") {
    out.outcome = Outcome::rate_limited;
    out.error_code = kPlatformRateLimited;
    out.retry_after = wait_in(message);
    if (!out.retry_after) out.retry_after = retry_after(res, ctx.clock);
  } else if (code == "SUBREDDIT_NOEXIST") {
    out.error_code = "subreddit_not_found";
  } else if (code == "SUBREDDIT_NOTALLOWED" || code == "SUBREDDIT_NO_ACCESS") {
    out.error_code = "subreddit_not_allowed";
  } else if (code == "ALREADY_SUB") {
    out.error_code = kDuplicateContent;
  }
  return out;
}

// Status classes, then the body's json.errors; the JSON object when all is well.
struct Answer {
  std::optional<json::object> json;  // the "json" member of a good answer
  std::optional<PublishResult> failed;
};

Answer read_answer(const PublishContext& ctx, const net::OutboundResult& r) {
  if (auto failure = transport_failure(r)) return {std::nullopt, *failure};
  const auto& res = *r.response;
  const auto body = json_object(res.body);
  if (res.status < 200 || res.status >= 300) {
    std::string message = body ? string_in(*body, "message") : std::string();
    if (message.empty()) message = "Reddit answered " + std::to_string(res.status);
    return {std::nullopt, by_status(res, ctx.clock, message)};
  }
  const auto* j = body ? body->if_contains("json") : nullptr;
  if (!j || !j->is_object()) return {std::nullopt, unexpected_answer(res, "a json member")};
  if (const auto* errors = j->get_object().if_contains("errors"); errors && errors->is_array() && !errors->get_array().empty())
    return {std::nullopt, json_errors(ctx, res, errors->get_array())};
  return {j->get_object(), std::nullopt};
}

PlatformRef ref(std::string id, std::string fullname, std::string url) {
  PlatformRef out;
  out.id = std::move(id);
  out.url = std::move(url);
  out.extra["fullname"] = std::move(fullname);
  return out;
}

std::string absolute(std::string_view permalink) {
  urls::url u("https://www.reddit.com");
  u.set_encoded_path(permalink);
  return std::string(u.buffer());
}

PublishResult created(PlatformRef r) {
  PublishResult out;
  out.outcome = Outcome::created;
  out.ref = std::move(r);
  return out;
}

// The post's kind: config.kind, else image when container 0 carries media,
// link when config.url is set, self otherwise.
std::string post_kind(const PublishContext& ctx, const PublishItem& item) {
  std::string kind = string_in(ctx.config, "kind");
  if (kind.empty()) kind = !item.media.empty() ? "image" : string_in(ctx.config, "url").empty() ? "self" : "link";
  return kind;
}

// The submission's form from the target's config (contract §25.10), or why it
// cannot be made. An image post's form lacks its url until the upload is done.
std::variant<net::FormFields, PublishResult> submission(const PublishContext& ctx, const PublishItem& item) {
  const std::string subreddit = string_in(ctx.config, "subreddit");
  if (subreddit.empty()) return permanent("subreddit_required", "config.reddit.subreddit is required");
  std::string title = string_in(ctx.config, "title");
  if (title.empty()) title = title_from(item.text);
  else title = title_from(title);
  if (title.empty()) return permanent(std::string(kPlatformRejected), "A Reddit post needs a title or content to take one from");
  const std::string kind = post_kind(ctx, item);
  std::string url = string_in(ctx.config, "url");
  // Media is never dropped silently: only an image post takes it.
  if (kind != "image" && !item.media.empty())
    return media_failure(kMediaNotSupported, "A Reddit " + kind + " post takes no media; use kind image or leave kind unset");
  net::FormFields form;
  form.emplace_back("api_type", "json");
  form.emplace_back("sr", subreddit.starts_with("r/") ? subreddit.substr(2) : subreddit);
  form.emplace_back("title", title);
  if (kind == "link") {
    if (url.empty()) url = first_link(item.text);
    if (url.empty()) return permanent(std::string(kPlatformRejected), "A Reddit link post needs config.url or a link in the content");
    form.emplace_back("kind", "link");
    form.emplace_back("url", url);
  } else if (kind == "self") {
    form.emplace_back("kind", "self");
    form.emplace_back("text", item.text);
  } else if (kind == "image") {
    const MediaItem* m = first_media(item);
    if (!m) return media_failure(kMediaMissing, "A Reddit image post needs an image on container 0");
    if (!is_image(*m)) return media_failure(kMediaNotSupported, "Reddit posts take one image or GIF, not " + m->content_type);
    form.emplace_back("kind", "image");
  } else {
    return permanent(std::string(kPlatformRejected), "Reddit posts of kind " + kind + " are not supported yet");
  }
  if (const std::string flair = string_in(ctx.config, "flair_id"); !flair.empty()) form.emplace_back("flair_id", flair);
  if (const std::string flair = string_in(ctx.config, "flair_text"); !flair.empty()) form.emplace_back("flair_text", flair);
  form.emplace_back("nsfw", bool_in(ctx.config, "nsfw") ? "true" : "false");
  form.emplace_back("spoiler", bool_in(ctx.config, "spoiler") ? "true" : "false");
  return form;
}

// A lease-upload step's failure: nothing is posted yet, so redoing it is safe.
PublishResult upload_refused(const PublishContext& ctx, const net::OutboundResult& r, std::string_view step) {
  if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300) {
    std::string message = "Reddit's media " + std::string(step) + " failed";
    if (r.response) {
      const auto body = json_object(r.response->body);
      if (const std::string m = body ? string_in(*body, "message") : std::string(); !m.empty())
        message += ": " + safe_message(m);
      else message += " with " + std::to_string(r.response->status);
    }
    return upload_failure(r, ctx.clock, std::move(message));
  }
  PublishResult out = unexpected_answer(*r.response, "an upload lease");
  out.outcome = Outcome::transient;
  return out;
}

// The file name the lease asks for: the media id with its type's extension.
std::string lease_filepath(const MediaItem& m) {
  if (m.content_type == "image/png") return m.id + ".png";
  if (m.content_type == "image/gif") return m.id + ".gif";
  if (m.content_type == "image/webp") return m.id + ".webp";
  return m.id + ".jpg";
}

// The lease's action resolved against the lease call's URL (RFC 3986 §5.2):
// Reddit's "//host" takes the API's scheme, https in production.
std::optional<urls::url> action_url(const PublishContext& ctx, std::string_view action) {
  auto ref = urls::parse_uri_reference(action);
  if (action.empty() || !ref) return std::nullopt;
  const std::string base = ctx.spec.api_url("/api/media/asset.json");
  urls::url out;
  if (!urls::resolve(urls::url_view(base), *ref, out)) return std::nullopt;
  return out;
}

struct Uploaded {
  std::string url;  // where Reddit keeps the image: the lease's action + "/" + key
  std::optional<PublishResult> failure;
};

// Reddit's media-asset lease (docs/decisions.md "Media publishing: byte
// uploads"): POST /api/media/asset.json {filepath, mimetype} → args.action
// (scheme-relative) and args.fields; then a multipart POST of every field in
// order and the file last to the action, which needs no Reddit token.
boost::asio::awaitable<Uploaded> upload(const PublishContext& ctx, const MediaItem& m) {
  Uploaded out;
  auto lease = request(ctx, verb::post, api(ctx, "/api/media/asset.json"));
  lease.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  lease.body = net::form_urlencode({{"filepath", lease_filepath(m)}, {"mimetype", m.content_type}});
  net::OutboundResult r = co_await ctx.http.send(std::move(lease));
  if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300) {
    out.failure = upload_refused(ctx, r, "lease");
    co_return out;
  }
  const auto body = json_object(r.response->body);
  const auto* args_v = body ? body->if_contains("args") : nullptr;
  const json::object* args = args_v ? args_v->if_object() : nullptr;
  const auto* fields = args ? args->if_contains("fields") : nullptr;
  const auto action = args ? action_url(ctx, string_in(*args, "action")) : std::nullopt;
  std::vector<FormPart> parts;
  std::string key;
  if (fields && fields->is_array())
    for (const auto& f : fields->get_array()) {
      const json::object* o = f.if_object();
      if (!o) continue;
      parts.push_back({string_in(*o, "name"), string_in(*o, "value")});
      if (parts.back().name == "key") key = parts.back().value;
    }
  if (!action || key.empty()) {
    out.failure = upload_refused(ctx, r, "lease");
    co_return out;
  }
  Bytes bytes = co_await read_bytes(ctx, m, 0, m.size);  // images are ≤ 20 MB: one read
  if (bytes.failure) {
    out.failure = std::move(bytes.failure);
    co_return out;
  }
  parts.push_back({"file", std::move(bytes.data), lease_filepath(m), m.content_type});
  const Multipart form = multipart(parts);
  net::OutboundRequest put;
  put.method = verb::post;
  put.url = std::string(action->buffer());
  put.timeout = ctx.timeout;
  put.headers = {{"Content-Type", form.content_type}, {"User-Agent", user_agent(ctx)}};
  put.body = form.body;
  r = co_await ctx.http.send(std::move(put));
  if (!r.response || r.failure || r.response->status < 200 || r.response->status >= 300) {
    out.failure = upload_refused(ctx, r, "upload");
    co_return out;
  }
  out.url = std::string(action->buffer()) + "/" + key;
  co_return out;
}

class RedditPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    net::FormFields form;
    const bool comment = item.position > 0;
    const core::TimePoint started = ctx.clock.now();
    bool image = false;
    if (comment) {
      const std::string parent = item.parent ? string_in(item.parent->extra, "fullname") : std::string();
      if (parent.empty()) co_return permanent(std::string(kPlatformRejected), "A Reddit comment needs the fullname of what it answers");
      form.emplace_back("api_type", "json");
      form.emplace_back("thing_id", parent);
      form.emplace_back("text", item.text);
    } else {
      auto made = submission(ctx, item);
      if (auto* refused = std::get_if<PublishResult>(&made)) co_return *refused;
      form = std::get<net::FormFields>(std::move(made));
      image = post_kind(ctx, item) == "image";
      if (image) {
        Uploaded up = co_await upload(ctx, *first_media(item));
        if (up.failure) co_return *up.failure;
        form.emplace_back("url", up.url);
      }
    }
    auto req = request(ctx, verb::post, api(ctx, comment ? "/api/comment" : "/api/submit"));
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = net::form_urlencode(form);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    Answer answer = read_answer(ctx, r);
    if (answer.failed) co_return *answer.failed;
    const auto* data = answer.json->if_contains("data");
    const json::object* d = data ? data->if_object() : nullptr;
    if (comment) {
      // {"things":[{"kind":"t1","data":{id,name,permalink,…}}]}
      const json::object* thing = nullptr;
      if (d)
        if (const auto* things = d->if_contains("things"); things && things->is_array() && !things->get_array().empty())
          if (const auto* t = things->get_array().front().if_object())
            if (const auto* td = t->if_contains("data")) thing = td->if_object();
      if (!thing || string_in(*thing, "id").empty()) co_return unexpected_answer(*r.response, "the comment");
      co_return created(ref(string_in(*thing, "id"), string_in(*thing, "name"), absolute(string_in(*thing, "permalink"))));
    }
    // An image submit answers websocket_url and user_submitted_page, not the
    // post: it appears in the user's listing once Reddit has processed the image.
    if (image && (!d || string_in(*d, "id").empty())) co_return co_await look_up_image(ctx, item, started);
    if (!d || string_in(*d, "id").empty()) co_return unexpected_answer(*r.response, "the submission's id");
    const std::string id = string_in(*d, "id");
    std::string fullname = string_in(*d, "name");
    if (fullname.empty()) fullname = "t3_" + id;
    std::string url = string_in(*d, "url");
    if (url.empty()) url = absolute("/comments/" + id + "/");
    co_return created(ref(id, fullname, url));
  }

  boost::asio::awaitable<PublishResult> look_up_image(const PublishContext& ctx, const PublishItem& item,
                                                      core::TimePoint started) const {
    LookupResult found = co_await find(ctx, item, started - kLookupSkew);
    if (found.outcome == LookupOutcome::found) co_return created(std::move(*found.ref));
    PublishResult out;
    out.outcome = Outcome::ambiguous;
    out.error_code = kPostNotVisible;
    out.message = "Reddit accepted the image post but it is not in the user's listing yet" +
                  (found.message.empty() ? std::string() : ": " + found.message);
    co_return out;
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    if (!ctx.account.username) co_return LookupResult{LookupOutcome::unavailable, {}, "the account's Reddit name is unknown"};
    const bool comment = item.position > 0;
    urls::url u = api(ctx, "/user");
    u.segments().push_back(*ctx.account.username);
    u.segments().push_back(comment ? "comments" : "submitted");
    u.params().append({"sort", "new"});
    u.params().append({"limit", "100"});
    u.params().append({"raw_json", "1"});  // bodies unescaped, so text compares exactly
    const net::OutboundResult r = co_await ctx.http.send(request(ctx, verb::get, u));
    if (!r.response || r.failure)
      co_return LookupResult{LookupOutcome::unavailable, {}, "Reddit could not be asked: " + r.detail};
    if (r.response->status != 200)
      co_return LookupResult{LookupOutcome::unavailable, {},
                             "Reddit answered " + std::to_string(r.response->status) +
                                 " to the user listing (it needs the history scope)"};
    const auto body = json_object(r.response->body);
    const json::object* data = nullptr;
    if (body)
      if (const auto* dv = body->if_contains("data")) data = dv->if_object();
    const auto* children = data ? data->if_contains("children") : nullptr;
    if (!children || !children->is_array())
      co_return LookupResult{LookupOutcome::unavailable, {}, "Reddit answered a listing without children"};

    std::string want_parent, want_title, want_url, want_sr, want_kind;
    if (comment) {
      want_parent = item.parent ? string_in(item.parent->extra, "fullname") : std::string();
    } else {
      auto made = submission(ctx, item);
      if (auto* refused = std::get_if<PublishResult>(&made))
        co_return LookupResult{LookupOutcome::absent, {}, refused->message};
      for (const auto& [k, v] : std::get<net::FormFields>(made)) {
        if (k == "title") want_title = v;
        if (k == "url") want_url = v;
        if (k == "sr") want_sr = v;
        if (k == "kind") want_kind = v;
      }
    }
    const double since_s =
        static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count());
    for (const auto& c : children->get_array()) {
      const json::object* t = nullptr;
      if (const auto* co = c.if_object())
        if (const auto* td = co->if_contains("data")) t = td->if_object();
      if (!t) continue;
      if (const auto* at = t->if_contains("created_utc"); at && at->is_number() && at->to_number<double>() < since_s - 1)
        continue;
      if (comment) {
        if (string_in(*t, "body") != item.text || string_in(*t, "parent_id") != want_parent) continue;
        co_return LookupResult{LookupOutcome::found,
                               ref(string_in(*t, "id"), string_in(*t, "name"), absolute(string_in(*t, "permalink"))), {}};
      }
      if (string_in(*t, "title") != want_title || string_in(*t, "subreddit") != want_sr) continue;
      // An image post's url is Reddit's copy of the upload (i.redd.it), not known beforehand.
      const bool media_post = bool_in(*t, "is_reddit_media_domain");
      if (want_kind == "image" ? !media_post
          : want_kind == "link" ? string_in(*t, "url") != want_url
                                : media_post || string_in(*t, "selftext") != item.text)
        continue;
      co_return LookupResult{LookupOutcome::found,
                             ref(string_in(*t, "id"), string_in(*t, "name"), absolute(string_in(*t, "permalink"))), {}};
    }
    co_return LookupResult{LookupOutcome::absent, {}, {}};
  }
};

}  // namespace

const Publisher& reddit_publisher() {
  static const RedditPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
