#include "api/webhook_endpoints.hpp"

#include <boost/asio/this_coro.hpp>

#include "api/body_reader.hpp"
#include "api/json_values.hpp"
#include "api/pagination.hpp"
#include "core/time_format.hpp"
#include "http/json_body.hpp"
#include "webhooks/destination.hpp"
#include "webhooks/endpoint_store.hpp"
#include "webhooks/event_types.hpp"
#include "webhooks/outbox.hpp"
#include "webhooks/signing.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;
using webhooks::Endpoint;

constexpr std::string_view kScope = "webhooks:write";
constexpr std::size_t kMaxDescription = 500;
constexpr auto kSecretOverlap = std::chrono::hours(24);
const std::string kNotFound = "No webhook with this id.";

boost::json::object to_json(const Endpoint& e) {
  boost::json::array events;
  for (const auto& ev : e.events) events.emplace_back(ev);
  return {{"id", e.id},
          {"url", e.url},
          {"description", e.description},
          {"events", std::move(events)},
          {"is_enabled", e.is_enabled},
          {"status", e.is_enabled ? "enabled" : "disabled"},
          {"disabled_reason", string_or_null(e.disabled_reason)},
          {"failing_since", timestamp_or_null(e.failing_since)},
          {"created_at", core::format_timestamp(e.created_at)},
          {"updated_at", core::format_timestamp(e.updated_at)}};
}

boost::json::object attempt_json(const webhooks::AttemptRow& a) {
  boost::json::value response_status = nullptr;
  if (a.response_status) response_status = *a.response_status;
  return {{"id", a.id},
          {"delivery_id", a.delivery_id},
          {"event_id", a.event_id},
          {"event_type", a.event_type},
          {"attempt", a.attempt},
          {"outcome", a.outcome},
          {"response_status", response_status},
          {"latency_ms", a.latency_ms},
          {"error_class", string_or_null(a.error_class)},
          {"created_at", core::format_timestamp(a.created_at)}};
}

// Validates an event list: 1–10 known names, duplicates dropped.
std::optional<std::vector<std::string>> read_events(BodyReader& in, bool required) {
  auto names = in.strings("events", 32, required);
  if (!names) return std::nullopt;
  std::vector<std::string> out;
  bool good = true;
  for (std::size_t i = 0; i < names->size(); ++i) {
    if (!webhooks::is_event_type((*names)[i])) {
      in.fail("events." + std::to_string(i), "Unknown event type.", "unknown_event");
      good = false;
    } else if (std::find(out.begin(), out.end(), (*names)[i]) == out.end()) {
      out.push_back((*names)[i]);
    }
  }
  if (good && out.empty()) {
    in.fail("events", "Subscribe to at least one event.", "required");
    good = false;
  }
  if (!good) return std::nullopt;
  return out;
}

// Reads the endpoint named in the path, in the caller's org.
boost::asio::awaitable<core::Result<Endpoint>> find(Call& call) {
  const std::string id(call.request.param("id"));
  co_return co_await found_or_404<Endpoint>(
      call.ctx, [&](store::Connection& c) { return webhooks::find_endpoint(c, call.org(), id); }, kNotFound);
}

Awaitable create_webhook(Call& call) {
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"url", "events", "description", "signing_secret"});
  auto url = in.string("url", 4096, true);
  if (url)
    if (auto s = webhooks::validate_endpoint_url(*url, "url"); !s) in.fail("url", s.error().fields[0].message, s.error().fields[0].code);
  auto events = read_events(in, true);
  auto description = in.string("description", kMaxDescription);
  auto secret = in.string("signing_secret", 512);
  if (secret)
    if (auto s = webhooks::validate_signing_secret(*secret, "signing_secret"); !s)
      in.fail("signing_secret", s.error().fields[0].message);
  if (!in.ok()) co_return in.error();
  auto executor = co_await boost::asio::this_coro::executor;
  if (auto s = co_await webhooks::check_destination(executor, *url, call.ctx.allow_private_webhooks, "url"); !s)
    co_return std::move(s).error();

  auto& ctx = call.ctx;
  const std::string plaintext = secret.value_or(webhooks::generate_signing_secret(ctx.random));
  Endpoint e;
  e.id = core::new_uuid(ctx.random);
  e.org = call.org();
  e.url = *url;
  e.description = description.value_or("");
  e.events = std::move(*events);
  e.secret = ctx.keys.seal(ctx.random, webhooks::secret_aad(e.org, e.id), plaintext);
  e.created_at = e.updated_at = ctx.clock.now();
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) { return webhooks::insert_endpoint(c, e); });
  if (!s) co_return std::move(s).error();
  auto json = to_json(e);
  json["signing_secret"] = plaintext;  // the only time it leaves the server
  co_return http::json_response(status::created, json);
}

