#include "webhooks/destination.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "net/address_policy.hpp"
#include "net/url_rules.hpp"

namespace postfuze::webhooks {

namespace {
constexpr std::size_t kMaxUrlBytes = 2048;
}

core::Status validate_endpoint_url(std::string_view url, std::string_view field) {
  return net::validate_http_url(url, field, kMaxUrlBytes);
}

boost::asio::awaitable<core::Status> check_destination(boost::asio::any_io_executor executor, std::string_view url,
                                                       bool allow_private, std::string_view field) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) co_return core::Error::validation(std::string(field), "Must be an absolute http or https URL.");
  std::string host(u->host_name().empty() ? u->encoded_host() : u->host_name());
  if (u->host_type() == boost::urls::host_type::ipv6) host = u->host_ipv6_address().to_string();
  if (u->host_type() == boost::urls::host_type::ipv4) host = u->host_ipv4_address().to_string();
  const std::string port = u->has_port() ? std::string(u->port()) : (u->scheme() == "https" ? "443" : "80");
  boost::asio::ip::tcp::resolver resolver(executor);
  auto [ec, results] = co_await resolver.async_resolve(host, port, boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec || results.empty())
    co_return core::Error::validation(std::string(field), "The host does not resolve.", "unresolvable");
  for (const auto& entry : results) {
    const auto address = entry.endpoint().address();
    if (!net::destination_allowed(address, allow_private))
      co_return core::Error::validation(std::string(field),
                                        "The URL points at a " + std::string(net::to_string(net::classify(address))) +
                                            " address; webhook endpoints must be public.",
                                        "forbidden_destination");
  }
  co_return core::Ok{};
}

}  // namespace postfuze::webhooks
