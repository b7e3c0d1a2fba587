// Reddit publishing (platforms.md §13; reddit.com/dev/api; comment creation
// and errors as documented in Pyprohly/reddit-api-doc-notes
// docs/api-reference/comment.rst): POST /api/submit and POST /api/comment
// (forms with api_type=json; refusals are HTTP 200 with
// {"json":{"errors":[[CODE, message, field]]}}), and the user's own
// /user/{name}/submitted and /user/{name}/comments listings (scope history).
// Every call needs a descriptive User-Agent: a generic one is throttled (429).
// Responses carry X-Ratelimit-Used/Remaining/Reset.
#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>

#include "sim/api_support.hpp"
#include "sim/errors.hpp"
#include "sim/publish_builders.hpp"
#include "sim/publish_upload_builders.hpp"

namespace postfuze::sim::publish {

namespace {

namespace json = boost::json;
using http::bhttp::status;

constexpr std::size_t kMaxTitle = 300;
constexpr std::size_t kMaxText = 40'000;
// User-Agents of HTTP libraries and tools: Reddit throttles them (platforms.md §13).
constexpr std::string_view kGenericAgents[] = {"python-requests", "curl/", "go-http-client", "okhttp", "axios",
                                               "node-fetch",      "java/", "wget",           "libwww-perl",
                                               "postfuze-server/1.0"};
// Subreddit names that exist: every well-formed name except those starting
// with this prefix, so a test can name a missing subreddit.
constexpr std::string_view kMissingSubredditPrefix = "no_such_";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool generic_agent(std::string_view agent) {
  const std::string a = lower(agent);
  if (a.size() < 8) return true;
  for (auto g : kGenericAgents)
    if (a.starts_with(g)) return true;
  return false;
}

// A base36 id ("1abcde"), as Reddit's id36.
std::string id36(std::uint64_t n) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  n += 60'466'176;  // 36^5: six characters
  std::string out;
  while (n) {
    out.insert(out.begin(), kDigits[n % 36]);
    n /= 36;
  }
  return out;
}

std::string slug(std::string_view title) {
  std::string out;
  for (unsigned char c : title) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 50) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "post" : out;
}

double created_utc(core::TimePoint t) {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

http::Response with_rate_headers(http::Response res) {
  res.set("X-Ratelimit-Used", "1");
  res.set("X-Ratelimit-Remaining", "99.0");
  res.set("X-Ratelimit-Reset", "600");
  return res;
}

// Reddit's 200-with-errors refusal.
http::Response json_errors(PublishCall& pc, std::string_view code, std::string_view message, std::string_view field) {
  pc.rejected();
  return with_rate_headers(ok_json(json::object{{"json", {{"errors", json::array{json::array{code, message, field}}}}}}));
}

// Checks shared by the create calls; a refusal, or nullopt and the form.
std::optional<http::Response> precheck(PublishCall& pc, std::optional<Params>& form) {
  if (auto throttled = reddit_throttled(pc)) return throttled;
  if (!is_form(pc.req.header(http::bhttp::field::content_type)) || !(form = Params::parse(pc.req.message.body())))
    return api_error(*pc.call, ApiProblem::invalid_request, "The body must be application/x-www-form-urlencoded.");
  // Without api_type=json Reddit answers its old jQuery format, which no client should parse.
  if (form->get("api_type") != "json") {
    pc.rejected();
    return with_rate_headers(ok_json(json::object{{"jquery", json::array{}}, {"success", false}}));
  }
  return std::nullopt;
}

bool truthy(std::optional<std::string_view> v) { return v && (*v == "true" || *v == "1" || *v == "on"); }

json::object link_data(const SimPost& p) {
  const json::object& e = p.extra;
  return {{"id", p.id},
          {"name", e.at("name")},
          {"title", e.at("title")},
          {"selftext", p.text},
          {"url", e.at("url")},
          {"permalink", e.at("permalink")},
          {"subreddit", e.at("subreddit")},
          {"author", e.at("author_name")},
          {"is_self", e.at("kind") == "self"},
          {"is_reddit_media_domain", e.at("kind") == "image"},
          {"over_18", e.at("nsfw")},
          {"spoiler", e.at("spoiler")},
          {"link_flair_template_id", e.at("flair_id")},
          {"num_comments", 0},
          {"created_utc", created_utc(p.created)}};
}

json::object comment_data(const SimPost& p) {
  const json::object& e = p.extra;
  return {{"id", p.id},
          {"name", e.at("name")},
          {"body", p.text},
          {"author", e.at("author_name")},
          {"parent_id", p.parent_id},
          {"link_id", p.root_id},
          {"permalink", e.at("permalink")},
          {"subreddit", e.at("subreddit")},
          {"created_utc", created_utc(p.created)}};
}

// One of the user's own listings, newest first: limit (≤ 100), after/before fullnames.
http::Response listing(PublishCall& pc, bool comments) {
  if (auto throttled = reddit_throttled(pc)) return std::move(*throttled);
  const std::string name = lower(pc.req.param("name"));
  int limit = 25;
  if (auto l = pc.query.get("limit")) {
    try {
      limit = std::clamp(std::stoi(std::string(*l)), 1, 100);
    } catch (...) {
    }
  }
  const std::string after(pc.query.get("after").value_or(""));
  json::array children;
  bool skipping = !after.empty();
  std::string last;
  bool more = false;
  for (const auto& p : pc.sim.state.with([&](SimState::Data& d) {
         std::vector<SimPost> out;
         for (auto it = d.posts.rbegin(); it != d.posts.rend(); ++it)
           if (it->platform == pc.platform && lower(it->extra.at("author_name").as_string()) == name) out.push_back(*it);
         return out;
       })) {
    const bool is_comment = p.extra.at("kind") == "comment";
    if (is_comment != comments) continue;
    const std::string fullname(p.extra.at("name").as_string());
    if (skipping) {
      skipping = fullname != after;
      continue;
    }
    if (static_cast<int>(children.size()) == limit) {
      more = true;
      break;
    }
    children.push_back(json::object{{"kind", comments ? "t1" : "t3"}, {"data", comments ? comment_data(p) : link_data(p)}});
    last = fullname;
  }
  const auto dist = children.size();
  return with_rate_headers(ok_json(json::object{{"kind", "Listing"},
                                                {"data",
                                                 {{"after", more ? json::value(last) : json::value(nullptr)},
                                                  {"dist", dist},
                                                  {"modhash", nullptr},
                                                  {"geo_filter", ""},
                                                  {"children", std::move(children)},
                                                  {"before", nullptr}}}}));
}

}  // namespace

