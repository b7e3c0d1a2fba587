#include "connect/authorize_url.hpp"

#include <boost/url/url.hpp>

namespace postfuze::connect {

std::string authorize_url(const providers::OAuthSpec& spec, const AuthorizeRequest& request) {
  boost::urls::url url(spec.authorize_url);
  auto params = url.params();
  params.append({"response_type", "code"});
  params.append({spec.client_id_param, request.client_id});
  params.append({"redirect_uri", request.redirect_uri});
  std::string scope;
  for (const auto& s : request.scopes) {
    if (!scope.empty()) scope += spec.scope_separator;
    scope += s;
  }
  params.append({"scope", scope});
  params.append({"state", request.state});
  if (request.code_challenge) {
    params.append({"code_challenge", *request.code_challenge});
    params.append({"code_challenge_method", "S256"});
  }
  for (const auto& [k, v] : spec.extra_authorize_params) params.append({k, v});
  return std::string(url.buffer());
}

std::vector<std::string> effective_scopes(const providers::OAuthSpec& spec, const std::vector<std::string>& app_scopes,
                                          const std::optional<std::vector<std::string>>& requested) {
  if (requested && !requested->empty()) return *requested;
  if (!app_scopes.empty()) return app_scopes;
  return spec.default_scopes;
}

}  // namespace postfuze::connect
