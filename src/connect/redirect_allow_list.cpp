#include "connect/redirect_allow_list.hpp"

#include <algorithm>

#include <boost/url/parse.hpp>

namespace postfuze::connect {

namespace {

constexpr std::size_t kMaxLength = 2048;

bool plain_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

}  // namespace

RedirectAllowList::RedirectAllowList(std::vector<std::string> origins) : origins_(std::move(origins)) {}

std::optional<std::string> RedirectAllowList::check(std::string_view uri) const {
  if (uri.empty() || uri.size() > kMaxLength) return std::nullopt;
  // Browsers read '\' as '/' and drop tabs and newlines: any of them can make
  // a browser see another host than the parser does.
  for (char c : uri)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\' || static_cast<unsigned char>(c) >= 0x80)
      return std::nullopt;
  auto parsed = boost::urls::parse_absolute_uri(uri);
  if (!parsed) return std::nullopt;
  const auto& u = *parsed;
  const auto scheme = u.scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) return std::nullopt;
  if (!u.has_authority() || u.has_userinfo() || u.has_fragment()) return std::nullopt;
  if (u.host_type() != boost::urls::host_type::name && u.host_type() != boost::urls::host_type::ipv4 &&
      u.host_type() != boost::urls::host_type::ipv6)
    return std::nullopt;
  // The host exactly as written: no percent-encoding, no trailing dot.
  const std::string_view host = u.encoded_host();
  if (host.empty() || host.back() == '.') return std::nullopt;
  if (u.host_type() == boost::urls::host_type::name &&
      !std::all_of(host.begin(), host.end(), plain_host_char))
    return std::nullopt;
  // The path must start at the root ("https://a.com" or "https://a.com/x"), never "//".
  // Boost 1.81 also accepts a path-abempty that lacks its leading '/' after a
  // port: "https://a.com:443.evil.com" parses as port 443, path ".evil.com".
  const std::string_view path = u.encoded_path();
  if ((!path.empty() && path.front() != '/') || path.starts_with("//")) return std::nullopt;

  std::string lowered_host(host);
  std::transform(lowered_host.begin(), lowered_host.end(), lowered_host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string scheme_text = scheme == boost::urls::scheme::http ? "http" : "https";
  std::string origin = scheme_text + "://" + lowered_host;
  if (u.has_port()) {
    const std::string_view port = u.port();
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    const unsigned long number = std::stoul(std::string(port));
    if (number == 0 || number > 65535) return std::nullopt;
    const bool is_default = (scheme_text == "http" && number == 80) || (scheme_text == "https" && number == 443);
    if (!is_default) origin += ":" + std::to_string(number);
  }
  if (std::find(origins_.begin(), origins_.end(), origin) == origins_.end()) return std::nullopt;
  return std::string(uri);
}

}  // namespace postfuze::connect
