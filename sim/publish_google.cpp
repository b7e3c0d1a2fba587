// Google Business Profile local posts (platforms.md §9; v4 LocalPost
// reference): create and list under accounts/{a}/locations/{l}. The account
// must be the login's own and the location one of its locations (403 / 404
// otherwise). The LocalPost is validated as the API does: unknown fields,
// topicType, callToAction (actionType enum; url required except for CALL,
// where it must be absent), event (title and schedule with valid Dates for
// EVENT and OFFER), offer only on OFFER, summary ≤ 1500. Errors are Google's
// {"error":{"code","message","status"}}. Served without the catalogue's
// "/v4" (an api_base_url override replaces "https://mybusiness.googleapis.com/v4").
#include <array>

#include <boost/json/parse.hpp>

#include "core/time_format.hpp"
#include "sim/api_support.hpp"
#include "sim/media_fetch.hpp"
#include "sim/publish_business.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::field;

constexpr std::size_t kMaxSummary = 1500;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr std::array<std::string_view, 13> kFields{
    "name",  "languageCode", "summary",   "callToAction", "createTime", "updateTime", "event",
    "state", "media",        "searchUrl", "topicType",    "alertType",  "offer"};
constexpr std::array<std::string_view, 4> kTopics{"STANDARD", "EVENT", "OFFER", "ALERT"};
constexpr std::array<std::string_view, 7> kActions{"BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "GET_OFFER", "CALL"};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set)
    if (s == v) return true;
  return false;
}

std::string_view status_name(int code) {
  switch (code) {
    case 400: return "INVALID_ARGUMENT";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    default: return "FAILED_PRECONDITION";
  }
}

http::Response refusal(PublishCall& pc, int code, std::string_view message) {
  pc.rejected();
  return http::json_response(
      static_cast<http::bhttp::status>(code),
      json::object{{"error", {{"code", code}, {"message", message}, {"status", status_name(code)}}}});
}

http::Response invalid(PublishCall& pc, std::string_view message) { return refusal(pc, 400, message); }

std::string account_name(const Identity& u) { return "accounts/" + std::to_string(numeric_id(u.id + "-account")); }

// "accounts/{a}/locations/{l}" of the path, or the refusal for a parent this login does not own.
std::optional<std::string> parent_of(PublishCall& pc, std::optional<http::Response>& error) {
  const std::string account = "accounts/" + std::string(pc.req.param("account"));
  if (account != account_name(pc.user())) {
    error = refusal(pc, 403, "The caller does not have permission");
    return std::nullopt;
  }
  const std::string location = "locations/" + std::string(pc.req.param("location"));
  for (int i = 1; i <= pc.token->grant->accounts; ++i)
    if (location == "locations/" + std::to_string(numeric_id(derived_id(pc.user(), "location", i))))
      return account + "/" + location;
  error = refusal(pc, 404, "Requested entity was not found.");
  return std::nullopt;
}

bool http_url(const json::value* v) {
  return v != nullptr && v->is_string() &&
         (v->get_string().starts_with("https://") || v->get_string().starts_with("http://"));
}

// A google.type.Date {"year","month","day"} with real values; its yyyymmdd for ordering.
std::optional<int> date_key(const json::value* v) {
  if (v == nullptr || !v->is_object()) return std::nullopt;
  const auto& o = v->get_object();
  auto part = [&](std::string_view k) -> int {
    const auto* p = o.if_contains(k);
    return p != nullptr && p->is_int64() ? static_cast<int>(p->get_int64()) : -1;
  };
  const int y = part("year"), m = part("month"), d = part("day");
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return y * 10000 + m * 100 + d;
}

bool valid_time(const json::value* v) {
  if (v == nullptr) return true;
  if (!v->is_object()) return false;
  for (const auto& [k, value] : v->get_object()) {
    if (!value.is_int64()) return false;
    const auto n = value.get_int64();
    if ((k == "hours" && (n < 0 || n > 23)) || (k == "minutes" && (n < 0 || n > 59)) ||
        (k == "seconds" && (n < 0 || n > 59)) || (k == "nanos" && (n < 0 || n > 999'999'999)))
      return false;
    if (k != "hours" && k != "minutes" && k != "seconds" && k != "nanos") return false;
  }
  return true;
}

