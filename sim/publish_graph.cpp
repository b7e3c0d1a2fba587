// Facebook Pages publishing (platforms.md §4): POST /{page-id}/feed with that
// Page's own token (a user token, or another Page's token, is refused with
// Graph's (#200)), comments on a post or comment, and the feed and comment
// listings with fields=, limit, since and cursor paging. Parameters arrive as
// a JSON body, a form body or the query, as Graph takes them. Errors are
// Graph's {"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}:
// (#100) bad parameters, (#100) subcode 33 an unknown object, (#200)
// permissions, (#506) a duplicate status.
#include <variant>

#include <boost/json/parse.hpp>
#include <boost/url/url.hpp>

#include "core/time_format.hpp"
#include "crypto/encoding.hpp"
#include "sim/api_support.hpp"
#include "sim/field_selection.hpp"
#include "sim/graph_publish_support.hpp"
#include "sim/publish_business.hpp"
#include "sim/publish_media_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
namespace urls = boost::urls;
using http::bhttp::field;

constexpr std::size_t kMaxMessage = 63206;  // a Page post's longest message
constexpr int kDefaultLimit = 25;
constexpr int kMaxLimit = 100;
constexpr int kCodeInvalidImage = 324;  // Graph: "Missing or invalid image file"
constexpr int kCodeVideoUpload = 6000;  // Graph: "There was a problem uploading your video file"

http::Response invalid(PublishCall& pc, std::string_view message) {
  return graph_refusal(pc, 400, 100, 0, "(#100) " + std::string(message));
}

// Graph's answer for an id it cannot act on (wrong type, unknown, or not visible).
http::Response unsupported(PublishCall& pc, std::string_view id, std::string_view verb) {
  return graph_refusal(pc, 400, 100, 33,
                       "Unsupported " + std::string(verb) + " request. Object with ID '" + std::string(id) +
                           "' does not exist, cannot be loaded due to missing permissions, or does not support "
                           "this operation.",
                       "GraphMethodException");
}

// The Page this login's token stands for, when it is a Page token.
std::optional<std::string> token_page(const PublishCall& pc) {
  if (pc.token->kind != TokenKind::page) return std::nullopt;
  return derived_id(pc.user(), "page", pc.token->page);
}

bool page_of_login(const PublishCall& pc, std::string_view id) {
  for (int i = 1; i <= pc.token->grant->accounts; ++i)
    if (derived_id(pc.user(), "page", i) == id) return true;
  return false;
}

// "/me" with a Page token is the Page.
std::string path_page(const PublishCall& pc) {
  const std::string id(pc.req.param("page"));
  if (id == "me")
    if (auto page = token_page(pc)) return *page;
  return id;
}

std::string permalink(const SimPost& p) {
  if (const auto* own = p.extra.if_contains("permalink"); own != nullptr && own->is_string())
    return std::string(own->get_string());  // videos: /{page}/videos/{id}
  const auto sep = p.id.rfind('_');
  return "https://www.facebook.com/" + p.author + "/posts/" + p.id.substr(sep + 1);
}

json::object post_node(const SimPost& p) {
  json::object node{{"id", p.id},
                    {"message", p.text},
                    {"created_time", graph_time(p.created)},
                    {"updated_time", graph_time(p.created)},
                    {"permalink_url", permalink(p)},
                    {"from", {{"name", p.author}, {"id", p.author}}},
                    {"is_published", true},
                    {"status_type", "mobile_status_update"}};
  if (const auto* link = p.extra.if_contains("link")) node["link"] = *link;
  return node;
}

json::object comment_node(const SimPost& c) {
  return {{"id", c.id},
          {"message", c.text},
          {"created_time", graph_time(c.created)},
          {"from", {{"name", c.author}, {"id", c.author}}},
          {"like_count", 0},
          {"comment_count", 0},
          {"can_remove", true},
          {"parent", {{"id", c.parent_id}}}};
}

// fields= applied to `node`; the error when a field does not exist.
std::optional<json::object> selected(PublishCall& pc, const json::object& node, std::string_view defaults,
                                     std::string_view node_type, std::optional<http::Response>& error) {
  const auto spec = pc.query.get("fields");
  auto fields = parse_fields(spec ? *spec : defaults);
  if (!fields) {
    error = invalid(pc, "The fields parameter is malformed.");
    return std::nullopt;
  }
  std::string unknown;
  auto out = select_fields(node, *fields, unknown, true);
  if (!unknown.empty()) {
    error = invalid(pc, "Tried accessing nonexisting field (" + unknown + ") on node type (" + std::string(node_type) + ")");
    return std::nullopt;
  }
  return out;
}

