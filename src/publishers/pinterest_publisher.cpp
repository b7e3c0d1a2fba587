#include "publishers/pinterest_publisher.hpp"

#include <variant>

#include <boost/json/serialize.hpp>
#include <boost/url/url.hpp>

#include "core/time_format.hpp"
#include "publishers/http_outcome.hpp"
#include "publishers/media_by_url.hpp"
#include "publishers/publish_steps.hpp"

namespace postfuze::publishers {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// pins/create: multiple_image_urls takes 2 to 5 items (Postiz; Pinterest's carousel pins).
constexpr std::size_t kMaxImages = 5;
constexpr int kLookupPageSize = 50;
constexpr std::string_view kPinBase = "https://www.pinterest.com/pin/";

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// (Built outside the coroutine: GCC 12 mishandles aggregates of literals inside one.)
core::Error board_required() {
  return core::Error::platform_requirement({core::FieldError{"board_id", "Pinterest pins need board_id.", "required"}});
}

PlatformRef ref_of(const json::object& pin) {
  PlatformRef ref;
  ref.id = string_at(pin, "id");
  ref.url = std::string(kPinBase) + ref.id + "/";
  if (auto board = string_at(pin, "board_id"); !board.empty()) ref.extra["board_id"] = board;
  return ref;
}

// media_source for the container's media, or the reason there is none.
std::variant<json::object, PublishResult> media_source(const PublishContext& ctx, const PublishItem& item) {
  std::vector<const MediaItem*> images, videos;
  for (const auto& m : item.media) (is_video(m) ? videos : images).push_back(&m);
  if (!videos.empty()) {
    const std::string media_id = string_at(ctx.config, "video_media_id");
    if (videos.size() != 1 || !images.empty() || media_id.empty())
      return media_failure(kMediaNotSupported,
                           "A video pin needs the video uploaded to Pinterest first: give config video_media_id.");
    std::string cover = string_at(ctx.config, "cover_image_url");
    if (cover.empty()) cover = videos.front()->thumbnail_url.value_or("");
    if (cover.empty()) return media_failure(kMediaNotSupported, "A video pin needs cover_image_url.");
    return json::object{{"source_type", "video_id"}, {"media_id", media_id}, {"cover_image_url", cover}};
  }
  if (images.empty()) return media_failure(kMediaNotSupported, "A pin needs an image.");
  if (images.size() > kMaxImages) return media_failure(kMediaNotSupported, "A pin holds at most 5 images.");
  if (images.size() == 1) return json::object{{"source_type", "image_url"}, {"url", images.front()->url}};
  json::array items;
  for (const MediaItem* m : images) items.push_back(json::object{{"url", m->url}});
  return json::object{{"source_type", "multiple_image_urls"}, {"items", std::move(items)}};
}

// Pinterest's {"code","message"}; a refused download says it could not fetch the image.
PublishResult refused(const PublishContext& ctx, const net::OutboundResult& r) {
  std::string message;
  if (r.response)
    if (auto body = json_object(r.response->body)) message = string_at(*body, "message");
  PublishResult out = refusal(r, ctx.clock, message);
  if (out.outcome == Outcome::permanent && r.response && r.response->status == 400 &&
      (message.find("fetch") != std::string::npos || message.find("image") != std::string::npos))
    out.error_code = std::string(kMediaFetchFailed);
  return out;
}

class PinterestPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    if (item.position != 0) co_return not_supported("Pinterest has no comments or replies");
    const std::string board = string_at(ctx.config, "board_id");
    if (board.empty()) co_return invalid_config(board_required());
    auto source = media_source(ctx, item);
    if (auto* failed = std::get_if<PublishResult>(&source)) co_return std::move(*failed);
    json::object body{{"board_id", board}, {"media_source", std::move(std::get<json::object>(source))}};
    if (!item.text.empty()) body["description"] = item.text;
    for (std::string_view key : {"title", "link"})
      if (auto v = string_at(ctx.config, key); !v.empty()) body[key] = v;
    std::string alt = string_at(ctx.config, "alt_text");
    if (alt.empty() && !item.media.empty()) alt = item.media.front().alt_text;
    if (!alt.empty()) body["alt_text"] = alt;
    auto req = bearer_request(ctx, verb::post, ctx.spec.api_url("/pins"));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json::serialize(body);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (!succeeded(r)) co_return refused(ctx, r);
    const auto pin = json_object(r.response->body);
    if (!pin || string_at(*pin, "id").empty()) co_return unexpected_answer(*r.response, "the pin id");
    co_return created(r, ref_of(*pin));
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    if (item.position != 0) co_return LookupResult{LookupOutcome::absent, std::nullopt, "no comments on Pinterest"};
    boost::urls::url u(ctx.spec.api_url("/pins"));
    u.params().append({"page_size", std::to_string(kLookupPageSize)});
    auto listed = co_await get_listing(ctx.http, bearer_request(ctx, verb::get, std::string(u.buffer())));
    if (!listed.object) co_return unavailable(listed);
    const std::string board = string_at(ctx.config, "board_id");
    for (const json::object* pin : objects_in(*listed.object, "items")) {
      if (string_at(*pin, "description") != item.text || string_at(*pin, "id").empty()) continue;
      if (!board.empty() && string_at(*pin, "board_id") != board) continue;
      // created_at is UTC without a zone ("2026-06-09T10:00:00").
      std::string created = string_at(*pin, "created_at");
      if (!created.empty() && !created.ends_with("Z")) created += "Z";
      if (auto t = core::parse_timestamp(created); t && *t < since - std::chrono::seconds(1)) continue;
      co_return found(ref_of(*pin));
    }
    co_return absent();
  }
};

}  // namespace

const Publisher& pinterest_publisher() {
  static const PinterestPublisher instance;
  return instance;
}

}  // namespace postfuze::publishers
