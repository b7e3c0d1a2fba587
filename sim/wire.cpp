#include "sim/wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::sim {

namespace urls = boost::urls;

std::optional<Params> Params::parse(std::string_view encoded) {
  // "?" + body parses as a relative reference whose query is the body.
  std::string ref = "?";
  ref += encoded;
  auto parsed = urls::parse_relative_ref(ref);
  if (!parsed) return std::nullopt;
  return of(*parsed);
}

Params Params::of(const urls::url_view& target) {
  Params out;
  if (!target.has_query() || target.encoded_query().empty()) return out;
  for (auto p : target.params()) out.items_.emplace_back(p.key, p.value);
  return out;
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  for (const auto& [k, v] : items_)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::string> Params::repeated() const {
  for (std::size_t i = 0; i < items_.size(); ++i)
    for (std::size_t j = i + 1; j < items_.size(); ++j)
      if (items_[i].first == items_[j].first) return items_[i].first;
  return std::nullopt;
}

bool is_form(std::string_view content_type) {
  const auto semi = content_type.find(';');
  auto media = content_type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return boost::beast::iequals(media, "application/x-www-form-urlencoded");
}

namespace {

// The credentials after "<scheme> " when the header uses that scheme.
std::optional<std::string_view> after_scheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  if (!boost::beast::iequals(header.substr(0, scheme.size()), scheme)) return std::nullopt;
  auto rest = header.substr(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.empty()) return std::nullopt;
  return rest;
}

}  // namespace

bool is_basic(std::string_view authorization) {
  return authorization.size() >= 5 && boost::beast::iequals(authorization.substr(0, 5), "Basic");
}

std::optional<BasicCredentials> parse_basic(std::string_view authorization) {
  auto encoded = after_scheme(authorization, "Basic");
  if (!encoded) return std::nullopt;
  auto decoded = crypto::base64_decode(*encoded);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  return after_scheme(authorization, "Bearer");
}

void append_param(urls::url& url, std::string_view name, std::string_view value) {
  url.encoded_params().append({urls::pct_string_view(urls::encode(name, urls::unreserved_chars)),
                               urls::pct_string_view(urls::encode(value, urls::unreserved_chars))});
}

std::optional<std::vector<std::string>> split_list(std::string_view list, char separator) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const auto next = list.find(separator, pos);
    auto item = list.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
    if (item.empty()) return std::nullopt;
    out.emplace_back(item);
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += separator;
    out += s;
  }
  return out;
}

bool valid_pkce_value(std::string_view value) {
  if (value.size() < 43 || value.size() > 128) return false;
  for (unsigned char c : value)
    if (!std::isalnum(c) && c != '-' && c != '.' && c != '_' && c != '~') return false;
  return true;
}

std::string pkce_s256(std::string_view verifier) { return crypto::base64url_encode(crypto::sha256(verifier)); }

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

http::Response redirect_to(const urls::url_view& location) {
  http::Response res{http::bhttp::status::found, 11};
  res.set(http::bhttp::field::location, location.buffer());
  res.set(http::bhttp::field::cache_control, "no-store");
  res.prepare_payload();
  return res;
}

http::Response html_page(http::bhttp::status status, std::string body) {
  http::Response res{status, 11};
  res.set(http::bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(http::bhttp::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

boost::asio::awaitable<void> pause(std::chrono::milliseconds delay) {
  if (delay.count() <= 0) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace postfuze::sim
