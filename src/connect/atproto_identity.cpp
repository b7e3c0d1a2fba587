#include "connect/atproto_identity.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "crypto/encoding.hpp"

namespace postfuze::connect {

namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// Handles and DID documents from hosts the customer names get a short leash.
constexpr std::chrono::milliseconds kWellKnownTimeout{5'000};

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string printable(std::string text, std::size_t max = 64) {
  if (text.size() > max) text.resize(max);
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return text;
}

std::string describe(const net::OutboundResult& r) {
  std::string out;
  if (r.failure) out = std::string(net::to_string(*r.failure)) + (r.detail.empty() ? "" : " (" + r.detail + ")");
  else out = "status " + std::to_string(r.response->status) + " error=" + xrpc_error_name(r.response->body);
  return out + " after " + std::to_string(r.elapsed.count()) + " ms";
}

// Transport failure, a server error or a rate limit: the resolver is unavailable.
bool unavailable(const net::OutboundResult& r) {
  return r.failure || !r.response || r.response->status >= 500 || r.response->status == 429;
}

boost::asio::awaitable<net::OutboundResult> get(PlatformCalls calls, std::string url, bool customer_host,
                                                std::string accept = "application/json") {
  net::OutboundRequest req;
  req.method = verb::get;
  req.url = std::move(url);
  req.timeout = customer_host ? std::min(calls.timeout, kWellKnownTimeout) : calls.timeout;
  req.max_response_bytes = 256 * 1024;
  req.enforce_address_policy = customer_host;
  req.headers.emplace_back("Accept", std::move(accept));
  co_return co_await calls.http.send(std::move(req));
}

core::Error not_found(std::string internal) {
  core::Error e = core::Error::invalid_credentials("Bluesky did not accept this identifier and app password.");
  e.internal = std::move(internal);
  return e;
}

core::Error resolver_down(std::string internal) {
  return core::Error::platform_unavailable("Bluesky could not be reached to resolve this identifier; try again later.",
                                           std::move(internal));
}

// https://{handle}/.well-known/atproto-did: the first line, trimmed, is the DID.
boost::asio::awaitable<core::Result<std::string>> well_known_did(PlatformCalls calls, std::string handle) {
  const net::OutboundResult r =
      co_await get(calls, "https://" + handle + "/.well-known/atproto-did", true, "text/plain");
  if (r.failure || !r.response || r.response->status != 200)
    co_return not_found("handle does not resolve: resolveHandle and well-known failed (" + describe(r) + ")");
  std::string_view body = r.response->body;
  body = body.substr(0, body.find('\n'));
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front()))) body.remove_prefix(1);
  if (!valid_did(body)) co_return not_found("well-known atproto-did is not a DID");
  co_return std::string(body);
}

}  // namespace

IdentifierKind identifier_kind(std::string_view identifier) {
  if (identifier.starts_with("did:")) return IdentifierKind::did;
  if (identifier.find('@', 1) != std::string_view::npos) return IdentifierKind::email;
  return IdentifierKind::handle;
}

std::string normalize_handle(std::string_view handle) {
  if (handle.starts_with('@')) handle.remove_prefix(1);
  std::string out(handle);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_handle(std::string_view handle) {
  if (handle.empty() || handle.size() > 253) return false;
  int labels = 0;
  std::string_view last;
  while (!handle.empty()) {
    const auto dot = handle.find('.');
    const std::string_view label = handle.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    handle.remove_prefix(dot + 1);
    if (handle.empty()) return false;  // a trailing dot
  }
  return labels >= 2 && !std::isdigit(static_cast<unsigned char>(last.front()));
}

bool valid_did(std::string_view did) {
  if (did.size() > 2048) return false;
  if (did.starts_with("did:plc:")) {
    const std::string_view id = did.substr(8);
    return !id.empty() && std::all_of(id.begin(), id.end(), is_lower_alnum);
  }
  if (did.starts_with("did:web:")) {
    // Only bare host names (platforms.md §14: path-style did:web is unsupported).
    return valid_handle(did.substr(8)) || did.substr(8) == "localhost";
  }
  return false;
}

std::optional<std::string> pds_endpoint(const json::value& doc) {
  if (!doc.is_object()) return std::nullopt;
  const auto& o = doc.get_object();
  const json::value* id = o.if_contains("id");
  const std::string did = id && id->is_string() ? std::string(id->get_string()) : std::string();
  const json::value* services = o.if_contains("service");
  if (services == nullptr || !services->is_array()) return std::nullopt;
  for (const auto& s : services->get_array()) {
    if (!s.is_object()) continue;
    const auto& so = s.get_object();
    const json::value* sid = so.if_contains("id");
    const json::value* type = so.if_contains("type");
    const json::value* endpoint = so.if_contains("serviceEndpoint");
    if (!sid || !sid->is_string() || !type || !type->is_string() || !endpoint || !endpoint->is_string()) continue;
    const std::string_view sid_text = sid->get_string();
    if (sid_text != "#atproto_pds" && (did.empty() || sid_text != did + "#atproto_pds")) continue;
    if (type->get_string() != "AtprotoPersonalDataServer") continue;
    std::string url(endpoint->get_string());
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || (parsed->scheme() != "https" && parsed->scheme() != "http") || parsed->encoded_host().empty() ||
        parsed->has_query() || parsed->has_fragment() || parsed->has_userinfo())
      return std::nullopt;
    while (url.ends_with('/')) url.pop_back();
    return url;
  }
  return std::nullopt;
}

