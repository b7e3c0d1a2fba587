#include "api/bluesky_endpoints.hpp"

#include "api/body_reader.hpp"
#include "api/endpoint.hpp"
#include "connect/atproto_identity.hpp"
#include "connect/bluesky_connect.hpp"
#include "connect/connect_state.hpp"
#include "http/json_body.hpp"

namespace postfuze::api {

namespace {

namespace bhttp = boost::beast::http;
using bhttp::status;
using bhttp::verb;

constexpr std::string_view kScope = "accounts:write";
// A DID may be long (did:web host names up to 253, did:plc 32); emails 254.
constexpr std::size_t kMaxIdentifier = 512;
// App passwords are 19 characters; a main password gets room to be refused
// with a clear answer rather than a length error.
constexpr std::size_t kMaxPassword = 256;

core::Result<connect::BlueskyCredentials> read_body(http::Request& req) {
  auto body = http::parse_json_object(req);
  if (!body) return std::move(body).error();
  BodyReader in(*body);
  in.allow_only({"identifier", "app_password", "tenant_id"});
  auto identifier = in.string("identifier", kMaxIdentifier, true);
  auto password = in.string("app_password", kMaxPassword, true);
  auto tenant_id = in.string("tenant_id", connect::kMaxTenantIdLength);
  if (identifier) {
    using connect::IdentifierKind;
    const auto kind = connect::identifier_kind(*identifier);
    const bool valid = kind == IdentifierKind::did     ? connect::valid_did(*identifier)
                       : kind == IdentifierKind::email ? identifier->find_first_of(" \t\r\n") == std::string::npos
                                                       : connect::valid_handle(connect::normalize_handle(*identifier));
    if (!valid)
      in.fail("identifier", "Must be a Bluesky handle (alice.bsky.social), the account's email or its DID (did:plc:…).",
              "invalid");
  }
  if (password && password->empty()) in.fail("app_password", "Must not be empty.", "invalid");
  if (tenant_id && tenant_id->empty()) in.fail("tenant_id", "Must not be empty.", "invalid");
  if (!in.ok()) return in.error();
  return connect::BlueskyCredentials{std::move(*identifier), core::Secret(std::move(*password)), std::move(tenant_id)};
}

boost::asio::awaitable<core::Result<http::Response>> connect_account(Call& call) {
  auto credentials = read_body(call.request);
  if (!credentials) co_return std::move(credentials).error();
  auto connected = co_await connect::connect_bluesky(call.ctx.connect_deps(), call.org(), std::move(*credentials));
  if (!connected) co_return std::move(connected).error();
  const accounts::SocialAccount& a = connected->account;
  co_return http::json_response(connected->created ? status::created : status::ok,
                                boost::json::object{{"id", a.id},
                                                    {"network", a.platform},
                                                    {"username", a.username.value_or(a.network_unique_id)},
                                                    {"account_type", a.account_type},
                                                    {"status", a.status}});
}

}  // namespace

void mount_bluesky(http::Router& router, ApiContext& ctx) {
  mount(router, ctx, {verb::post, "/api/v1/social-accounts/bluesky/connect", true, kScope, connect_account});
}

}  // namespace postfuze::api