// The LocalPost's problems, in the order Google reports them; "" when valid.
std::string problem_of(const json::object& post) {
  for (const auto& [key, value] : post)
    if (!in(kFields, key))
      return "Invalid JSON payload received. Unknown name \"" + std::string(key) + "\" at 'local_post': Cannot find field.";
  const auto* topic = post.if_contains("topicType");
  if (topic == nullptr || !topic->is_string() || !in(kTopics, topic->get_string()))
    return "topicType must be STANDARD, EVENT, OFFER or ALERT.";
  const std::string_view t = topic->get_string();
  if (t == "ALERT") return "ALERT posts are not supported by the simulator.";
  const auto* summary = post.if_contains("summary");
  if (summary != nullptr && !summary->is_string()) return "summary must be a string.";
  const std::size_t length = summary != nullptr ? summary->get_string().size() : 0;
  if (t == "STANDARD" && length == 0) return "summary is required for STANDARD posts.";
  std::size_t chars = 0;
  if (summary != nullptr)
    for (unsigned char c : summary->get_string()) chars += (c & 0xC0) != 0x80 ? 1 : 0;
  if (chars > kMaxSummary) return "summary is longer than 1500 characters.";
  if (const auto* lang = post.if_contains("languageCode"); lang != nullptr && !lang->is_string())
    return "languageCode must be a string.";

  if (const auto* cta = post.if_contains("callToAction")) {
    if (!cta->is_object()) return "callToAction must be an object.";
    const auto* action = cta->get_object().if_contains("actionType");
    if (action == nullptr || !action->is_string() || !in(kActions, action->get_string()))
      return "callToAction.actionType is invalid.";
    const auto* url = cta->get_object().if_contains("url");
    if (action->get_string() == "CALL") {
      if (url != nullptr) return "callToAction.url must be unset for CALL.";
    } else if (!http_url(url)) {
      return "callToAction.url must be an absolute http(s) URL.";
    }
  }

  const auto* event = post.if_contains("event");
  if (t == "EVENT" || t == "OFFER") {
    if (event == nullptr || !event->is_object()) return "event is required for EVENT and OFFER posts.";
    const auto* title = event->get_object().if_contains("title");
    if (title == nullptr || !title->is_string() || title->get_string().empty()) return "event.title is required.";
    const auto* schedule = event->get_object().if_contains("schedule");
    if (schedule == nullptr || !schedule->is_object()) return "event.schedule is required.";
    const auto& s = schedule->get_object();
    auto start = date_key(s.if_contains("startDate")), end = date_key(s.if_contains("endDate"));
    if (!start || !end) return "event.schedule needs valid startDate and endDate.";
    if (*end < *start) return "event.schedule ends before it starts.";
    if (!valid_time(s.if_contains("startTime")) || !valid_time(s.if_contains("endTime")))
      return "event.schedule times are invalid.";
  } else if (event != nullptr) {
    return "event is only for EVENT and OFFER posts.";
  }
  if (const auto* offer = post.if_contains("offer")) {
    if (t != "OFFER") return "offer is only for OFFER posts.";
    if (!offer->is_object()) return "offer must be an object.";
    for (const auto& [k, v] : offer->get_object())
      if ((k != "couponCode" && k != "redeemOnlineUrl" && k != "termsConditions") || !v.is_string())
        return "offer has an unknown or non-string member " + std::string(k) + ".";
  }
  if (const auto* media = post.if_contains("media")) {
    if (!media->is_array()) return "media must be an array.";
    for (const auto& m : media->get_array())
      if (!m.is_object() || !http_url(m.get_object().if_contains("sourceUrl"))) return "media needs sourceUrl.";
  }
  return {};
}

}  // namespace