std::optional<http::Response> reddit_throttled(PublishCall& pc) {
  if (!generic_agent(pc.req.header(http::bhttp::field::user_agent))) return std::nullopt;
  pc.rejected();
  return with_rate_headers(
      http::json_response(status::too_many_requests, json::object{{"message", "Too Many Requests"}, {"error", 429}}));
}

http::Response reddit_submit(PublishCall& pc) {
  std::optional<Params> form;
  if (auto refusal = precheck(pc, form)) return std::move(*refusal);
  const std::string sr(form->get("sr").value_or(""));
  if (sr.empty()) return json_errors(pc, "SUBREDDIT_REQUIRED", "you must specify a subreddit", "sr");
  bool well_formed = sr.size() >= 2 && sr.size() <= 21;
  for (unsigned char c : sr) well_formed = well_formed && (std::isalnum(c) || c == '_');
  if (!well_formed || lower(sr).starts_with(kMissingSubredditPrefix))
    return json_errors(pc, "SUBREDDIT_NOEXIST", "that subreddit doesn't exist", "sr");
  const std::string kind(form->get("kind").value_or(""));
  if (kind != "self" && kind != "link" && kind != "image")
    return json_errors(pc, "INVALID_OPTION", "that option is not valid", "kind");
  const std::string title(form->get("title").value_or(""));
  if (title.empty()) return json_errors(pc, "NO_TEXT", "we need something here", "title");
  if (title.size() > kMaxTitle * 4 || std::count_if(title.begin(), title.end(), [](char c) {
                                        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
                                      }) > static_cast<long>(kMaxTitle))
    return json_errors(pc, "TOO_LONG", "this is too long (max: 300)", "title");
  std::string text, url;
  std::optional<SimUpload> image;
  if (kind == "image") {
    auto uploaded = reddit_uploaded_image(pc, form->get("url").value_or(""));
    if (auto* problem = std::get_if<std::string>(&uploaded)) return json_errors(pc, "BAD_IMAGE", *problem, "url");
    image = std::get<SimUpload>(std::move(uploaded));
    // Reddit serves the processed copy from its media domain.
    const std::string_view filepath = image->extra.at("filepath").as_string();
    url = "https://i.redd.it/" + image->id + std::string(filepath.substr(filepath.rfind('.')));
  } else if (kind == "self") {
    text = std::string(form->get("text").value_or(""));
    if (text.size() > kMaxText) return json_errors(pc, "TOO_LONG", "this is too long (max: 40000)", "text");
  } else {
    url = std::string(form->get("url").value_or(""));
    if (url.empty()) return json_errors(pc, "NO_URL", "a url is required", "url");
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->encoded_host().empty())
      return json_errors(pc, "BAD_URL", "you should check that url", "url");
    if (!truthy(form->get("resubmit")))
      for (const auto& p : pc.posts_by(pc.actor))
        if (p.extra.at("kind") == "link" && p.extra.at("url").as_string() == url && p.extra.at("subreddit").as_string() == sr)
          return json_errors(pc, "ALREADY_SUB", "that link has already been submitted", "url");
  }
  const std::string id = id36(pc.next_id());
  const std::string permalink = "/r/" + sr + "/comments/" + id + "/" + slug(title) + "/";
  SimPost post{.id = id,
               .author = pc.actor,
               .text = text,
               .extra = {{"kind", kind},
                         {"name", "t3_" + id},
                         {"title", title},
                         {"url", kind == "self" ? "https://www.reddit.com" + permalink : url},
                         {"subreddit", sr},
                         {"permalink", permalink},
                         {"author_name", pc.actor_name},
                         {"nsfw", truthy(form->get("nsfw"))},
                         {"spoiler", truthy(form->get("spoiler"))},
                         {"flair_id", form->get("flair_id") ? json::value(*form->get("flair_id")) : json::value(nullptr)}}};
  if (image) {
    post.extra["image_url"] = form->get("url").value_or("");
    post.extra["asset_id"] = image->id;
  }
  pc.store(std::move(post));
  // An image submit's answer does not name the post: it appears in the user's listings.
  if (image)
    return with_rate_headers(ok_json(json::object{
        {"json",
         {{"errors", json::array{}},
          {"data",
           {{"user_submitted_page", "https://www.reddit.com/user/" + pc.actor_name + "/submitted/"},
            {"websocket_url", "wss://ws.redditmedia.invalid/rte_images/" + image->id + "?m=" + pc.sim.mint("reddit", "ws")}}}}}}));
  return with_rate_headers(ok_json(json::object{{"json",
                                                 {{"errors", json::array{}},
                                                  {"data",
                                                   {{"url", "https://www.reddit.com" + permalink},
                                                    {"drafts_count", 0},
                                                    {"id", id},
                                                    {"name", "t3_" + id}}}}}}));
}

