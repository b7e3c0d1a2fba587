#include "connect/atproto_session.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "connect/atproto_identity.hpp"

namespace postfuze::connect {

namespace json = boost::json;
using boost::beast::http::verb;

std::string describe_xrpc(const net::OutboundResult& r) {
  std::string out;
  if (r.failure) out = std::string(net::to_string(*r.failure)) + (r.detail.empty() ? "" : " (" + r.detail + ")");
  else out = "status " + std::to_string(r.response->status) + " error=" + xrpc_error_name(r.response->body);
  return out + " after " + std::to_string(r.elapsed.count()) + " ms";
}

core::Error bluesky_unreachable(std::string internal) {
  return core::Error::platform_unavailable("The Bluesky server could not be reached; try again later.",
                                           std::move(internal));
}

std::optional<std::string> json_string_member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string() || v->get_string().empty()) return std::nullopt;
  return std::string(v->get_string());
}

// POST {service}/xrpc/com.atproto.server.createSession (platforms.md §14).
boost::asio::awaitable<core::Result<Session>> create_session(PlatformCalls calls, std::string service,
                                                             std::string identifier, const core::Secret& password,
                                                             bool customer_host) {
  net::OutboundRequest req;
  req.method = verb::post;
  req.url = service + "/xrpc/com.atproto.server.createSession";
  req.timeout = calls.timeout;
  req.max_response_bytes = 256 * 1024;
  req.enforce_address_policy = customer_host;
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  req.body = json::serialize(json::object{{"identifier", identifier}, {"password", password.reveal()}});
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  if (r.failure || !r.response || r.response->status >= 500 || r.response->status == 429)
    co_return bluesky_unreachable("createSession: " + describe_xrpc(r));
  if (r.response->status != 200) {
    // 401 AuthenticationRequired (unknown identifier or wrong password, which
    // the PDS makes indistinguishable), AuthFactorTokenRequired, AccountTakedown, …
    const std::string name = xrpc_error_name(r.response->body);
    core::Error e = core::Error::invalid_credentials(
        name == "AuthFactorTokenRequired"
            ? "This Bluesky account signs in with an email code: create an app password (Settings → App Passwords) "
              "and connect with it."
            : "Bluesky did not accept this identifier and app password.");
    e.internal = "createSession: " + describe_xrpc(r);
    co_return e;
  }
  boost::system::error_code ec;
  json::value v = json::parse(r.response->body, ec);
  if (ec || !v.is_object()) co_return bluesky_unreachable("createSession answered 200 with a body that is not a JSON object");
  const auto& o = v.get_object();
  auto access = json_string_member(o, "accessJwt");
  auto refresh = json_string_member(o, "refreshJwt");
  auto did = json_string_member(o, "did");
  auto handle = json_string_member(o, "handle");
  if (!access || !refresh || !did || !handle || !valid_did(*did))
    co_return bluesky_unreachable("createSession answered 200 without accessJwt, refreshJwt, did and handle");
  if (const json::value* active = o.if_contains("active"); active && active->is_bool() && !active->get_bool()) {
    core::Error e = core::Error::invalid_credentials("This Bluesky account is not active.");
    e.internal = "createSession: account inactive, status=" + json_string_member(o, "status").value_or("none");
    co_return e;
  }
  Session s{core::Secret(std::move(*access)), core::Secret(std::move(*refresh)), std::move(*did), std::move(*handle),
            std::nullopt};
  if (const json::value* doc = o.if_contains("didDoc"); doc && doc->is_object()) s.did_doc = *doc;
  co_return s;
}

// The JWT's `exp` as a time point, when present and in the future.
std::optional<core::TimePoint> expiry(const std::optional<json::object>& claims, core::TimePoint now) {
  if (!claims) return std::nullopt;
  const json::value* exp = claims->if_contains("exp");
  if (exp == nullptr || !(exp->is_int64() || exp->is_uint64())) return std::nullopt;
  const auto at = core::TimePoint(std::chrono::seconds(exp->is_int64() ? exp->get_int64()
                                                                        : static_cast<std::int64_t>(exp->get_uint64())));
  if (at <= now) return std::nullopt;
  return at;
}

boost::asio::awaitable<RefreshedSession> refresh_session(PlatformCalls calls, std::string pds,
                                                         const core::Secret& refresh_jwt) {
  net::OutboundRequest req;
  req.method = verb::post;
  req.url = pds + "/xrpc/com.atproto.server.refreshSession";
  req.timeout = calls.timeout;
  req.max_response_bytes = 256 * 1024;
  req.enforce_address_policy = true;  // the PDS came from a DID document
  req.headers.emplace_back("Authorization", "Bearer " + refresh_jwt.reveal());
  req.headers.emplace_back("Accept", "application/json");
  const net::OutboundResult r = co_await calls.http.send(std::move(req));
  RefreshedSession out;
  out.reason = "refreshSession: " + describe_xrpc(r);
  if (r.failure || !r.response || r.response->status >= 500 || r.response->status == 429) co_return out;
  if (r.response->status != 200) {
    out.refused = true;  // ExpiredToken / InvalidToken (400), AuthenticationRequired (401)
    co_return out;
  }
  boost::system::error_code ec;
  json::value v = json::parse(r.response->body, ec);
  if (ec || !v.is_object()) co_return out;
  const auto& o = v.get_object();
  auto access = json_string_member(o, "accessJwt");
  auto refresh = json_string_member(o, "refreshJwt");
  auto did = json_string_member(o, "did");
  auto handle = json_string_member(o, "handle");
  if (!access || !refresh || !did) co_return out;
  out.session = Session{core::Secret(std::move(*access)), core::Secret(std::move(*refresh)), std::move(*did),
                        handle.value_or(std::string()), std::nullopt};
  co_return out;
}

}  // namespace postfuze::connect