boost::asio::awaitable<http::Response> google_create_local_post(PublishCall& pc) {
  std::optional<http::Response> error;
  const auto parent = parent_of(pc, error);
  if (!parent) co_return std::move(*error);
  if (!pc.req.header(field::content_type).starts_with("application/json"))
    co_return invalid(pc, "Invalid JSON payload received.");
  boost::system::error_code ec;
  json::value body = json::parse(pc.req.message.body(), ec);
  if (ec || !body.is_object()) co_return invalid(pc, "Invalid JSON payload received.");
  json::object post = std::move(body.get_object());
  if (auto problem = problem_of(post); !problem.empty()) co_return invalid(pc, problem);
  // Google downloads each sourceUrl while it creates the post.
  json::array fetched;
  if (auto* media = post.if_contains("media")) {
    for (auto& m : media->as_array()) {
      json::object& item = m.as_object();
      const auto* format = item.if_contains("mediaFormat");
      const std::string kind = format != nullptr && format->is_string() ? std::string(format->get_string()) : "";
      if (kind != "PHOTO" && kind != "VIDEO") co_return invalid(pc, "media.mediaFormat must be PHOTO or VIDEO.");
      const std::string url(item.at("sourceUrl").as_string());
      const FetchedMedia got = co_await fetch_media(url, kind == "PHOTO" ? MediaExpect::image : MediaExpect::video);
      if (!got.fetched || !got.decodable) co_return invalid(pc, "Invalid media: " + got.problem);
      fetched.push_back(got.json());
      const std::string name = "media-" + std::to_string(pc.next_id());
      item["name"] = name;
      item["googleUrl"] = "https://lh3.googleusercontent.com/p/" + name;
    }
  }

  const std::string id = std::to_string(pc.next_id());
  SimPost stored;
  stored.id = *parent + "/localPosts/" + id;
  stored.author = *parent;
  const auto* summary = post.if_contains("summary");
  stored.text = summary != nullptr ? std::string(summary->get_string()) : std::string();
  stored = pc.store(std::move(stored));
  // The created LocalPost: what was sent plus the output-only fields.
  const std::string now = core::format_timestamp(stored.created);
  post["name"] = stored.id;
  post["createTime"] = now;
  post["updateTime"] = now;
  post["state"] = "LIVE";
  post["searchUrl"] = "https://local.google.com/place?id=" + std::to_string(numeric_id(*parent)) +
                      "&use=posts&lpsid=" + id;
  pc.sim.state.with([&](SimState::Data& d) {
    for (auto& p : d.posts)
      if (p.platform == pc.platform && p.id == stored.id) {
        p.extra = post;
        if (!fetched.empty()) p.extra["fetched_media"] = fetched;  // what the media URLs served (tests compare)
      }
  });
  co_return ok_json(post);
}

http::Response google_local_posts(PublishCall& pc) {
  std::optional<http::Response> error;
  const auto parent = parent_of(pc, error);
  if (!parent) return std::move(*error);
  int size = kDefaultPageSize;
  if (auto s = pc.query.get("pageSize")) {
    size = 0;
    for (char c : *s) size = (c >= '0' && c <= '9' && size < 10000) ? size * 10 + (c - '0') : -1;
    if (s->empty() || size < 1 || size > kMaxPageSize) return invalid(pc, "pageSize must be between 1 and 100.");
  }
  std::size_t start = 0;
  if (auto token = pc.query.get("pageToken")) {
    start = 0;
    for (char c : *token) {
      if (c < '0' || c > '9' || start > 1'000'000) return invalid(pc, "Invalid pageToken.");
      start = start * 10 + static_cast<std::size_t>(c - '0');
    }
  }
  const auto posts = pc.posts_by(*parent);  // newest first
  json::array list;
  for (std::size_t i = start; i < posts.size() && i < start + static_cast<std::size_t>(size); ++i)
    list.push_back(posts[i].extra);
  json::object out;  // proto3 JSON: empty lists and tokens are left out
  if (!list.empty()) out["localPosts"] = std::move(list);
  if (start + static_cast<std::size_t>(size) < posts.size())
    out["nextPageToken"] = std::to_string(start + static_cast<std::size_t>(size));
  return ok_json(out);
}

}  // namespace postfuze::sim::publish
