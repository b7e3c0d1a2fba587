#include "connect/social_network.hpp"

#include <algorithm>

#include <boost/url/parse.hpp>

namespace postfuze::connect {

const PlatformInfo* find_platform(std::string_view name) {
  const auto it = std::find_if(kPlatforms.begin(), kPlatforms.end(), [&](const PlatformInfo& p) { return p.name == name; });
  return it == kPlatforms.end() ? nullptr : &*it;
}

bool is_platform(std::string_view name) { return find_platform(name) != nullptr; }

bool requires_client_credentials(std::string_view platform) {
  const auto* p = find_platform(platform);
  return p == nullptr || p->oauth;
}

std::string client_secret_aad(const core::OrgId& org, std::string_view network_id) {
  return "social_network.client_secret|" + org.value + "|" + std::string(network_id);
}

core::Status validate_redirect_uri(std::string_view uri, std::string_view field) {
  const std::string f(field);
  if (uri.size() > kMaxRedirectUri)
    return core::Error::validation(f, "Must be at most " + std::to_string(kMaxRedirectUri) + " bytes.", "too_long");
  const bool printable = std::all_of(uri.begin(), uri.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
  if (!printable) return core::Error::validation(f, "Must be an absolute http or https URL.");
  auto u = boost::urls::parse_absolute_uri(uri);
  if (!u) return core::Error::validation(f, "Must be an absolute http or https URL.");
  const auto scheme = u->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
    return core::Error::validation(f, "Must be an absolute http or https URL.");
  if (u->encoded_host().empty()) return core::Error::validation(f, "The URL needs a host.");
  if (u->has_userinfo()) return core::Error::validation(f, "Credentials in the URL are not allowed.");
  if (u->has_fragment()) return core::Error::validation(f, "A fragment is not allowed.");
  return core::Ok{};
}

bool valid_scope(std::string_view scope) {
  if (scope.empty() || scope.size() > kMaxScopeBytes) return false;
  return std::all_of(scope.begin(), scope.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
}

}  // namespace postfuze::connect
