#include "publishers/google_business_publisher.hpp"

#include <array>

#include <boost/json/parse.hpp>
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

constexpr int kLookupPageSize = 100;  // localPosts.list's largest page
constexpr std::string_view kDefaultLanguage = "en-US";
constexpr std::array<std::string_view, 3> kTopics{"STANDARD", "EVENT", "OFFER"};
// CallToAction.actionType (v4 reference; GET_OFFER is deprecated, so not offered).
constexpr std::array<std::string_view, 6> kActions{"BOOK", "ORDER", "SHOP", "LEARN_MORE", "SIGN_UP", "CALL"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view v) {
  for (auto s : set)
    if (s == v) return true;
  return false;
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

core::Error invalid(std::string field, std::string message) {
  return core::Error::platform_requirement({core::FieldError{std::move(field), std::move(message), "invalid"}});
}

// digits only, exactly `n` of them.
std::optional<int> number(std::string_view s, std::size_t n) {
  if (s.size() != n) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "YYYY-MM-DD" → google.type.Date {"year","month","day"}.
std::optional<json::object> date_of(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = number(s.substr(0, 4), 4), m = number(s.substr(5, 2), 2), d = number(s.substr(8, 2), 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  return json::object{{"year", *y}, {"month", *m}, {"day", *d}};
}

// "HH:MM" → google.type.TimeOfDay {"hours","minutes"}.
std::optional<json::object> time_of(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto h = number(s.substr(0, 2), 2), m = number(s.substr(3, 2), 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return json::object{{"hours", *h}, {"minutes", *m}, {"seconds", 0}, {"nanos", 0}};
}

core::Result<json::object> event_of(const json::object& event) {
  const std::string title = string_at(event, "title");
  if (title.empty()) return invalid("event.title", "EVENT and OFFER posts need event.title.");
  json::object schedule;
  struct Part {
    std::string_view config;
    std::string_view wire;
    bool date;
  };
  for (const Part& p : {Part{"startDate", "startDate", true}, Part{"startTime", "startTime", false},
                        Part{"endDate", "endDate", true}, Part{"endTime", "endTime", false}}) {
    const std::string value = string_at(event, p.config);
    if (value.empty()) continue;
    auto parsed = p.date ? date_of(value) : time_of(value);
    if (!parsed)
      return invalid("event." + std::string(p.config), p.date ? "Dates are YYYY-MM-DD." : "Times are HH:MM.");
    schedule[p.wire] = std::move(*parsed);
  }
  json::object out{{"title", title}};
  if (!schedule.empty()) out["schedule"] = std::move(schedule);
  return out;
}

net::OutboundRequest request(const PublishContext& ctx, verb method, std::string url) {
  return bearer_request(ctx, method, std::move(url));
}

// The post's public link: searchUrl; without one, the location's profile page (as Postiz does).
PlatformRef ref_of(const json::object& post, std::string_view location) {
  PlatformRef ref;
  ref.id = string_at(post, "name");
  ref.url = string_at(post, "searchUrl");
  if (ref.url.empty()) ref.url = "https://business.google.com/" + std::string(location.substr(location.find("locations/")));
  if (auto state = string_at(post, "state"); !state.empty()) ref.extra["state"] = state;
  return ref;
}

// Google's {"error":{"code","message","status"}}: the message for the target.
PublishResult refused(const PublishContext& ctx, const net::OutboundResult& r) {
  std::string message;
  if (r.response)
    if (auto body = json_object(r.response->body))
      if (const auto* e = object_at(*body, "error")) message = string_at(*e, "message");
  return refusal(r, ctx.clock, std::move(message));
}

class GoogleBusinessPublisher final : public Publisher {
 public:
  boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const override {
    if (item.position != 0) co_return not_supported("Google Business has no replies or comments");
    auto location = google_location_name(ctx.account, ctx.config);
    if (!location) co_return invalid_config(location.error());
    auto body = google_local_post(item.text, ctx.config);
    if (!body) co_return invalid_config(body.error());
    // LocalPost.media: photos Google downloads from sourceUrl (videos are not offered here).
    if (!item.media.empty()) {
      json::array media;
      for (const auto& m : item.media) {
        if (!is_image(m)) co_return media_failure(kMediaNotSupported, "Google Business posts carry photos only.");
        media.push_back(json::object{{"mediaFormat", "PHOTO"}, {"sourceUrl", m.url}});
      }
      (*body)["media"] = std::move(media);
    }
    auto req = request(ctx, verb::post, ctx.spec.api_url("/" + *location + "/localPosts"));
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = json::serialize(*body);
    const net::OutboundResult r = co_await ctx.http.send(std::move(req));
    if (!succeeded(r)) {
      PublishResult out = refused(ctx, r);
      // Google names the media in its INVALID_ARGUMENT message when it cannot download or read one.
      if (!item.media.empty() && out.outcome == Outcome::permanent && r.response && r.response->status == 400 &&
          out.message.find("media") != std::string::npos)
        out.error_code = std::string(kMediaFetchFailed);
      co_return out;
    }
    boost::system::error_code ec;
    const json::value v = json::parse(r.response->body, ec);
    if (ec || !v.is_object() || string_at(v.get_object(), "name").empty())
      co_return unexpected_answer(*r.response, "the local post's name");
    const json::object& post = v.get_object();
    // A policy rejection still answers 200 with the post (Postiz checks state).
    if (string_at(post, "state") == "REJECTED") {
      PublishResult out;
      out.outcome = Outcome::permanent;
      out.error_code = kPlatformRejected;
      out.message = "Google rejected the local post.";
      out.platform_status = r.response->status;
      co_return out;
    }
    co_return created(r, ref_of(post, *location));
  }

  boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                            core::TimePoint since) const override {
    if (item.position != 0) co_return LookupResult{LookupOutcome::absent, std::nullopt, "no replies on Google Business"};
    auto location = google_location_name(ctx.account, ctx.config);
    if (!location) co_return LookupResult{LookupOutcome::unavailable, std::nullopt, location.error().detail};
    boost::urls::url u(ctx.spec.api_url("/" + *location + "/localPosts"));
    u.params().append({"pageSize", std::to_string(kLookupPageSize)});
    auto listed = co_await get_listing(ctx.http, request(ctx, verb::get, std::string(u.buffer())));
    if (!listed.object) co_return unavailable(listed);
    for (const json::object* post : objects_in(*listed.object, "localPosts")) {
      if (string_at(*post, "summary") != item.text || string_at(*post, "name").empty()) continue;
      if (auto t = core::parse_timestamp(string_at(*post, "createTime")); t && *t < since) continue;
      co_return found(ref_of(*post, *location));
    }
    co_return absent();
  }
};

}  // namespace

core::Result<std::string> google_location_name(const PublishAccount& account, const json::object& config) {
  const std::string configured = string_at(config, "locationName");
  if (configured.starts_with("accounts/") && configured.find("/locations/") != std::string::npos) return configured;
  // The location part: a configured "locations/{l}", else the account's own.
  std::string location = configured.starts_with("locations/") ? configured : account.network_unique_id;
  if (!location.starts_with("locations/"))
    return invalid("locationName", "Give locationName as accounts/{account}/locations/{location}.");
  std::string owner = string_at(config, "accountId");
  if (!owner.empty() && !owner.starts_with("accounts/")) owner = "accounts/" + owner;
  if (owner.empty()) owner = string_at(account.platform_data, "login_id");  // the connected Google account
  if (!owner.starts_with("accounts/"))
    return invalid("accountId", "The location's account is unknown; give accountId or locationName.");
  return owner + "/" + location;
}

core::Result<json::object> google_local_post(std::string_view summary, const json::object& config) {
  std::string topic = string_at(config, "topicType");
  if (topic.empty()) topic = "STANDARD";
  if (!one_of(kTopics, topic)) return invalid("topicType", "topicType is STANDARD, EVENT or OFFER.");
  std::string language = string_at(config, "languageCode");
  if (language.empty()) language = std::string(kDefaultLanguage);
  json::object post{{"languageCode", language}, {"summary", summary}, {"topicType", topic}};

  if (const auto* cta = object_at(config, "callToAction")) {
    const std::string action = string_at(*cta, "actionType");
    if (!one_of(kActions, action))
      return invalid("callToAction.actionType", "actionType is BOOK, ORDER, SHOP, LEARN_MORE, SIGN_UP or CALL.");
    json::object out{{"actionType", action}};
    const std::string url = string_at(*cta, "url");
    if (action == "CALL") {
      // CALL dials the location's phone: Google wants no url.
    } else if (url.empty()) {
      return invalid("callToAction.url", "callToAction needs a url unless actionType is CALL.");
    } else {
      out["url"] = url;
    }
    // Google ignores callToAction on OFFER posts; leave it out there.
    if (topic != "OFFER") post["callToAction"] = std::move(out);
  }

  if (topic != "STANDARD") {
    const json::object* event = object_at(config, "event");
    if (event == nullptr) return invalid("event.title", "EVENT and OFFER posts need event.title.");
    auto e = event_of(*event);
    if (!e) return std::move(e).error();
    post["event"] = std::move(*e);
  }
  if (topic == "OFFER") {
    if (const auto* offer = object_at(config, "offer")) {
      json::object out;
      for (std::string_view key : {"couponCode", "redeemOnlineUrl", "termsConditions"})
        if (auto v = string_at(*offer, key); !v.empty()) out[key] = v;
      if (!out.empty()) post["offer"] = std::move(out);
    }
  }
  return post;
}

const Publisher& google_business_publisher() {
  static const GoogleBusinessPublisher publisher;
  return publisher;
}

}  // namespace postfuze::publishers
