// Pinterest pins (platforms.md §12; pinterest/api-description v5/openapi.json,
// operations pins/create and pins/list): POST /v5/pins with a board_id and a
// media_source — image_url, multiple_image_urls (2–5 items) or video_id (a
// media_id registered out of band, with a cover_image_url) — downloads each
// image as Pinterest does and answers 201 with the Pin; GET /v5/pins lists
// the user's pins, newest first (PostFuze's find()). Errors are Pinterest's
// {"code","message"}: 400 code 1 for a bad request or an image that cannot be
// fetched or read.
#include <boost/json/parse.hpp>

#include "core/time_format.hpp"
#include "publish/text_length.hpp"
#include "sim/api_support.hpp"
#include "sim/media_fetch.hpp"
#include "sim/publish_media_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::size_t kMaxTitle = 100, kMaxDescription = 800, kMaxAltText = 500, kMaxLink = 2048;
constexpr std::size_t kMinImages = 2, kMaxImages = 5;
constexpr int kCodeInvalid = 1;  // Pinterest's "Invalid parameters" family
constexpr int kDefaultPageSize = 25, kMaxPageSize = 250;

http::Response refusal(PublishCall& pc, status s, int code, std::string_view message) {
  pc.rejected();
  return http::json_response(s, json::object{{"code", code}, {"message", message}});
}

http::Response invalid(PublishCall& pc, std::string_view message) {
  return refusal(pc, status::bad_request, kCodeInvalid, message);
}

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::size_t length(std::string_view s) {
  return postfuze::publish::text_length(s, providers::TextUnit::code_points);
}

json::object pin_node(const SimPost& p) {
  json::object node = p.extra.at("pin").as_object();
  node["id"] = p.id;
  node["created_at"] = core::format_timestamp(p.created).substr(0, 19);
  node["description"] = p.text;
  return node;
}

}  // namespace

boost::asio::awaitable<http::Response> pinterest_create_pin(PublishCall& pc) {
  boost::system::error_code ec;
  json::value body = json::parse(pc.req.message.body(), ec);
  if (ec || !body.is_object()) co_return invalid(pc, "The request body must be a JSON object.");
  const json::object& in = body.get_object();
  const std::string board = text(in, "board_id");
  if (!digits(board)) co_return refusal(pc, status::not_found, 40, "Board not found.");
  const std::string title = text(in, "title"), description = text(in, "description"), link = text(in, "link"),
                    alt = text(in, "alt_text");
  if (length(title) > kMaxTitle) co_return invalid(pc, "title is longer than 100 characters.");
  if (length(description) > kMaxDescription) co_return invalid(pc, "description is longer than 800 characters.");
  if (length(alt) > kMaxAltText) co_return invalid(pc, "alt_text is longer than 500 characters.");
  if (link.size() > kMaxLink || (!link.empty() && !link.starts_with("https://") && !link.starts_with("http://")))
    co_return invalid(pc, "link must be an http(s) URL of at most 2048 characters.");
  const auto* source_value = in.if_contains("media_source");
  if (source_value == nullptr || !source_value->is_object()) co_return invalid(pc, "media_source is required.");
  const json::object& source = source_value->get_object();
  const std::string type = text(source, "source_type");

  std::vector<std::string> urls;
  std::string media_type = "image";
  json::object stored_source{{"source_type", type}};
  if (type == "image_url") {
    urls.push_back(text(source, "url"));
    if (urls.back().empty()) co_return invalid(pc, "media_source.url is required.");
  } else if (type == "multiple_image_urls") {
    media_type = "multiple_images";
    const auto* items = source.if_contains("items");
    if (items == nullptr || !items->is_array()) co_return invalid(pc, "media_source.items is required.");
    for (const auto& item : items->get_array())
      if (item.is_object() && !text(item.get_object(), "url").empty()) urls.push_back(text(item.get_object(), "url"));
      else co_return invalid(pc, "Every media_source.items entry needs a url.");
    if (urls.size() < kMinImages || urls.size() > kMaxImages)
      co_return invalid(pc, "multiple_image_urls takes 2 to 5 images.");
  } else if (type == "video_id") {
    // The video was uploaded through POST /v5/media out of band; only its cover is fetched here.
    media_type = "video";
    const std::string media_id = text(source, "media_id"), cover = text(source, "cover_image_url");
    if (!digits(media_id)) co_return invalid(pc, "media_source.media_id must be a registered media id.");
    if (cover.empty()) co_return invalid(pc, "media_source.cover_image_url (or cover_image_key_frame_time) is required.");
    stored_source["media_id"] = media_id;
    urls.push_back(cover);
  } else {
    co_return invalid(pc, "media_source.source_type must be image_url, multiple_image_urls or video_id.");
  }

  json::array media;
  for (const auto& url : urls) {
    FetchedMedia got = co_await fetch_media(url, MediaExpect::image);
    if (!got.fetched) co_return invalid(pc, "Sorry, we could not fetch the image: " + got.problem);
    if (!got.decodable) co_return invalid(pc, "The image is not valid or its format is not supported.");
    media.push_back(got.json());
  }

  SimPost post;
  post.id = std::to_string(900'000'000'000'000ull + pc.next_id());
  post.author = pc.actor;
  post.text = description;
  post.extra = {{"media", std::move(media)},
                {"pin",
                 {{"link", link.empty() ? json::value(nullptr) : json::value(link)},
                  {"title", title},
                  {"alt_text", alt.empty() ? json::value(nullptr) : json::value(alt)},
                  {"board_id", board},
                  {"board_section_id", nullptr},
                  {"board_owner", {{"username", pc.actor_name}}},
                  {"is_owner", true},
                  {"creative_type", media_type == "video" ? "VIDEO" : "REGULAR"},
                  {"media", {{"media_type", media_type}}},
                  {"media_source", stored_source},
                  {"parent_pin_id", nullptr},
                  {"is_standard", true},
                  {"has_been_promoted", false},
                  {"note", ""}}}};
  post = pc.store(std::move(post));
  co_return http::json_response(status::created, pin_node(post));
}

http::Response pinterest_list_pins(PublishCall& pc) {
  int size = kDefaultPageSize;
  if (auto s = pc.query.get("page_size")) {
    size = 0;
    for (char c : *s) size = (c >= '0' && c <= '9' && size < 10000) ? size * 10 + (c - '0') : -1;
    if (s->empty() || size < 1 || size > kMaxPageSize) return invalid(pc, "page_size must be between 1 and 250.");
  }
  json::array items;
  for (const auto& p : pc.posts_by(pc.actor)) {
    if (static_cast<int>(items.size()) == size) break;
    items.push_back(pin_node(p));
  }
  return ok_json(json::object{{"items", std::move(items)}, {"bookmark", nullptr}});
}

}  // namespace postfuze::sim::publish