std::optional<json::object> jwt_claims(std::string_view jwt) {
  const auto first = jwt.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = jwt.find('.', first + 1);
  if (second == std::string_view::npos || jwt.find('.', second + 1) != std::string_view::npos) return std::nullopt;
  std::string_view payload = jwt.substr(first + 1, second - first - 1);
  while (payload.ends_with('=')) payload.remove_suffix(1);  // tolerate padding
  const auto decoded = crypto::base64url_decode(payload);
  if (!decoded) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*decoded, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string xrpc_error_name(std::string_view body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return "unparsed";
  const json::value* e = v.get_object().if_contains("error");
  if (e == nullptr || !e->is_string() || e->get_string().empty()) return "none";
  return printable(std::string(e->get_string()));
}

boost::asio::awaitable<core::Result<std::string>> resolve_handle(PlatformCalls calls, std::string service,
                                                                 std::string handle) {
  boost::urls::url url(service + "/xrpc/com.atproto.identity.resolveHandle");
  url.params().set("handle", handle);
  const net::OutboundResult r = co_await get(calls, std::string(url.buffer()), false);
  if (unavailable(r)) co_return resolver_down("resolveHandle: " + describe(r));
  if (r.response->status == 200) {
    boost::system::error_code ec;
    const json::value v = json::parse(r.response->body, ec);
    const json::value* did = !ec && v.is_object() ? v.get_object().if_contains("did") : nullptr;
    if (did == nullptr || !did->is_string() || !valid_did(did->get_string()))
      co_return resolver_down("resolveHandle answered 200 without a valid did");
    co_return std::string(did->get_string());
  }
  // HandleNotFound (400) and the like: the handle's own domain may still say.
  co_return co_await well_known_did(calls, std::move(handle));
}

boost::asio::awaitable<core::Result<std::string>> resolve_pds(PlatformCalls calls, std::string plc_url,
                                                              std::string did) {
  const bool web = did.starts_with("did:web:");
  // did:web:localhost is served over http (platforms.md §14).
  const std::string host = web ? did.substr(8) : std::string();
  const std::string url = web ? (host == "localhost" ? "http://" : "https://") + host + "/.well-known/did.json"
                              : plc_url + "/" + did;
  const net::OutboundResult r = co_await get(calls, url, web, "application/did+ld+json,application/json");
  if (!web && unavailable(r)) co_return resolver_down("PLC directory: " + describe(r));
  if (r.failure || !r.response || r.response->status != 200)
    co_return not_found("DID document not found: " + describe(r));
  boost::system::error_code ec;
  const json::value doc = json::parse(r.response->body, ec);
  if (ec) co_return resolver_down("DID document is not JSON");
  if (!doc.is_object() || !doc.get_object().contains("id") || !doc.get_object().at("id").is_string() ||
      doc.get_object().at("id").get_string() != did)
    co_return not_found("DID document names another DID");
  auto pds = pds_endpoint(doc);
  if (!pds) co_return not_found("DID document has no #atproto_pds service");
  co_return *pds;
}

}  // namespace postfuze::connect
