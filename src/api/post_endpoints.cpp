#include "api/post_endpoints.hpp"

#include <algorithm>

#include "accounts/account_store.hpp"
#include "api/endpoint.hpp"
#include "api/pagination.hpp"
#include "api/post_request.hpp"
#include "api/query_params.hpp"
#include "connect/social_network.hpp"
#include "core/ids.hpp"
#include "core/json_values.hpp"
#include "core/time_format.hpp"
#include "http/json_body.hpp"
#include "media/media_store.hpp"
#include "publish/post_builder.hpp"
#include "publish/post_json.hpp"
#include "publish/post_store.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;
using publish::Post;

constexpr std::string_view kScope = "posts:write";
const std::string kNotFound = "No post with this id.";
const std::string kAccountsNotFound = "One or more target accounts were not found.";

http::Response post_response(status code, const Post& post) {
  auto res = http::json_response(code, publish::to_json(post));
  res.set(boost::beast::http::field::etag, publish::etag(post));
  return res;
}

// Idempotency (contract §7, D8): external_ref wins over the header; both are
// per org and kept with the post. A replay answers the original post, 200.
// Read from the raw body, before validation: a repeat answers the stored post
// even when its body would no longer pass (a scheduled_at now in the past).
core::Result<std::optional<std::string>> idempotency_key(const http::Request& req, const boost::json::object& body) {
  if (const auto* ref = body.if_contains("external_ref"); ref && ref->is_string() && !ref->as_string().empty() &&
                                                          ref->as_string().size() <= 255)
    return std::optional<std::string>("ref:" + std::string(ref->as_string()));
  const std::string_view header = req.header("Idempotency-Key");
  if (header.empty()) return std::optional<std::string>();
  if (header.size() > 255 || std::any_of(header.begin(), header.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
    return core::Error::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters.");
  return std::optional<std::string>("key:" + std::string(header));
}

// The request's accounts, in its order: each must be the org's and not
// disconnected; any other is "not found" (contract §5's message).
boost::asio::awaitable<core::Result<std::vector<accounts::SocialAccount>>> target_accounts(
    Call& call, const std::vector<std::string>& ids) {
  std::vector<accounts::SocialAccount> out;
  std::vector<core::FieldError> missing, inactive;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::optional<accounts::SocialAccount> a;
      if (core::is_uuid(ids[i])) {
        auto r = accounts::find_account(c, call.org(), ids[i]);
        if (!r) return std::move(r).error();
        a = std::move(*r);
      }
      if (!a || a->status == accounts::kDisconnected) {
        missing.push_back({"accounts." + std::to_string(i), "No social account with this id.", "not_found"});
        continue;
      }
      if (a->status != accounts::kActive)
        inactive.push_back({"accounts." + std::to_string(i),
                            "The account is " + a->status + "; reconnect it before publishing.", "account_not_active",
                            a->id, a->platform});
      out.push_back(std::move(*a));
    }
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!missing.empty()) {
    auto e = core::Error::validation(std::move(missing));
    e.detail = kAccountsNotFound;
    co_return e;
  }
  if (!inactive.empty()) co_return core::Error::validation(std::move(inactive));
  co_return out;
}

// The containers' media (contract §19): each id must be one of the org's
// assets that is ready or still processing; its stored facts (kind, verified
// type, size) are filled in for preflight. Unknown, deleted or failed assets
// and ones whose upload is not confirmed are one 422 naming each.
boost::asio::awaitable<core::Status> attach_media(Call& call, std::vector<publish::ContainerInput>& containers) {
  std::vector<core::FieldError> errors;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    for (std::size_t i = 0; i < containers.size(); ++i)
      for (std::size_t j = 0; j < containers[i].media.size(); ++j) {
        auto& input = containers[i].media[j];
        const std::string field = "containers." + std::to_string(i) + ".media." + std::to_string(j);
        std::optional<media::Media> m;
        if (core::is_uuid(input.id)) {
          auto r = media::find_media(c, call.org(), input.id);
          if (!r) return std::move(r).error();
          m = std::move(*r);
        }
        if (!m) {
          errors.push_back({field, "No media with this id.", "not_found"});
        } else if (m->status == media::kFailed) {
          errors.push_back({field, "The media failed processing; upload it again.", "media_failed"});
        } else if (!media::attachable(*m)) {
          errors.push_back({field, "The media's upload is not confirmed yet (status " + m->status +
                                       "); call POST /media/{id}/confirm first.",
                            "media_not_ready"});
        } else {
          input.kind = m->kind;
          input.content_type = m->content_type;
          input.size = m->size;
        }
      }
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!errors.empty()) co_return core::Error::validation(std::move(errors));
  co_return core::Ok{};
}