Awaitable list_webhooks(Call& call) {
  auto params = parse_page_params(call.request, call.ctx.cursors, "webhooks");
  if (!params) co_return std::move(params).error();
  webhooks::EndpointPage page;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = webhooks::list_endpoints(c, call.org(), params->after, params->limit);
    if (!r) return std::move(r).error();
    page = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return page_response(page, to_json, call.ctx.cursors, "webhooks");
}

Awaitable get_webhook(Call& call) {
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  co_return http::json_response(status::ok, to_json(*e));
}

Awaitable update_webhook(Call& call) {
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"url", "events", "description", "is_enabled"});
  auto url = in.string("url", 4096);
  if (url)
    if (auto s = webhooks::validate_endpoint_url(*url, "url"); !s) in.fail("url", s.error().fields[0].message, s.error().fields[0].code);
  auto events = in.has("events") ? read_events(in, true) : std::nullopt;
  auto description = in.string("description", kMaxDescription);
  auto enabled = in.boolean("is_enabled");
  if (!in.ok()) co_return in.error();
  if (url) {
    auto executor = co_await boost::asio::this_coro::executor;
    if (auto s = co_await webhooks::check_destination(executor, *url, call.ctx.allow_private_webhooks, "url"); !s)
      co_return std::move(s).error();
  }
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  if (url) e->url = *url;
  if (events) e->events = std::move(*events);
  if (description) e->description = *description;
  if (enabled && *enabled != e->is_enabled) {
    e->is_enabled = *enabled;
    // Enabling again starts with a clean record.
    e->disabled_reason = *enabled ? std::nullopt : std::optional<std::string>("Disabled through the API.");
    e->failing_since = std::nullopt;
  }
  e->updated_at = call.ctx.clock.now();
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) { return webhooks::update_endpoint(c, *e); });
  if (!s) co_return std::move(s).error();
  co_return http::json_response(status::ok, to_json(*e));
}

Awaitable delete_webhook(Call& call) {
  bool deleted = false;
  const std::string id(call.request.param("id"));
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = webhooks::delete_endpoint(c, call.org(), id, call.ctx.clock.now());
    if (!r) return std::move(r).error();
    deleted = *r;
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  if (!deleted) co_return core::Error::not_found(kNotFound);
  co_return http::empty_response(status::no_content);
}

Awaitable rotate_secret(Call& call) {
  std::optional<std::string> supplied;
  if (!call.request.message.body().empty()) {
    auto body = http::parse_json_object(call.request);
    if (!body) co_return std::move(body).error();
    BodyReader in(*body);
    in.allow_only({"signing_secret"});
    supplied = in.string("signing_secret", 512);
    if (supplied)
      if (auto s = webhooks::validate_signing_secret(*supplied, "signing_secret"); !s)
        in.fail("signing_secret", s.error().fields[0].message);
    if (!in.ok()) co_return in.error();
  }
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  auto& ctx = call.ctx;
  const auto now = ctx.clock.now();
  const std::string plaintext = supplied.value_or(webhooks::generate_signing_secret(ctx.random));
  e->previous_secret = e->secret;
  e->previous_secret_expires_at = now + kSecretOverlap;
  e->secret = ctx.keys.seal(ctx.random, webhooks::secret_aad(e->org, e->id), plaintext);
  e->updated_at = now;
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) { return webhooks::update_endpoint(c, *e); });
  if (!s) co_return std::move(s).error();
  co_return http::json_response(status::ok, {{"id", e->id},
                                             {"signing_secret", plaintext},
                                             {"previous_secret_expires_at", timestamp_or_null(e->previous_secret_expires_at)}});
}

