// Instagram publishing through Facebook Login (platforms.md §5A; Meta's
// "Content Publishing" guide and the IG User /media, /media_publish and IG
// Container references): POST /{ig-user-id}/media makes a container — an
// image (image_url), a REELS or STORIES video (video_url), a STORIES image,
// a carousel item (is_carousel_item=true) or a CAROUSEL of 2–10 finished
// items (children=id,id,…) — downloading its media as Instagram does;
// GET /{container}?fields=status_code answers IN_PROGRESS while a video
// "processes" (graph_publish_support.hpp), then FINISHED, or ERROR for a file
// that cannot be decoded; POST /{ig-user-id}/media_publish?creation_id=
// publishes a FINISHED container once. A URL that cannot be downloaded is
// refused at creation: (#9004) subcode 2207052. Media, comments and the
// user's media listing (for PostFuze's find()) are read back with fields=.
#include <variant>

#include <boost/json/serialize.hpp>

#include "crypto/encoding.hpp"
#include "publish/text_length.hpp"
#include "sim/api_support.hpp"
#include "sim/field_selection.hpp"
#include "sim/graph_publish_support.hpp"
#include "sim/publish_media_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxCaption = 2200;  // characters (platforms.md §5A / contract §25.4)
constexpr std::size_t kMinCarousel = 2, kMaxCarousel = 10;
constexpr std::string_view kMediaTypes[] = {"IMAGE", "REELS", "STORIES", "CAROUSEL", "VIDEO"};

// Instagram's content-publishing error codes (IG Graph API "Error codes").
constexpr int kCodeMediaDownload = 9004;       // with subcode 2207052: the media could not be fetched
constexpr int kSubcodeMediaFetch = 2207052;
constexpr int kCodeNotReady = 9007;            // with subcode 2207027: the container is not finished
constexpr int kSubcodeNotReady = 2207027;
constexpr int kSubcodeProcessingFailed = 2207032;  // the container ended in ERROR

// The IG professional accounts this login reaches (one per linked Page).
bool own_ig_user(const PublishCall& pc, std::string_view id) {
  for (int i = 1; i <= pc.token->grant->accounts; ++i)
    if (derived_id(pc.user(), "ig", i) == id) return true;
  return false;
}

std::string ig_username(const PublishCall& pc, std::string_view id) {
  for (int i = 1; i <= pc.token->grant->accounts; ++i)
    if (derived_id(pc.user(), "ig", i) == id) return pc.user().username + "_ig_" + std::to_string(i);
  return std::string(id);
}

http::Response invalid(PublishCall& pc, std::string_view message) {
  return graph_refusal(pc, 400, 100, 0, "(#100) " + std::string(message));
}

http::Response missing_object(PublishCall& pc, std::string_view id) {
  return graph_refusal(pc, 400, 100, 33,
                       "Unsupported request. Object with ID '" + std::string(id) +
                           "' does not exist, cannot be loaded due to missing permissions, or does not support this "
                           "operation.",
                       "GraphMethodException");
}

json::object media_node(const SimPost& p) {
  json::object node{{"id", p.id},
                    {"caption", p.text},
                    {"media_type", p.extra.at("media_type")},
                    {"media_product_type", p.extra.at("media_product_type")},
                    {"permalink", p.extra.at("permalink")},
                    {"shortcode", p.extra.at("shortcode")},
                    {"timestamp", graph_time(p.created)},
                    {"username", p.extra.at("username")},
                    {"owner", {{"id", p.author}}},
                    {"is_comment_enabled", true},
                    {"comments_count", 0},
                    {"like_count", 0},
                    {"media_url", nullptr},
                    {"thumbnail_url", nullptr}};
  return node;
}

json::object comment_node(const SimPost& c) {
  return {{"id", c.id},
          {"text", c.text},
          {"timestamp", graph_time(c.created)},
          {"username", c.extra.at("username")},
          {"from", {{"id", c.author}, {"username", c.extra.at("username")}}},
          {"parent_id", c.parent_id},
          {"like_count", 0},
          {"hidden", false}};
}

