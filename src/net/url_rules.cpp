#include "net/url_rules.hpp"

#include <algorithm>

#include <boost/url/parse.hpp>

namespace postfuze::net {

core::Status validate_http_url(std::string_view url, std::string_view field, std::size_t max_bytes) {
  const std::string f(field);
  if (url.size() > max_bytes)
    return core::Error::validation(f, "Must be at most " + std::to_string(max_bytes) + " bytes.", "too_long");
  const bool printable = std::all_of(url.begin(), url.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
  if (!printable) return core::Error::validation(f, "Must be an absolute http or https URL.");
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return core::Error::validation(f, "Must be an absolute http or https URL.");
  const auto scheme = u->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
    return core::Error::validation(f, "Must be an absolute http or https URL.");
  if (u->encoded_host().empty()) return core::Error::validation(f, "The URL needs a host.");
  if (u->has_userinfo()) return core::Error::validation(f, "Credentials in the URL are not allowed.");
  if (u->has_fragment()) return core::Error::validation(f, "A fragment is not allowed.");
  return core::Ok{};
}

}  // namespace postfuze::net
