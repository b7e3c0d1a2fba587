// Wire helpers shared by the platform handlers: query and form parameters
// (Boost.URL), client credentials and bearer tokens from headers, redirects
// that keep the redirect_uri's own query, PKCE, HTML escaping, and the
// asynchronous delay used for injected latency. Stateless; thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace postfuze::sim {

// Decoded name/value pairs of a query string or an
// application/x-www-form-urlencoded body, in order ('+' decodes to a space).
class Params {
 public:
  // nullopt when `encoded` is not a valid query (e.g. a bad percent escape).
  static std::optional<Params> parse(std::string_view encoded);
  static Params of(const boost::urls::url_view& target);

  // The first value of `name`, or nullopt when absent.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // The name of a parameter given more than once (RFC 6749 §3.1), if any.
  std::optional<std::string> repeated() const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// True for "application/x-www-form-urlencoded" with optional parameters.
bool is_form(std::string_view content_type);

struct BasicCredentials {
  std::string id;
  std::string secret;
};
// True when the Authorization header uses the Basic scheme (any case).
bool is_basic(std::string_view authorization);
// The credentials of a well-formed Basic header, else nullopt.
std::optional<BasicCredentials> parse_basic(std::string_view authorization);
// The token of an "Authorization: Bearer <token>" header, else nullopt.
std::optional<std::string_view> bearer_token(std::string_view authorization);

// Appends name=value to the URL's query, percent-encoding everything outside
// the unreserved set (so '+' and ' ' survive a form-style decoder).
void append_param(boost::urls::url& url, std::string_view name, std::string_view value);

// The items of `list` split on `separator` (scopes, parts, masks); nullopt when an item is empty.
std::optional<std::vector<std::string>> split_list(std::string_view list, char separator);
std::string join(const std::vector<std::string>& items, char separator);

// RFC 7636 §4.1: 43-128 characters of [A-Za-z0-9-._~].
bool valid_pkce_value(std::string_view value);
// RFC 7636 §4.6: BASE64URL(SHA256(ASCII(verifier))), no padding.
std::string pkce_s256(std::string_view verifier);

std::string html_escape(std::string_view text);

http::Response redirect_to(const boost::urls::url_view& location);
http::Response html_page(http::bhttp::status status, std::string body);

// Waits `delay` on a timer of the calling coroutine's executor (never blocks a thread).
boost::asio::awaitable<void> pause(std::chrono::milliseconds delay);

}  // namespace postfuze::sim
