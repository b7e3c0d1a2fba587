// X API v2 publishing (platforms.md §3; X openapi.json: POST /2/tweets
// TweetCreateRequest with additionalProperties:false, GET /2/users/{id}/tweets).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/time_format.hpp"
#include "publish/text_length.hpp"
#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/publish_builders.hpp"
#include "sim/publish_upload_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::size_t kWindowLimit = 100;  // POST /2/tweets: 100 per 15 min per user (§3)
constexpr auto kWindow = std::chrono::minutes(15);
constexpr std::size_t kMaxText = 25'000;  // long-form posts; PostFuze enforces 280 unless long_form

// TweetCreateRequest's members; X refuses any other (additionalProperties: false).
constexpr std::string_view kCreateMembers[] = {
    "text",     "reply",         "media",       "quote_tweet_id", "poll",  "reply_settings",
    "geo",      "made_with_ai",  "nullcast",    "card_uri",       "community_id",
    "for_super_followers_only",  "direct_message_deep_link",      "paid_partnership", "share_with_followers",
    "edit_options"};
constexpr std::string_view kReplyMembers[] = {"in_reply_to_tweet_id", "exclude_reply_user_ids",
                                              "auto_populate_reply_metadata"};
constexpr std::string_view kListParams[] = {"max_results",     "start_time",  "end_time",     "since_id",
                                            "until_id",        "pagination_token", "exclude", "tweet.fields",
                                            "expansions",      "media.fields", "poll.fields", "place.fields",
                                            "user.fields"};
constexpr std::string_view kTweetFields[] = {
    "id",         "text",          "created_at",         "author_id",       "conversation_id",
    "in_reply_to_user_id",         "referenced_tweets",  "edit_history_tweet_ids", "attachments",
    "entities",   "lang",          "public_metrics",     "possibly_sensitive", "reply_settings",
    "source",     "withheld",      "edit_controls",      "context_annotations", "geo", "note_tweet"};

template <std::size_t N>
bool one_of(std::string_view name, const std::string_view (&list)[N]) {
  for (auto k : list)
    if (k == name) return true;
  return false;
}

http::Response invalid(PublishCall& pc, std::string_view message) {
  return api_error(*pc.call, ApiProblem::invalid_request, message);
}

// A problem+json refusal that is not a parameter error (403 duplicate, …).
http::Response problem(PublishCall& pc, int code, std::string_view type, std::string_view title,
                       std::string_view detail) {
  pc.rejected();
  auto res = http::json_response(static_cast<status>(code),
                                 json::object{{"title", title}, {"type", type}, {"status", code}, {"detail", detail}});
  res.set(http::bhttp::field::content_type, "application/problem+json");
  return res;
}

std::int64_t unix_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void rate_headers(PublishCall& pc, http::Response& res, std::size_t used, core::TimePoint reset) {
  res.set("x-rate-limit-limit", std::to_string(kWindowLimit));
  res.set("x-rate-limit-remaining", std::to_string(used >= kWindowLimit ? 0 : kWindowLimit - used));
  res.set("x-rate-limit-reset", std::to_string(unix_seconds(reset)));
  (void)pc;
}

}  // namespace

http::Response x_create_tweet(PublishCall& pc) {
  if (!pc.req.header(http::bhttp::field::content_type).starts_with("application/json"))
    return invalid(pc, "The request body must be application/json.");
  boost::system::error_code ec;
  json::value body = json::parse(pc.req.message.body(), ec);
  if (ec || !body.is_object()) return invalid(pc, "The request body is not a JSON object.");
  const json::object& in = body.get_object();
  for (const auto& [key, _] : in)
    if (!one_of(key, kCreateMembers))
      return invalid(pc, "$." + std::string(key) +
                             ": is not defined in the schema and the schema does not allow additional properties");
  const auto* text_v = in.if_contains("text");
  if (text_v && !text_v->is_string()) return invalid(pc, "$.text: string found, " + std::string("other type given"));
  const std::string text = text_v ? std::string(text_v->get_string()) : std::string();
  if (text.empty() && !in.contains("media") && !in.contains("poll") && !in.contains("quote_tweet_id"))
    return invalid(pc, "$.text: text, media, poll or quote_tweet_id is required");
  if (postfuze::publish::text_length(text, providers::TextUnit::code_points) > kMaxText)
    return problem(pc, 403, "about:blank", "Forbidden", "Your Tweet text is too long.");

  std::string parent_id, root_id;
  if (const auto* reply = in.if_contains("reply")) {
    if (!reply->is_object()) return invalid(pc, "$.reply: object expected");
    for (const auto& [key, _] : reply->get_object())
      if (!one_of(key, kReplyMembers))
        return invalid(pc, "$.reply." + std::string(key) +
                               ": is not defined in the schema and the schema does not allow additional properties");
    const auto* to = reply->get_object().if_contains("in_reply_to_tweet_id");
    if (!to || !to->is_string() || to->get_string().empty())
      return invalid(pc, "$.reply.in_reply_to_tweet_id: is missing but it is required");
    auto parent = pc.find_post(std::string_view(to->get_string()));
    if (!parent)
      return problem(pc, 403, "about:blank", "Forbidden",
                     "You attempted to reply to a Tweet that is deleted or not visible to you.");
    parent_id = parent->id;
    root_id = parent->root_id.empty() ? parent->id : parent->root_id;
  }

  const auto mine = pc.posts_by(pc.actor);
  const core::TimePoint now = pc.now();
  std::size_t used = 0;
  core::TimePoint oldest_in_window = now;
  for (const auto& p : mine)
    if (p.created > now - kWindow) {
      ++used;
      oldest_in_window = p.created;
    }
  if (used >= kWindowLimit) {
    pc.rejected();
    auto res = http::json_response(status::too_many_requests,
                                   json::object{{"title", "Too Many Requests"},
                                                {"detail", "Too Many Requests"},
                                                {"type", "about:blank"},
                                                {"status", 429}});
    res.set(http::bhttp::field::content_type, "application/problem+json");
    rate_headers(pc, res, used, oldest_in_window + kWindow);
    return res;
  }
  // X refuses the same text twice from one account (Postiz matches this detail).
  for (const auto& p : mine)
    if (!text.empty() && p.text == text)
      return problem(pc, 403, "about:blank", "Forbidden", "You are not allowed to create a Tweet with duplicate content.");

  if (const auto* media = in.if_contains("media")) {
    if (!media->is_object()) return invalid(pc, "$.media: object expected");
    for (const auto& [key, _] : media->get_object())
      if (key != "media_ids" && key != "tagged_user_ids")
        return invalid(pc, "$.media." + std::string(key) +
                               ": is not defined in the schema and the schema does not allow additional properties");
    const auto* ids = media->get_object().if_contains("media_ids");
    if (!ids) return invalid(pc, "$.media.media_ids: is missing but it is required");
    if (auto problem = x_media_ready(pc, *ids); !problem.empty()) return invalid(pc, problem);
  }

  const std::string id = std::to_string(1'870'000'000'000'000'000ull + pc.next_id());
  pc.store(SimPost{.id = id, .author = pc.actor, .text = text, .parent_id = parent_id, .root_id = root_id,
                   .extra = {{"request", in}}});
  // X's answer names the history field edit_history_tweet_ids (X docs, "Edit Posts").
  auto res = http::json_response(
      status::created, json::object{{"data", {{"id", id}, {"text", text}, {"edit_history_tweet_ids", json::array{id}}}}});
  rate_headers(pc, res, used + 1, (used == 0 ? now : oldest_in_window) + kWindow);
  return res;
}

