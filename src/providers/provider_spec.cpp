#include "providers/provider_spec.hpp"

namespace postfuze::providers {

std::string_view to_string(AuthKind kind) {
  switch (kind) {
    case AuthKind::oauth2: return "oauth2";
    case AuthKind::app_password: return "app_password";
  }
  return "oauth2";
}

std::string_view to_string(Pkce pkce) {
  switch (pkce) {
    case Pkce::none: return "none";
    case Pkce::s256: return "S256";
  }
  return "none";
}

std::string_view to_string(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::basic: return "basic";
    case ClientAuth::body: return "body";
  }
  return "body";
}

std::string_view to_string(SubAccountKind kind) {
  switch (kind) {
    case SubAccountKind::page: return "page";
    case SubAccountKind::organization: return "organization";
    case SubAccountKind::location: return "location";
    case SubAccountKind::channel: return "channel";
    case SubAccountKind::business_account: return "business_account";
  }
  return "page";
}

std::string_view to_string(TokenRequest request) {
  switch (request) {
    case TokenRequest::form: return "form";
    case TokenRequest::query: return "query";
  }
  return "form";
}

std::string OAuthSpec::joined_default_scopes() const {
  std::string out;
  for (const auto& scope : default_scopes) {
    if (!out.empty()) out += scope_separator;
    out += scope;
  }
  return out;
}

std::string fill_placeholder(std::string_view path, std::string_view name, std::string_view value) {
  std::string out(path);
  const std::string placeholder = "{" + std::string(name) + "}";
  if (auto at = out.find(placeholder); at != std::string::npos) out.replace(at, placeholder.size(), value);
  return out;
}

std::string ProviderSpec::api_url(std::string_view path_or_url) const {
  if (path_or_url.starts_with("/")) return api_base_url + std::string(path_or_url);
  return std::string(path_or_url);
}

}  // namespace postfuze::providers
