// Threads publishing (platforms.md §11; Meta's Threads docs "Posts",
// "Retrieve and Manage Replies", "Reply Management"): the two-step TEXT
// publish — POST /{user}/threads makes a container, POST
// /{user}/threads_publish?creation_id= publishes it — replies through
// reply_to_id (threads_manage_replies), GET /{id}?fields= for the permalink,
// and the user's /threads and /replies listings (the latter needs
// threads_read_replies). Parameters come as the query or a form body, as
// Graph takes them; errors are Graph's envelope.
#include <boost/json/parse.hpp>

#include "crypto/encoding.hpp"
#include "publish/text_length.hpp"
#include "sim/api_support.hpp"
#include "sim/field_selection.hpp"
#include "sim/graph_publish_support.hpp"
#include "sim/publish_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::size_t kMaxText = 500;  // characters (platforms.md §11)
// Graph's media error codes, as Instagram's (publish_instagram.cpp).
constexpr int kCodeMediaDownload = 9004, kSubcodeMediaFetch = 2207052;
constexpr int kCodeNotReady = 9007, kSubcodeNotReady = 2207027, kSubcodeProcessingFailed = 2207032;
constexpr std::string_view kReplyControls[] = {"everyone", "accounts_you_follow", "mentioned_only",
                                               "parent_post_author_only", "followers_only"};

http::Response graph_error(PublishCall& pc, int code, int subcode, std::string_view message, int http = 400) {
  pc.rejected();
  json::object inner{{"message", message}, {"type", "OAuthException"}, {"code", code}};
  if (subcode) inner["error_subcode"] = subcode;
  inner["fbtrace_id"] = crypto::hex_encode(pc.sim.random.bytes(10));
  return http::json_response(static_cast<status>(http), json::object{{"error", std::move(inner)}});
}

http::Response missing_object(PublishCall& pc, std::string_view id) {
  return graph_error(pc, 100, 33,
                     "Unsupported request. Object with ID '" + std::string(id) +
                         "' does not exist, cannot be loaded due to missing permissions, or does not support this "
                         "operation.");
}

// Query parameters, then the form body's (Graph reads both).
Params parameters(PublishCall& pc) {
  std::string all(pc.req.target.encoded_query());
  if (is_form(pc.req.header(http::bhttp::field::content_type))) {
    if (!all.empty()) all += '&';
    all += pc.req.message.body();
  }
  return Params::parse(all).value_or(pc.query);
}

// "me" or the token's own user id.
bool own_user(PublishCall& pc) {
  const std::string user(pc.req.param("user"));
  return user == "me" || user == pc.actor;
}

// TEXT_POST, IMAGE or VIDEO, from the container it was published from.
std::string media_type_of(const SimPost& p) {
  const auto* f = p.extra.if_contains("fields");
  const auto* t = f != nullptr && f->is_object() ? f->get_object().if_contains("media_type") : nullptr;
  if (t == nullptr || !t->is_string() || t->get_string() == "TEXT") return "TEXT_POST";
  return std::string(t->get_string());
}

json::object media_node(PublishCall& pc, const SimPost& p) {
  json::object node{{"id", p.id},
                    {"media_product_type", "THREADS"},
                    {"media_type", media_type_of(p)},
                    {"text", p.text},
                    {"timestamp", graph_time(p.created)},
                    {"permalink", p.extra.at("permalink")},
                    {"shortcode", p.extra.at("shortcode")},
                    {"username", p.extra.at("username")},
                    {"owner", {{"id", p.author}}},
                    {"is_quote_post", false},
                    {"is_reply", !p.parent_id.empty()},
                    {"has_replies", false},
                    {"root_post", p.root_id.empty() ? json::value(nullptr) : json::value(json::object{{"id", p.root_id}})},
                    {"replied_to", p.parent_id.empty() ? json::value(nullptr) : json::value(json::object{{"id", p.parent_id}})},
                    {"media_url", nullptr},
                    {"thumbnail_url", nullptr},
                    {"children", nullptr},
                    {"topic_tag", nullptr},
                    {"reply_audience", nullptr},
                    {"hide_status", nullptr}};
  (void)pc;
  return node;
}

// fields= on a node; the default is the id.
std::optional<http::Response> select(PublishCall& pc, const json::object& node, json::object& out) {
  const std::string spec(pc.query.get("fields").value_or("id"));
  auto fields = parse_fields(spec);
  if (!fields) {
    out = {};
    return graph_error(pc, 100, 0, "Syntax error in fields");
  }
  std::string unknown;
  out = select_fields(node, *fields, unknown, true);
  if (!unknown.empty())
    return graph_error(pc, 100, 0, "(#100) Tried accessing nonexisting field (" + unknown + ")");
  return std::nullopt;
}

