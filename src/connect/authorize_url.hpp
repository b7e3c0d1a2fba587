// The platform's authorize URL for one connect flow (contract §11.1): the
// catalogue's authorize endpoint plus response_type=code, the client id under
// the platform's parameter name (TikTok: client_key), the registered redirect
// URI, the scopes joined with the platform's separator, the sealed state, the
// PKCE S256 challenge where the platform uses PKCE, and the catalogue's extra
// parameters (Google: access_type=offline, prompt=consent; Reddit:
// duration=permanent). Built with Boost.URL, so every value is encoded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "providers/provider_spec.hpp"

namespace postfuze::connect {

struct AuthorizeRequest {
  std::string client_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;  // never empty
  std::string state;
  std::optional<std::string> code_challenge;  // S256, when spec.pkce says so
};

std::string authorize_url(const providers::OAuthSpec& spec, const AuthorizeRequest& request);

// The scopes a flow asks for: the request's override, else the app's own
// list, else the catalogue's defaults.
std::vector<std::string> effective_scopes(const providers::OAuthSpec& spec, const std::vector<std::string>& app_scopes,
                                          const std::optional<std::vector<std::string>>& requested);

}  // namespace postfuze::connect
