#include "api/pending_session_endpoints.hpp"

#include "api/body_reader.hpp"
#include "api/endpoint.hpp"
#include "api/json_values.hpp"
#include "connect/finalize.hpp"
#include "core/time_format.hpp"
#include "http/json_body.hpp"

namespace postfuze::api {

namespace {

using boost::beast::http::status;
using boost::beast::http::verb;
using Awaitable = boost::asio::awaitable<core::Result<http::Response>>;

constexpr std::string_view kScope = "accounts:write";
constexpr std::size_t kMaxTokenBytes = 128;

boost::json::object choice_json(const connect::PendingChoice& c) {
  return {{"id", c.id},
          {"type", c.type},
          {"name", c.name},
          {"username", string_or_null(c.username)},
          {"profilePictureUrl", string_or_null(c.profile_picture_url)}};
}

Awaitable get_pending(Call& call) {
  const std::string token(call.request.param("token"));
  if (token.size() > kMaxTokenBytes) co_return core::Error::session_expired();
  auto session = co_await connect::find_live_session(call.ctx.connect_deps(), call.org(), token);
  if (!session) co_return std::move(session).error();
  boost::json::array pages;
  for (const auto& c : session->choices) pages.emplace_back(choice_json(c));
  co_return http::json_response(status::ok, boost::json::object{{"network", session->platform},
                                                                {"availablePages", std::move(pages)},
                                                                {"tenant_id", string_or_null(session->tenant_id)},
                                                                {"expires_at", core::format_timestamp(session->expires_at)}});
}

Awaitable finalize_pending(Call& call) {
  const std::string token(call.request.param("token"));
  if (token.size() > kMaxTokenBytes) co_return core::Error::session_expired();
  auto body = http::parse_json_object(call.request);
  if (!body) co_return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"selectedPageIds"});
  auto selected = in.strings("selectedPageIds", connect::kMaxSelected, true);
  if (!in.ok()) co_return in.error();
  auto accounts = co_await connect::finalize_session(call.ctx.connect_deps(), call.org(), token, std::move(*selected),
                                                    "selectedPageIds");
  if (!accounts) co_return std::move(accounts).error();
  boost::json::array out;
  for (const auto& a : *accounts)
    out.emplace_back(boost::json::object{{"id", a.id},
                                         {"nickname", a.username ? *a.username : a.display_name.value_or(a.network_unique_id)},
                                         {"username", string_or_null(a.username)},
                                         {"network", a.platform},
                                         {"accountType", a.account_type}});
  co_return http::json_response(status::created, boost::json::object{{"connectedAccounts", std::move(out)}});
}

}  // namespace

void mount_pending_sessions(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::get, "/api/v1/social-accounts/pending/{token}", true, {}, get_pending});
  mount(router, ctx, {verb::post, "/api/v1/social-accounts/pending/{token}/finalize", true, kScope, finalize_pending});
}

}  // namespace postfuze::api