// A user listing: roots (/threads) or replies (/replies), newest first, with
// limit, since/until (unix seconds) and an `after` cursor.
http::Response listing(PublishCall& pc, bool replies) {
  if (!own_user(pc)) return missing_object(pc, pc.req.param("user"));
  int limit = 25;
  if (auto l = pc.query.get("limit")) {
    try {
      limit = std::stoi(std::string(*l));
    } catch (...) {
      limit = 0;
    }
    if (limit < 1 || limit > 100) return graph_error(pc, 100, 0, "(#100) Param limit must be between 1 and 100");
  }
  std::optional<std::int64_t> since, until;
  for (auto [name, out] : {std::pair{"since", &since}, std::pair{"until", &until}})
    if (auto v = pc.query.get(name)) {
      try {
        *out = std::stoll(std::string(*v));
      } catch (...) {
        return graph_error(pc, 100, 0, "(#100) Param " + std::string(name) + " must be a unix timestamp");
      }
    }
  const std::string after(pc.query.get("after").value_or(""));
  json::array data;
  bool skipping = !after.empty();
  std::string last;
  bool more = false;
  for (const auto& p : pc.posts_by(pc.actor)) {
    if (p.parent_id.empty() == replies) continue;
    if (skipping) {
      skipping = crypto::base64url_encode(p.id) != after;
      continue;
    }
    const auto at = std::chrono::duration_cast<std::chrono::seconds>(p.created.time_since_epoch()).count();
    if ((since && at < *since) || (until && at > *until)) continue;
    if (static_cast<int>(data.size()) == limit) {
      more = true;
      break;
    }
    json::object selected;
    if (auto error = select(pc, media_node(pc, p), selected)) return std::move(*error);
    data.push_back(std::move(selected));
    last = p.id;
  }
  json::object out{{"data", data}};
  if (!data.empty()) {
    json::object cursors{{"before", crypto::base64url_encode(std::string(data.front().at("id").as_string()))},
                         {"after", crypto::base64url_encode(last)}};
    json::object paging{{"cursors", std::move(cursors)}};
    if (more) paging["next"] = "";  // presence is what clients check; the cursor carries the position
    out["paging"] = std::move(paging);
  }
  return ok_json(out);
}

}  // namespace