// fields= applied to `node` (default: id); the error when a field does not exist.
std::optional<http::Response> select(PublishCall& pc, const json::object& node, std::string_view node_type,
                                     json::object& out) {
  const std::string spec(pc.query.get("fields").value_or("id"));
  auto fields = parse_fields(spec);
  if (!fields) return invalid(pc, "Syntax error in fields");
  std::string unknown;
  out = select_fields(node, *fields, unknown, true);
  if (!unknown.empty())
    return invalid(pc, "Tried accessing nonexisting field (" + unknown + ") on node type (" + std::string(node_type) + ")");
  return std::nullopt;
}

// Newest first, with limit (≤ 100) and since (unix seconds); no paging beyond one page.
http::Response listing(PublishCall& pc, const std::vector<SimPost>& items, json::object (*render)(const SimPost&),
                       std::string_view node_type) {
  int limit = 25;
  if (auto l = pc.query.get("limit")) {
    limit = 0;
    for (char c : *l) limit = (c >= '0' && c <= '9' && limit < 1000) ? limit * 10 + (c - '0') : -1;
    if (l->empty() || limit < 1 || limit > 100) return invalid(pc, "Param limit must be between 1 and 100");
  }
  std::optional<std::int64_t> since;
  if (auto s = pc.query.get("since")) {
    std::int64_t n = 0;
    for (char c : *s) n = (c >= '0' && c <= '9' && n < 100'000'000'000) ? n * 10 + (c - '0') : -1;
    if (s->empty() || n < 0) return invalid(pc, "Param since must be a unix timestamp");
    since = n;
  }
  json::array data;
  for (const auto& p : items) {
    const auto at = std::chrono::duration_cast<std::chrono::seconds>(p.created.time_since_epoch()).count();
    if (since && at < *since) continue;
    if (static_cast<int>(data.size()) == limit) break;
    json::object selected;
    if (auto error = select(pc, render(p), node_type, selected)) return std::move(*error);
    data.push_back(std::move(selected));
  }
  return ok_json(json::object{{"data", std::move(data)}});
}

bool truthy(const json::object& params, std::string_view key) { return param(params, key) == "true" ||
                                                                       (params.contains(key) && params.at(key).is_bool() && params.at(key).get_bool()); }

// The container's pieces after validation, before any download.
struct Plan {
  std::string media_type;  // as stored: IMAGE, VIDEO (reel or story video), CAROUSEL
  std::string product;     // FEED, REELS, STORY
  std::string url;         // the file to download ("" for a carousel)
  MediaExpect expect = MediaExpect::image;
  std::vector<std::string> children;
};

// Splits "a,b,c" (Graph also takes a JSON array).
std::vector<std::string> children_of(const json::object& params) {
  std::vector<std::string> out;
  const auto* v = params.if_contains("children");
  if (v == nullptr) return out;
  if (v->is_array()) {
    for (const auto& c : v->get_array())
      if (c.is_string()) out.emplace_back(c.get_string());
    return out;
  }
  if (!v->is_string()) return out;
  std::string_view s = v->get_string();
  while (!s.empty()) {
    const auto comma = s.find(',');
    if (auto part = s.substr(0, comma); !part.empty()) out.emplace_back(part);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return out;
}

// What the create call asks for, or the refusal Instagram gives.
std::variant<Plan, http::Response> plan(PublishCall& pc, const json::object& params) {
  Plan p;
  std::string type = param(params, "media_type");
  if (!type.empty()) {
    bool known = false;
    for (auto k : kMediaTypes) known = known || k == type;
    if (!known) return invalid(pc, "The parameter media_type is not a valid value");
  }
  const std::string image = param(params, "image_url"), video = param(params, "video_url");
  const bool item = truthy(params, "is_carousel_item");
  if (type == "CAROUSEL") {
    p.media_type = "CAROUSEL_ALBUM";
    p.product = "FEED";
    p.children = children_of(params);
    if (p.children.size() < kMinCarousel || p.children.size() > kMaxCarousel)
      return invalid(pc, "A carousel needs 2 to 10 children");
    return p;
  }
  if (!image.empty() == !video.empty()) return invalid(pc, "Give exactly one of image_url and video_url");
  if (!video.empty() && type.empty() && !item)
    return invalid(pc, "Videos are published as media_type=REELS (or STORIES)");
  if (!image.empty() && (type == "REELS" || type == "VIDEO")) return invalid(pc, "REELS need a video_url");
  p.url = image.empty() ? video : image;
  p.expect = image.empty() ? MediaExpect::video : MediaExpect::image;
  p.media_type = image.empty() ? "VIDEO" : "IMAGE";
  p.product = type == "STORIES" ? "STORY" : type == "REELS" ? "REELS" : "FEED";
  if (item && p.product != "FEED") return invalid(pc, "Carousel items cannot be stories or reels");
  return p;
}

}  // namespace

boost::asio::awaitable<http::Response> instagram_create_container(PublishCall& pc) {
  const std::string user(pc.req.param("user"));
  if (!own_ig_user(pc, user)) co_return missing_object(pc, user);
  auto params = graph_parameters(pc);
  if (!params) co_return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string caption = param(*params, "caption");
  if (postfuze::publish::text_length(caption, providers::TextUnit::code_points) > kMaxCaption)
    co_return graph_refusal(pc, 400, 100, 2207010, "The caption is too long: at most 2200 characters.");
  auto planned = plan(pc, *params);
  if (auto* refusal = std::get_if<http::Response>(&planned)) co_return std::move(*refusal);
  Plan p = std::get<Plan>(std::move(planned));
  json::object fields{{"media_type", p.media_type}, {"media_product_type", p.product}, {"caption", caption},
                      {"is_carousel_item", truthy(*params, "is_carousel_item")}};
  if (!p.children.empty()) {
    // Every child: this user's unpublished carousel item, finished.
    json::array media, ids;
    for (const auto& child : p.children) {
      auto c = pc.sim.state.with([&](SimState::Data& d) -> std::optional<SimContainer> {
        auto it = d.containers.find(child);
        if (it == d.containers.end() || it->second.platform != pc.platform || it->second.author != user)
          return std::nullopt;
        return it->second;
      });
      if (!c || !c->fields.at("is_carousel_item").as_bool()) co_return missing_object(pc, child);
      if (container_status(pc, child, false) != "FINISHED")
        co_return graph_refusal(pc, 400, kCodeNotReady, kSubcodeNotReady,
                                "The carousel item " + child + " is not ready (status not FINISHED).");
      for (auto& m : container_media(c->fields)) media.push_back(m);
      ids.push_back(json::value(child));
    }
    fields["children"] = std::move(ids);
    fields["_media"] = std::move(media);
  } else {
    // Instagram downloads the file now; a URL it cannot fetch is refused at once.
    FetchedMedia got = co_await fetch_media(p.url, p.expect);
    if (!got.fetched)
      co_return graph_refusal(pc, 400, kCodeMediaDownload, kSubcodeMediaFetch,
                              "Media download has failed. The media URI doesn't meet our requirements: " + got.problem,
                              "OAuthException");
    attach_media(fields, {got});
  }
  const std::string id = std::to_string(17'800'000'000'000'000ull + pc.next_id());
  pc.sim.state.with([&](SimState::Data& d) {
    d.containers[id] = SimContainer{std::string(pc.platform), user, fields, {}, pc.now()};
  });
  co_return ok_json(json::object{{"id", id}});
}

http::Response instagram_publish(PublishCall& pc) {
  const std::string user(pc.req.param("user"));
  if (!own_ig_user(pc, user)) return missing_object(pc, user);
  auto params = graph_parameters(pc);
  if (!params) return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string creation = param(*params, "creation_id");
  if (creation.empty()) return invalid(pc, "The parameter creation_id is required.");
  auto container = pc.sim.state.with([&](SimState::Data& d) -> std::optional<SimContainer> {
    auto it = d.containers.find(creation);
    if (it == d.containers.end() || it->second.platform != pc.platform || it->second.author != user)
      return std::nullopt;
    return it->second;
  });
  if (!container) return missing_object(pc, creation);
  if (container->fields.at("is_carousel_item").as_bool())
    return invalid(pc, "A carousel item is published through its CAROUSEL container.");
  const std::string status = container_status(pc, creation, false).value_or("ERROR");
  if (status == "PUBLISHED") return invalid(pc, "This media container has already been published.");
  if (status == "IN_PROGRESS")
    return graph_refusal(pc, 400, kCodeNotReady, kSubcodeNotReady,
                         "The media is not ready for publishing, please wait for a moment");
  if (status == "ERROR")
    return graph_refusal(pc, 400, kCodeNotReady, kSubcodeProcessingFailed,
                         "Media upload has failed with error code 2207032: the media could not be processed.");
  const std::string id = std::to_string(18'100'000'000'000'000ull + pc.next_id());
  const std::string shortcode = crypto::base64url_encode(id).substr(0, 11);
  const json::object& f = container->fields;
  const std::string product(f.at("media_product_type").as_string());
  const std::string kind = product == "REELS" ? "reel" : product == "STORY" ? "stories" : "p";
  SimPost post;
  post.id = id;
  post.author = user;
  post.text = std::string(f.at("caption").as_string());
  post.extra = {{"container_id", creation},
                {"media_type", f.at("media_type")},
                {"media_product_type", product},
                {"media", container_media(f)},
                {"shortcode", shortcode},
                {"username", ig_username(pc, user)},
                {"permalink", "https://www.instagram.com/" + kind + "/" + shortcode + "/"}};
  if (const auto* children = f.if_contains("children")) post.extra["children"] = *children;
  pc.store(std::move(post));
  pc.sim.state.with([&](SimState::Data& d) { d.containers[creation].published_id = id; });
  return ok_json(json::object{{"id", id}});
}

http::Response instagram_node(PublishCall& pc) {
  const std::string id(pc.req.param("id"));
  json::object node;
  std::string_view type = "IGMedia";
  if (auto post = pc.find_post(id)) {
    node = post->parent_id.empty() ? media_node(*post) : comment_node(*post);
    if (!post->parent_id.empty()) type = "IGComment";
  } else if (auto status = container_status(pc, id, true)) {
    // IG Container: status_code, and status with a reason when it failed.
    type = "ShadowIGMediaBuilder";
    const std::string detail = *status == "ERROR" ? "Error: 2207032 the media could not be processed" : *status;
    node = {{"id", id}, {"status_code", *status}, {"status", detail}};
  } else {
    return missing_object(pc, id);
  }
  json::object out;
  if (auto error = select(pc, node, type, out)) return std::move(*error);
  return ok_json(out);
}

http::Response instagram_user_media(PublishCall& pc) {
  const std::string user(pc.req.param("user"));
  if (!own_ig_user(pc, user)) return missing_object(pc, user);
  std::vector<SimPost> roots;
  for (auto& p : pc.posts_by(user))
    if (p.parent_id.empty()) roots.push_back(std::move(p));
  return listing(pc, roots, media_node, "IGMedia");
}

http::Response instagram_create_comment(PublishCall& pc) {
  const std::string media(pc.req.param("media"));
  const auto target = pc.find_post(media);
  if (!target || !target->parent_id.empty()) return missing_object(pc, media);
  if (!own_ig_user(pc, target->author)) return missing_object(pc, media);
  auto params = graph_parameters(pc);
  if (!params) return invalid(pc, "The request body is neither JSON nor a form.");
  const std::string message = param(*params, "message");
  if (message.empty()) return invalid(pc, "The parameter message is required.");
  if (postfuze::publish::text_length(message, providers::TextUnit::code_points) > kMaxCaption)
    return invalid(pc, "The comment is too long.");
  SimPost comment;
  comment.id = std::to_string(17'950'000'000'000'000ull + pc.next_id());
  comment.author = target->author;  // the account comments as itself
  comment.text = message;
  comment.parent_id = media;
  comment.root_id = media;
  comment.extra = {{"username", ig_username(pc, target->author)}};
  comment = pc.store(std::move(comment));
  return ok_json(json::object{{"id", comment.id}});
}

http::Response instagram_comments(PublishCall& pc) {
  const std::string media(pc.req.param("media"));
  if (!pc.find_post(media)) return missing_object(pc, media);
  std::vector<SimPost> comments;
  pc.sim.state.with([&](SimState::Data& d) {
    for (const auto& p : d.posts)
      if (p.platform == pc.platform && p.parent_id == media) comments.push_back(p);
  });
  return listing(pc, comments, comment_node, "IGComment");
}

}  // namespace postfuze::sim::publish