http::Response x_user_tweets(PublishCall& pc) {
  for (const auto& [name, _] : pc.query.items())
    if (!one_of(name, kListParams))
      return invalid(pc, "The query parameter [" + name + "] is not one of [" + "max_results,start_time,end_time," +
                             "since_id,until_id,pagination_token,exclude,tweet.fields,expansions,media.fields," +
                             "poll.fields,place.fields,user.fields]");
  std::size_t max = 10;
  if (auto m = pc.query.get("max_results")) {
    int n = 0;
    try {
      n = std::stoi(std::string(*m));
    } catch (...) {
    }
    if (n < 5 || n > 100)
      return invalid(pc, "The `max_results` query parameter value [" + std::string(*m) + "] is not between 5 and 100");
    max = static_cast<std::size_t>(n);
  }
  std::optional<core::TimePoint> start, end;
  for (auto [name, out] : {std::pair{"start_time", &start}, std::pair{"end_time", &end}})
    if (auto v = pc.query.get(name)) {
      *out = core::parse_timestamp(*v);
      if (!*out) return invalid(pc, "Invalid '" + std::string(name) + "':'" + std::string(*v) + "'.");
    }
  std::vector<std::string> fields;
  if (auto f = pc.query.get("tweet.fields"); f && !f->empty()) {
    auto list = split_list(*f, ',');
    if (!list) return invalid(pc, "The `tweet.fields` query parameter is malformed.");
    for (const auto& name : *list)
      if (!one_of(name, kTweetFields))
        return invalid(pc, "The `tweet.fields` query parameter value [" + name + "] is not one of the tweet fields");
    fields = *list;
  }
  const std::string exclude(pc.query.get("exclude").value_or(""));
  const bool no_replies = exclude.find("replies") != std::string::npos;
  const std::string after(pc.query.get("pagination_token").value_or(""));
  auto want = [&](std::string_view f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };

  // The simulator holds only tweets made through it; another user's list is empty.
  const std::string user(pc.req.param("id"));
  json::array data;
  bool skipping = !after.empty();
  bool more = false;
  for (const auto& p : pc.posts_by(user)) {  // newest first
    if (skipping) {
      skipping = p.id != after;
      continue;
    }
    if ((start && p.created < *start) || (end && p.created > *end) || (no_replies && !p.parent_id.empty())) continue;
    if (data.size() == max) {
      more = true;
      break;
    }
    json::object t{{"id", p.id}, {"text", p.text}, {"edit_history_tweet_ids", json::array{p.id}}};
    if (want("created_at")) t["created_at"] = core::format_timestamp(p.created);
    if (want("author_id")) t["author_id"] = p.author;
    if (want("conversation_id")) t["conversation_id"] = p.root_id.empty() ? p.id : p.root_id;
    if (want("referenced_tweets") && !p.parent_id.empty())
      t["referenced_tweets"] = json::array{json::object{{"type", "replied_to"}, {"id", p.parent_id}}};
    if (want("in_reply_to_user_id") && !p.parent_id.empty())
      if (auto parent = pc.find_post(p.parent_id)) t["in_reply_to_user_id"] = parent->author;
    data.push_back(std::move(t));
  }
  json::object meta{{"result_count", data.size()}};
  if (!data.empty()) {
    meta["newest_id"] = data.front().at("id");
    meta["oldest_id"] = data.back().at("id");
    if (more) meta["next_token"] = data.back().at("id");
  }
  json::object out;
  if (!data.empty()) out["data"] = std::move(data);
  out["meta"] = std::move(meta);
  return ok_json(out);
}

}  // namespace postfuze::sim::publish