Awaitable send_test(Call& call) {
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  if (!e->is_enabled) co_return core::Error::conflict("The webhook is disabled; enable it first.");
  std::optional<webhooks::EmittedEvent> emitted;
  auto& ctx = call.ctx;
  auto s = co_await in_transaction(ctx, [&](store::Connection& c) -> core::Status {
    auto r = webhooks::emit_to_endpoint(c, ctx.clock, ctx.random, e->org, e->id, webhooks::kTestEvent,
                                        {{"webhook_id", e->id}, {"message", "This is a test event from PostFuze."}});
    if (!r) return std::move(r).error();
    emitted = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  ctx.wake_webhooks();
  co_return http::json_response(status::accepted, {{"event_id", emitted->event_id},
                                                   {"delivery_id", emitted->delivery_ids.front()},
                                                   {"type", webhooks::kTestEvent}});
}

Awaitable list_deliveries(Call& call) {
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  const std::string filters = "webhook-deliveries|" + e->id;
  auto params = parse_page_params(call.request, call.ctx.cursors, filters);
  if (!params) co_return std::move(params).error();
  webhooks::AttemptPage page;
  auto s = co_await with_store(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = webhooks::list_attempts(c, call.org(), e->id, params->after, params->limit);
    if (!r) return std::move(r).error();
    page = std::move(*r);
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  co_return page_response(page, attempt_json, call.ctx.cursors, filters);
}

Awaitable resend(Call& call) {
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  if (!e->is_enabled) co_return core::Error::conflict("The webhook is disabled; enable it first.");
  const std::string delivery_id(call.request.param("delivery_id"));
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) {
    return webhooks::resend_delivery(c, call.org(), e->id, delivery_id, call.ctx.clock.now());
  });
  if (!s) co_return std::move(s).error();
  call.ctx.wake_webhooks();
  co_return http::json_response(status::accepted, {{"delivery_id", delivery_id}, {"status", "pending"}});
}

Awaitable recover(Call& call) {
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"since"});
  auto since = in.timestamp("since", true);
  if (!in.ok()) co_return in.error();
  auto e = co_await find(call);
  if (!e) co_return std::move(e).error();
  if (!e->is_enabled) co_return core::Error::conflict("The webhook is disabled; enable it first.");
  std::int64_t requeued = 0;
  auto s = co_await in_transaction(call.ctx, [&](store::Connection& c) -> core::Status {
    auto r = webhooks::requeue_failed(c, call.org(), e->id, *since, call.ctx.clock.now());
    if (!r) return std::move(r).error();
    requeued = *r;
    return core::Ok{};
  });
  if (!s) co_return std::move(s).error();
  call.ctx.wake_webhooks();
  co_return http::json_response(status::accepted, {{"requeued", requeued}});
}

}  // namespace

void mount_webhooks(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::post, "/api/v1/webhooks", true, kScope, create_webhook});
  mount(router, ctx, {verb::get, "/api/v1/webhooks", true, {}, list_webhooks});
  mount(router, ctx, {verb::get, "/api/v1/webhooks/{id}", true, {}, get_webhook});
  mount(router, ctx, {verb::patch, "/api/v1/webhooks/{id}", true, kScope, update_webhook});
  mount(router, ctx, {verb::delete_, "/api/v1/webhooks/{id}", true, kScope, delete_webhook});
  mount(router, ctx, {verb::post, "/api/v1/webhooks/{id}/rotate-secret", true, kScope, rotate_secret});
  mount(router, ctx, {verb::post, "/api/v1/webhooks/{id}/test", true, kScope, send_test});
  mount(router, ctx, {verb::get, "/api/v1/webhooks/{id}/deliveries", true, {}, list_deliveries});
  mount(router, ctx, {verb::post, "/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend", true, kScope, resend});
  mount(router, ctx, {verb::post, "/api/v1/webhooks/{id}/recover", true, kScope, recover});
}

}  // namespace postfuze::api