std::string cursor(std::size_t index) { return crypto::base64url_encode(std::to_string(index)); }

std::optional<std::size_t> from_cursor(std::string_view c) {
  auto raw = crypto::base64url_decode(c);
  if (!raw || raw->empty() || raw->size() > 9) return std::nullopt;
  std::size_t n = 0;
  for (char ch : *raw) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(ch - '0');
  }
  return n;
}

// One page of `items` as Graph lists an edge: {"data":[…],"paging":{"cursors","next"?}}.
http::Response listing(PublishCall& pc, const std::vector<SimPost>& items, json::object (*render)(const SimPost&),
                       std::string_view defaults, std::string_view node_type) {
  int limit = kDefaultLimit;
  if (auto l = pc.query.get("limit")) {
    limit = 0;
    for (char c : *l) limit = (c >= '0' && c <= '9' && limit < 10000) ? limit * 10 + (c - '0') : -1;
    if (l->empty() || limit < 1) return invalid(pc, "limit must be a positive integer.");
    limit = std::min(limit, kMaxLimit);
  }
  std::size_t start = 0;
  if (auto after = pc.query.get("after")) {
    auto index = from_cursor(*after);
    if (!index) return invalid(pc, "The after cursor is invalid.");
    start = *index + 1;
  }
  const std::size_t end = std::min(items.size(), start + static_cast<std::size_t>(limit));
  json::array data;
  for (std::size_t i = start; i < end; ++i) {
    std::optional<http::Response> error;
    auto node = selected(pc, render(items[i]), defaults, node_type, error);
    if (!node) return std::move(*error);
    data.push_back(std::move(*node));
  }
  json::object body{{"data", std::move(data)}};
  if (start < end) {
    json::object paging{{"cursors", {{"before", cursor(start)}, {"after", cursor(end - 1)}}}};
    if (end < items.size()) {
      urls::url next(pc.sim.base_url);
      next.set_encoded_path(pc.req.target.encoded_path());
      for (const auto& [k, v] : pc.query.items())
        if (k != "after" && k != "access_token") append_param(next, k, v);
      append_param(next, "after", cursor(end - 1));
      paging["next"] = next.buffer();
    }
    body["paging"] = std::move(paging);
  }
  return ok_json(body);
}

// attached_media: [{"media_fbid":"…"},…] as JSON, or that array as a form string.
std::vector<std::string> photo_ids(const json::object& params) {
  std::vector<std::string> out;
  const auto* v = params.if_contains("attached_media");
  if (v == nullptr) return out;
  json::value parsed;
  if (v->is_string()) {
    boost::system::error_code ec;
    parsed = json::parse(v->get_string(), ec);
    if (ec) return {"?"};
    v = &parsed;
  }
  if (!v->is_array()) return {"?"};
  for (const auto& item : v->get_array()) {
    const auto* id = item.is_object() ? item.get_object().if_contains("media_fbid") : nullptr;
    out.push_back(id != nullptr && id->is_string() ? std::string(id->get_string()) : "?");
  }
  return out;
}

// The media of the unpublished photos attached_media names: each this Page's, unused.
std::variant<json::array, http::Response> attached_photos(PublishCall& pc, const std::string& page,
                                                          const json::object& params) {
  json::array media;
  for (const auto& id : photo_ids(params)) {
    auto photo = pc.sim.state.with([&](SimState::Data& d) -> std::optional<SimContainer> {
      auto it = d.containers.find(id);
      if (it == d.containers.end() || it->second.platform != pc.platform || it->second.author != page)
        return std::nullopt;
      return it->second;
    });
    if (!photo) return unsupported(pc, id, "attach");
    if (!photo->published_id.empty()) return invalid(pc, "The photo " + id + " is already attached to a post.");
    for (auto& m : container_media(photo->fields)) media.push_back(m);
  }
  return media;
}

// The Page a media upload goes to, or Graph's refusal (the same rules as /feed).
std::variant<std::string, http::Response> upload_page(PublishCall& pc) {
  const std::string page = path_page(pc);
  if (!page_of_login(pc, page)) return unsupported(pc, page, "post");
  if (token_page(pc) != page)
    return graph_refusal(pc, 403, 200, 0,
                         "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts "
                         "as an admin with sufficient administrative permission");
  return page;
}