std::vector<std::string> media_ids(const Post& post) {
  std::vector<std::string> ids;
  for (const auto& c : post.containers)
    for (const auto& m : c.media)
      if (std::find(ids.begin(), ids.end(), m.id) == ids.end()) ids.push_back(m.id);
  return ids;
}

boost::asio::awaitable<core::Result<std::optional<Post>>> replay(Call& call, const std::string& key) {
  std::optional<Post> found;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = publish::find_post_by_key(c, call.org(), key);
    if (!r) return std::move(r).error();
    found = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return found;
}

Awaitable create_post(Call& call) {
  auto& ctx = call.ctx;
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  const auto now = ctx.clock.now();
  auto key = idempotency_key(call.request, *body);
  if (!key) co_return std::move(key).error();
  if (*key) {
    auto earlier = co_await replay(call, **key);
    if (!earlier) co_return std::move(earlier).error();
    if (*earlier) co_return post_response(status::ok, **earlier);
  }
  auto request = parse_post_request(*body, now);
  if (!request) co_return std::move(request).error();
  if (call.key->mode == orgs::KeyMode::test && !request->is_draft)
    co_return core::Error{core::ErrorCode::test_mode_restricted, "Test keys may only create drafts (is_draft: true).", {}, {}};
  auto accounts = co_await target_accounts(call, request->account_ids);
  if (!accounts) co_return std::move(accounts).error();
  if (auto m = co_await attach_media(call, request->containers); !m) co_return std::move(m).error();
  auto post = publish::build_post(*request, *accounts, ctx.connect->catalog, call.org(), *key, now, ctx.random);
  if (!post) co_return std::move(post).error();
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
    if (auto i = publish::insert_post(c, *post); !i) return i;
    return media::link_post_media(c, call.org(), post->id, media_ids(*post));
  });
  if (!s) {
    // Two first requests with one key: the loser answers the winner's post.
    if (s.error().code == core::ErrorCode::conflict && *key) {
      auto earlier = co_await replay(call, **key);
      if (!earlier) co_return std::move(earlier).error();
      if (*earlier) co_return post_response(status::ok, **earlier);
    }
    co_return std::move(s).error();
  }
  if (post->status == publish::kQueued) ctx.wake_publisher();
  co_return post_response(status::created, *post);
}

core::Result<std::optional<core::TimePoint>> time_param(const http::Request& req, std::string_view name) {
  auto v = query_param(req, name);
  if (!v) return std::optional<core::TimePoint>();
  auto t = core::parse_timestamp(*v);
  if (!t) return core::Error::invalid_parameter(std::string(name), "Must be an RFC 3339 timestamp.");
  return std::optional<core::TimePoint>(*t);
}