http::Response reddit_comment(PublishCall& pc) {
  std::optional<Params> form;
  if (auto refusal = precheck(pc, form)) return std::move(*refusal);
  const std::string thing(form->get("thing_id").value_or(""));
  if (thing.size() < 4 || (!thing.starts_with("t3_") && !thing.starts_with("t1_")))
    return json_errors(pc, "NO_THING_ID", "id not specified", "parent");
  auto parent = pc.find_post(std::string_view(thing).substr(3));
  const bool parent_is_comment = thing.starts_with("t1_");
  if (!parent || (parent->extra.at("kind") == "comment") != parent_is_comment)
    return json_errors(pc, "NO_THING_ID", "that thing doesn't exist", "parent");
  const std::string text(form->get("text").value_or(""));
  if (text.empty()) return json_errors(pc, "NO_TEXT", "we need something here", "text");
  if (text.size() > 10'000) return json_errors(pc, "TOO_LONG", "this is too long (max: 10000)", "text");

  const std::string link = parent_is_comment ? parent->root_id : std::string(parent->extra.at("name").as_string());
  const std::string sr(parent->extra.at("subreddit").as_string());
  const std::string id = id36(pc.next_id());
  const std::string link_permalink =
      parent_is_comment ? std::string() : std::string(parent->extra.at("permalink").as_string());
  std::string base = link_permalink;
  if (parent_is_comment) {
    // The comment's permalink is its submission's permalink plus its id.
    base = std::string(parent->extra.at("permalink").as_string());
    base = base.substr(0, base.size() - 1);
    base = base.substr(0, base.rfind('/') + 1);
  }
  const std::string permalink = base + id + "/";
  SimPost stored = pc.store(SimPost{.id = id,
                                    .author = pc.actor,
                                    .text = text,
                                    .parent_id = thing,
                                    .root_id = link,
                                    .extra = {{"kind", "comment"},
                                              {"name", "t1_" + id},
                                              {"subreddit", sr},
                                              {"permalink", permalink},
                                              {"author_name", pc.actor_name}}});
  return with_rate_headers(ok_json(json::object{
      {"json",
       {{"errors", json::array{}},
        {"data", {{"things", json::array{json::object{{"kind", "t1"}, {"data", comment_data(stored)}}}}}}}}}));
}

http::Response reddit_user_submitted(PublishCall& pc) { return listing(pc, false); }
http::Response reddit_user_comments(PublishCall& pc) { return listing(pc, true); }

}  // namespace postfuze::sim::publish
