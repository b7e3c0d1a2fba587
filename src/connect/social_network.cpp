#include "connect/social_network.hpp"

#include <algorithm>

#include "net/url_rules.hpp"

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
  return net::validate_http_url(uri, field, kMaxRedirectUri);
}

bool valid_scope(std::string_view scope) {
  if (scope.empty() || scope.size() > kMaxScopeBytes) return false;
  return std::all_of(scope.begin(), scope.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f;
  });
}

}  // namespace postfuze::connect