core::Result<std::pair<publish::PostFilter, std::string>> read_filters(const http::Request& req) {
  publish::PostFilter f;
  f.status = query_param(req, "status");
  if (f.status && !publish::is_post_status(*f.status))
    return core::Error::invalid_parameter("status", "Unknown post status.");
  f.platform = query_param(req, "platform");
  if (f.platform && !connect::is_platform(*f.platform)) return core::Error::invalid_parameter("platform", "Unknown platform.");
  f.account_id = query_param(req, "account_id");
  if (f.account_id && !core::is_uuid(*f.account_id))
    return core::Error::invalid_parameter("account_id", "Must be an account id (a UUID).");
  f.tenant_id = query_param(req, "tenant_id");
  f.external_ref = query_param(req, "external_ref");
  std::string canonical = "posts";
  for (const auto& [k, v] : {std::pair{"status", f.status}, {"platform", f.platform}, {"account_id", f.account_id},
                             {"tenant_id", f.tenant_id}, {"external_ref", f.external_ref}})
    canonical += std::string("|") + k + "=" + v.value_or("");
  for (auto [name, field] : {std::pair{"created_after", &f.created_after}, {"created_before", &f.created_before},
                             {"scheduled_after", &f.scheduled_after}, {"scheduled_before", &f.scheduled_before}}) {
    auto t = time_param(req, name);
    if (!t) return std::move(t).error();
    *field = *t;
    canonical += std::string("|") + name + "=" + (*t ? core::format_timestamp(**t) : "");
  }
  return std::pair{std::move(f), std::move(canonical)};
}

Awaitable list_posts(Call& call) {
  auto filters = read_filters(call.request);
  if (!filters) co_return std::move(filters).error();
  auto params = parse_page_params(call.request, call.ctx.cursors, filters->second);
  if (!params) co_return std::move(params).error();
  store::Page<Post> page;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = publish::list_posts(c, call.org(), filters->first, params->after, params->limit);
    if (!r) return std::move(r).error();
    page = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return page_response(page, [](const Post& p) { return publish::to_json(p); }, call.ctx.cursors, filters->second);
}

// The post, unless missing, another org's or canceled (all read as 404).
boost::asio::awaitable<core::Result<Post>> visible_post(Call& call) {
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  co_return co_await found_or_404<Post>(
      call.ctx, [&](store::Connection& c) { return publish::find_post(c, call.org(), id); }, kNotFound);
}

Awaitable get_post(Call& call) {
  auto p = co_await visible_post(call);
  if (!p) co_return std::move(p).error();
  co_return post_response(status::ok, *p);
}

// PATCH (D28): a draft or a scheduled post none of whose targets started may
// change any create field; the body is merged over the stored post's fields,
// then validated exactly like a create. If-Match guards against lost updates.
Awaitable update_post(Call& call) {
  auto& ctx = call.ctx;
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  auto current = co_await visible_post(call);
  if (!current) co_return std::move(current).error();
  const std::string_view if_match = call.request.header(boost::beast::http::field::if_match);
  if (!if_match.empty() && if_match != "*" && if_match != publish::etag(*current))
    co_return core::Error::precondition_failed("The post changed since it was read (If-Match); fetch it again.");
  if (current->status != publish::kDraft && current->status != publish::kScheduled)
    co_return core::Error::conflict("Only drafts and scheduled posts can be changed.");
  for (std::string_view fixed : {"external_ref"})
    if (body->if_contains(fixed))
      co_return core::Error::validation(std::string(fixed), "Cannot be changed after the post is created.", "immutable");

  // The stored post as a create body, with the patch laid over it.
  boost::json::object merged;
  boost::json::array ids, containers;
  for (const auto& t : current->targets) ids.emplace_back(t.social_account_id);
  for (const auto& c : current->containers) {
    boost::json::array media;
    for (const auto& m : c.media) media.push_back({{"id", m.id}, {"alt_text", core::string_or_null(m.alt_text)}});
    containers.push_back({{"content", c.content}, {"media", std::move(media)}});
  }
  merged["accounts"] = std::move(ids);
  merged["containers"] = std::move(containers);
  merged["is_draft"] = current->is_draft;
  if (current->scheduled_at) merged["scheduled_at"] = core::format_timestamp(*current->scheduled_at);
  if (current->tenant_id) merged["tenant_id"] = *current->tenant_id;
  merged["config"] = current->default_config;
  if (body->if_contains("content")) merged.erase("containers");
  for (const auto& kv : *body) merged[kv.key()] = kv.value();
  if (current->external_ref) merged["external_ref"] = *current->external_ref;

  const auto now = ctx.clock.now();
  auto request = parse_post_request(merged, now);
  if (!request) co_return std::move(request).error();
  if (call.key->mode == orgs::KeyMode::test && !request->is_draft)
    co_return core::Error{core::ErrorCode::test_mode_restricted, "Test keys may only keep posts as drafts.", {}, {}};
  auto accounts = co_await target_accounts(call, request->account_ids);
  if (!accounts) co_return std::move(accounts).error();
  if (auto m = co_await attach_media(call, request->containers); !m) co_return std::move(m).error();
  auto next = publish::build_post(*request, *accounts, ctx.connect->catalog, call.org(), current->idempotency_key,
                                  now, ctx.random);
  if (!next) co_return std::move(next).error();
  next->id = current->id;
  next->created_at = current->created_at;
  next->updated_at = now;
  next->version = current->version + 1;
  for (auto& t : next->targets) t.post_id = current->id;
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
    if (auto r = publish::replace_unpublished(c, *next, current->version, now); !r) return r;
    return media::link_post_media(c, call.org(), next->id, media_ids(*next));
  });
  if (!s) co_return std::move(s).error();
  if (next->status == publish::kQueued) ctx.wake_publisher();
  co_return post_response(status::ok, *next);
}

