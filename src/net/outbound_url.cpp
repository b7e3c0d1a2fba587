#include "net/outbound_url.hpp"

#include <boost/url/parse.hpp>
#include <charconv>

namespace postfuze::net {

namespace {

// Letters, digits, '-', '_' and '.': what DNS names use in practice. Anything
// else (spaces, NUL, '%'-decoded bytes) is refused before it reaches getaddrinfo.
bool plain_dns_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<OutboundUrl> parse_outbound_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const auto& url = *parsed;

  OutboundUrl out;
  switch (url.scheme_id()) {
    case boost::urls::scheme::http:
      out.tls = false;
      break;
    case boost::urls::scheme::https:
      out.tls = true;
      break;
    default:
      return std::nullopt;
  }
  if (!url.has_authority() || url.has_userinfo()) return std::nullopt;

  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
      out.host = url.host_ipv4_address().to_string();
      out.host_is_ip = true;
      out.host_header = out.host;
      break;
    case boost::urls::host_type::ipv6:
      out.host = url.host_ipv6_address().to_string();
      out.host_is_ip = true;
      out.host_header = "[" + out.host + "]";
      break;
    case boost::urls::host_type::name:
      out.host = url.host_name();
      if (!plain_dns_name(out.host)) return std::nullopt;
      out.host_header = out.host;
      break;
    default:  // none, ipvfuture
      return std::nullopt;
  }

  const std::uint16_t default_port = out.tls ? 443 : 80;
  out.port = default_port;
  if (url.has_port() && !url.port().empty()) {
    const std::string_view digits = url.port();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535) return std::nullopt;
    out.port = static_cast<std::uint16_t>(value);
  }
  if (out.port != default_port) out.host_header += ":" + std::to_string(out.port);

  out.target = std::string(url.encoded_target());
  if (out.target.empty() || out.target.front() != '/') out.target.insert(0, "/");
  return out;
}

}  // namespace postfuze::net