// published: absent or true publishes; "false"/false uploads only.
bool publishes(const json::object& params) {
  const auto* v = params.if_contains("published");
  if (v == nullptr) return true;
  if (v->is_bool()) return v->get_bool();
  return !(v->is_string() && v->get_string() == "false");
}

}  // namespace

boost::asio::awaitable<http::Response> facebook_create_photo(PublishCall& pc) {
  auto target = upload_page(pc);
  if (auto* refusal = std::get_if<http::Response>(&target)) co_return std::move(*refusal);
  const std::string page = std::get<std::string>(target);
  auto params = graph_parameters(pc);
  if (!params) co_return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string url = param(*params, "url");
  if (url.empty()) co_return invalid(pc, "A photo needs url (multipart source uploads are not simulated).");
  std::string caption = param(*params, "caption");
  if (caption.empty()) caption = param(*params, "message");
  if (caption.size() > kMaxMessage) co_return invalid(pc, "The message is too long.");
  // Facebook downloads the photo during the call.
  const FetchedMedia got = co_await fetch_media(url, MediaExpect::image);
  if (!got.fetched || !got.decodable)
    co_return graph_refusal(pc, 400, kCodeInvalidImage, 0, "(#324) Missing or invalid image file: " + got.problem);
  const std::string photo_id = std::to_string(pc.next_id() + 10'000'000'000ull);
  if (!publishes(*params)) {
    json::object fields{{"caption", caption}};
    attach_media(fields, {got});
    pc.sim.state.with([&](SimState::Data& d) {
      d.containers[photo_id] = SimContainer{std::string(pc.platform), page, fields, {}, pc.now()};
    });
    co_return ok_json(json::object{{"id", photo_id}});
  }
  SimPost post;
  post.id = page + "_" + std::to_string(pc.next_id());
  post.author = page;
  post.text = caption;
  post.extra = {{"photo_id", photo_id}, {"media", json::array{got.json()}}};
  post = pc.store(std::move(post));
  co_return ok_json(json::object{{"id", photo_id}, {"post_id", post.id}});
}

boost::asio::awaitable<http::Response> facebook_create_video(PublishCall& pc) {
  auto target = upload_page(pc);
  if (auto* refusal = std::get_if<http::Response>(&target)) co_return std::move(*refusal);
  const std::string page = std::get<std::string>(target);
  auto params = graph_parameters(pc);
  if (!params) co_return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string url = param(*params, "file_url");
  if (url.empty()) co_return invalid(pc, "A video needs file_url (resumable uploads are not simulated).");
  const std::string description = param(*params, "description");
  if (description.size() > kMaxMessage) co_return invalid(pc, "The description is too long.");
  const FetchedMedia got = co_await fetch_media(url, MediaExpect::video);
  if (!got.fetched || !got.decodable)
    co_return graph_refusal(pc, 400, kCodeVideoUpload, 0,
                            "(#6000) There was a problem uploading your video file: " + got.problem);
  SimPost post;
  post.id = std::to_string(pc.next_id() + 20'000'000'000ull);  // a video's id is its post's
  post.author = page;
  post.text = description;
  post.extra = {{"title", param(*params, "title")},
                {"media", json::array{got.json()}},
                {"permalink", "https://www.facebook.com/" + page + "/videos/" + post.id}};
  post = pc.store(std::move(post));
  co_return ok_json(json::object{{"id", post.id}});
}

http::Response facebook_create_post(PublishCall& pc) {
  const std::string page = path_page(pc);
  if (!page_of_login(pc, page)) return unsupported(pc, page, "post");
  // Publishing needs that Page's own token (§4: "publish with that token, not the user token").
  if (token_page(pc) != page)
    return graph_refusal(pc, 403, 200, 0,
                         "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts "
                         "as an admin with sufficient administrative permission");
  auto params = graph_parameters(pc);
  if (!params) return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string message = param(*params, "message");
  const std::string link = param(*params, "link");
  auto attached = attached_photos(pc, page, *params);
  if (auto* refusal = std::get_if<http::Response>(&attached)) return std::move(*refusal);
  json::array media = std::get<json::array>(std::move(attached));
  if (message.empty() && link.empty() && media.empty())
    return invalid(pc, "Either message or link must be provided.");
  if (message.size() > kMaxMessage) return invalid(pc, "The message is too long.");
  if (!link.empty() && !link.starts_with("https://") && !link.starts_with("http://"))
    return invalid(pc, "The link must be an absolute http(s) URL.");
  if (const auto* published = params->if_contains("published");
      published != nullptr && !(published->is_bool() || (published->is_string() && (published->get_string() == "true" ||
                                                                           published->get_string() == "false"))))
    return invalid(pc, "published must be a boolean.");
  // Graph refuses the same status twice in a row on a Page.
  const auto earlier = pc.posts_by(page);
  for (const SimPost& p : earlier)
    if (p.root_id.empty() && media.empty()) {
      const auto* l = p.extra.if_contains("link");
      const std::string last_link = l != nullptr && l->is_string() ? std::string(l->get_string()) : std::string();
      if (p.text == message && last_link == link) return graph_refusal(pc, 400, 506, 0, "(#506) Duplicate status message");
      break;
    }

  SimPost post;
  post.id = page + "_" + std::to_string(pc.next_id());
  post.author = page;
  post.text = message;
  if (!link.empty()) post.extra["link"] = link;
  if (!media.empty()) post.extra["media"] = std::move(media);
  post = pc.store(std::move(post));
  // Each attached photo now belongs to this post.
  pc.sim.state.with([&](SimState::Data& d) {
    for (const auto& id : photo_ids(*params)) d.containers[id].published_id = post.id;
  });
  // The answer is the new node: its id, plus whatever fields= asked for.
  std::optional<http::Response> error;
  auto node = selected(pc, post_node(post), "id", "Post", error);
  if (!node) return std::move(*error);
  return ok_json(*node);
}

http::Response facebook_feed(PublishCall& pc) {
  const std::string page = path_page(pc);
  if (!page_of_login(pc, page)) return unsupported(pc, page, "get");
  if (token_page(pc) != page)
    return graph_refusal(pc, 403, 200, 0, "(#200) Reading a Page's feed requires that Page's access token");
  std::optional<core::TimePoint> since;
  if (auto s = pc.query.get("since")) {
    std::int64_t n = 0;
    for (char c : *s) n = (c >= '0' && c <= '9' && n < 100'000'000'000) ? n * 10 + (c - '0') : -1;
    if (s->empty() || n < 0) return invalid(pc, "since must be a UNIX timestamp.");
    since = core::from_unix_ms(n * 1000);
  }
  std::vector<SimPost> posts;  // newest first, as Graph lists a feed
  for (auto& p : pc.posts_by(page))
    if (p.root_id.empty() && (!since || p.created >= *since)) posts.push_back(std::move(p));
  return listing(pc, posts, post_node, "created_time,message,id", "Post");
}

http::Response facebook_create_comment(PublishCall& pc) {
  const std::string object(pc.req.param("object"));
  const auto target = pc.find_post(object);
  if (!target) return unsupported(pc, object, "post");
  // The Page comments as itself, with its own token.
  const auto page = token_page(pc);
  if (!page)
    return graph_refusal(pc, 403, 200, 0, "(#200) Commenting as a Page requires that Page's access token");
  auto params = graph_parameters(pc);
  if (!params) return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string message = param(*params, "message");
  if (message.empty()) return invalid(pc, "A comment needs a message (or an attachment).");
  if (message.size() > 8000) return invalid(pc, "The comment is too long.");

  SimPost comment;
  const auto sep = object.rfind('_');
  comment.id = object.substr(sep == std::string::npos ? 0 : sep + 1) + "_" + std::to_string(pc.next_id());
  comment.author = *page;
  comment.text = message;
  comment.parent_id = object;
  comment.root_id = target->root_id.empty() ? object : target->root_id;
  comment = pc.store(std::move(comment));
  return ok_json(json::object{{"id", comment.id}});
}

http::Response facebook_comments(PublishCall& pc) {
  const std::string object(pc.req.param("object"));
  if (!pc.find_post(object)) return unsupported(pc, object, "get");
  std::vector<SimPost> comments;  // chronological, Graph's default order for comments
  pc.sim.state.with([&](SimState::Data& d) {
    for (const auto& p : d.posts)
      if (p.platform == pc.platform && p.parent_id == object) comments.push_back(p);
  });
  return listing(pc, comments, comment_node, "created_time,from,message,id", "Comment");
}

}  // namespace postfuze::sim::publish