Awaitable delete_post(Call& call) {
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  std::optional<Post> canceled;
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = publish::cancel_post(c, call.org(), id, call.ctx.clock.now());
    if (!r) return std::move(r).error();
    canceled = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return post_response(status::ok, *canceled);
}

Awaitable retry_post(Call& call) {
  const std::string id(call.request.param("id"));
  if (!core::is_uuid(id)) co_return core::Error::not_found(kNotFound);
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) {
    return publish::requeue_failed_targets(c, call.org(), id, call.ctx.clock.now());
  });
  if (!s) co_return std::move(s).error();
  call.ctx.wake_publisher();
  auto p = co_await visible_post(call);
  if (!p) co_return std::move(p).error();
  co_return post_response(status::accepted, *p);
}

Awaitable list_post_attempts(Call& call) {
  auto p = co_await visible_post(call);
  if (!p) co_return std::move(p).error();
  std::vector<publish::AttemptRecord> attempts;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = publish::list_attempts(c, call.org(), p->id);
    if (!r) return std::move(r).error();
    attempts = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  boost::json::array data;
  for (const auto& a : attempts) {
    std::string platform, account;
    for (const auto& t : p->targets)
      if (t.id == a.target_id) {
        platform = t.platform;
        account = t.social_account_id;
      }
    data.push_back({{"id", a.id},
                    {"target_id", a.target_id},
                    {"social_account_id", account},
                    {"platform", platform},
                    {"attempt", a.attempt},
                    {"container_id", "ctr_" + std::to_string(a.container_position)},
                    {"outcome", a.outcome},
                    {"error_code", core::string_or_null(a.error_code)},
                    {"message", core::string_or_null(a.message)},
                    {"platform_status", a.platform_status ? boost::json::value(*a.platform_status) : nullptr},
                    {"platform_request_id", core::string_or_null(a.platform_request_id)},
                    {"retry_at", core::timestamp_or_null(a.retry_at)},
                    {"latency_ms", a.latency_ms},
                    {"created_at", core::format_timestamp(a.created_at)}});
  }
  co_return http::json_response(status::ok, boost::json::object{{"data", std::move(data)}});
}

}  // namespace

void mount_posts(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::post, "/api/v1/posts", true, kScope, create_post});
  mount(router, ctx, {verb::get, "/api/v1/posts", true, {}, list_posts});
  mount(router, ctx, {verb::get, "/api/v1/posts/{id}", true, {}, get_post});
  mount(router, ctx, {verb::patch, "/api/v1/posts/{id}", true, kScope, update_post});
  mount(router, ctx, {verb::delete_, "/api/v1/posts/{id}", true, kScope, delete_post});
  mount(router, ctx, {verb::post, "/api/v1/posts/{id}/retry", true, kScope, retry_post});
  mount(router, ctx, {verb::get, "/api/v1/posts/{id}/attempts", true, {}, list_post_attempts});
}

}  // namespace postfuze::api