boost::asio::awaitable<http::Response> threads_create_container(PublishCall& pc) {
  if (!own_user(pc)) co_return missing_object(pc, pc.req.param("user"));
  const Params in = parameters(pc);
  const auto media_type = in.get("media_type");
  if (!media_type) co_return graph_error(pc, 100, 0, "(#100) The parameter media_type is required.");
  const std::string type(*media_type);
  if (type != "TEXT" && type != "IMAGE" && type != "VIDEO")
    co_return graph_error(pc, 100, 0, "(#100) Only media_type TEXT, IMAGE and VIDEO are simulated; got " + type);
  const std::string text(in.get("text").value_or(""));
  if (text.empty() && type == "TEXT")
    co_return graph_error(pc, 100, 0, "(#100) The parameter text is required for TEXT posts.");
  if (postfuze::publish::text_length(text, providers::TextUnit::code_points) > kMaxText)
    co_return graph_error(pc, 100, 2207003, "The post text is too long: at most 500 characters.");
  json::object fields{{"media_type", type}, {"text", text}};
  if (type != "TEXT") {
    // Threads downloads the file while the container is made; a URL it cannot fetch is refused.
    const char* key = type == "IMAGE" ? "image_url" : "video_url";
    const std::string url(in.get(key).value_or(""));
    if (url.empty()) co_return graph_error(pc, 100, 0, "(#100) The parameter " + std::string(key) + " is required.");
    const FetchedMedia got = co_await fetch_media(url, type == "IMAGE" ? MediaExpect::image : MediaExpect::video);
    if (!got.fetched)
      co_return graph_error(pc, kCodeMediaDownload, kSubcodeMediaFetch,
                            "Media download has failed. The media URI doesn't meet our requirements: " + got.problem);
    fields[key] = url;
    attach_media(fields, {got});
  }
  if (auto control = in.get("reply_control")) {
    bool known = false;
    for (auto k : kReplyControls) known = known || k == *control;
    if (!known) co_return graph_error(pc, 100, 0, "(#100) Param reply_control is not a valid value");
    fields["reply_control"] = *control;
  }
  for (const char* name : {"link_attachment", "topic_tag"})
    if (auto v = in.get(name)) fields[name] = *v;
  if (auto reply_to = in.get("reply_to_id")) {
    // Replying is reply management: POST calls need threads_manage_replies.
    if (!has_scope(*pc.token->grant, "threads_manage_replies"))
      co_return graph_error(pc, 10, 0, "(#10) Application does not have permission for this action", 403);
    if (!pc.find_post(*reply_to)) co_return missing_object(pc, *reply_to);
    fields["reply_to_id"] = *reply_to;
  }
  const std::string id = std::to_string(17'900'000'000'000'000ull + pc.next_id());
  pc.sim.state.with([&](SimState::Data& d) {
    d.containers[id] = SimContainer{std::string(pc.platform), pc.actor, fields, {}, pc.now()};
  });
  co_return ok_json(json::object{{"id", id}});
}

http::Response threads_publish(PublishCall& pc) {
  if (!own_user(pc)) return missing_object(pc, pc.req.param("user"));
  const Params in = parameters(pc);
  const auto creation_id = in.get("creation_id");
  if (!creation_id) return graph_error(pc, 100, 0, "(#100) The parameter creation_id is required.");
  enum class State { missing, published, ready };
  SimContainer container;
  const State state = pc.sim.state.with([&](SimState::Data& d) {
    auto it = d.containers.find(std::string(*creation_id));
    if (it == d.containers.end() || it->second.platform != pc.platform || it->second.author != pc.actor)
      return State::missing;
    if (!it->second.published_id.empty()) return State::published;
    container = it->second;
    return State::ready;
  });
  if (state == State::missing)
    return graph_error(pc, 24, 4279009, "The requested resource does not exist: creation_id " + std::string(*creation_id));
  if (state == State::published)
    return graph_error(pc, 100, 0, "(#100) This media container has already been published.");
  const std::string status = container_status(pc, *creation_id, false).value_or("ERROR");
  if (status == "IN_PROGRESS")
    return graph_error(pc, kCodeNotReady, kSubcodeNotReady, "The media is not ready for publishing, please wait for a moment");
  if (status == "ERROR")
    return graph_error(pc, kCodeNotReady, kSubcodeProcessingFailed, "The media could not be processed.");

  const std::string id = std::to_string(18'000'000'000'000'000ull + pc.next_id());
  const std::string shortcode = crypto::base64url_encode(id).substr(0, 11);
  std::string parent, root;
  if (const auto* reply_to = container.fields.if_contains("reply_to_id")) {
    parent = std::string(reply_to->as_string());
    auto p = pc.find_post(parent);
    root = p && !p->root_id.empty() ? p->root_id : parent;
  }
  pc.store(SimPost{.id = id,
                   .author = pc.actor,
                   .text = std::string(container.fields.at("text").as_string()),
                   .parent_id = parent,
                   .root_id = root,
                   .extra = {{"container_id", *creation_id},
                             {"media", container_media(container.fields)},
                             {"fields", container.fields},
                             {"shortcode", shortcode},
                             {"username", pc.actor_name},
                             {"permalink", "https://www.threads.com/@" + pc.actor_name + "/post/" + shortcode}}});
  pc.sim.state.with([&](SimState::Data& d) { d.containers[std::string(*creation_id)].published_id = id; });
  return ok_json(json::object{{"id", id}});
}

http::Response threads_media(PublishCall& pc) {
  const std::string id(pc.req.param("id"));
  json::object node;
  if (auto post = pc.find_post(id)) {
    node = media_node(pc, *post);
  } else {
    auto container = pc.sim.state.with([&](SimState::Data& d) -> std::optional<SimContainer> {
      auto it = d.containers.find(id);
      if (it == d.containers.end() || it->second.platform != pc.platform) return std::nullopt;
      return it->second;
    });
    if (!container) return missing_object(pc, id);
    // A text or image container is ready at once, a video after a few polls; ERROR when its file is unreadable.
    const std::string status = container_status(pc, id, true).value_or("ERROR");
    node = {{"id", id},
            {"status", status},
            {"error_message", status == "ERROR" ? json::value("FAILED_PROCESSING_VIDEO") : json::value(nullptr)}};
  }
  json::object out;
  if (auto error = select(pc, node, out)) return std::move(*error);
  return ok_json(out);
}

http::Response threads_user_threads(PublishCall& pc) { return listing(pc, false); }
http::Response threads_user_replies(PublishCall& pc) { return listing(pc, true); }

}  // namespace postfuze::sim::publish
