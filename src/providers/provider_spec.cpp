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

std::string_view to_string(TextUnit unit) {
  switch (unit) {
    case TextUnit::code_points: return "code_points";
    case TextUnit::graphemes: return "graphemes";
    case TextUnit::utf8_bytes: return "utf8_bytes";
  }
  return "code_points";
}

std::string_view to_string(OverLimit over) {
  switch (over) {
    case OverLimit::reject: return "reject";
    case OverLimit::truncate: return "truncate";
  }
  return "reject";
}

std::string_view to_string(ReplyMode mode) {
  switch (mode) {
    case ReplyMode::reply_chain: return "reply_chain";
    case ReplyMode::comments: return "comments";
    case ReplyMode::ignored: return "ignored";
  }
  return "ignored";
}

std::string_view to_string(ConfigType type) {
  switch (type) {
    case ConfigType::boolean: return "boolean";
    case ConfigType::string: return "string";
    case ConfigType::integer: return "integer";
    case ConfigType::string_array: return "string_array";
    case ConfigType::object: return "object";
  }
  return "string";
}

const ConfigField* ConfigSchema::find(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

const ConfigField* ConfigSchema::find_path(std::string_view path) const {
  const std::vector<ConfigField>* level = &fields;
  const ConfigField* found = nullptr;
  while (true) {
    const std::size_t dot = path.find('.');
    const std::string_view head = path.substr(0, dot);
    found = nullptr;
    for (const auto& f : *level)
      if (f.name == head) found = &f;
    if (found == nullptr || dot == std::string_view::npos) return found;
    level = &found->fields;
    path.remove_prefix(dot + 1);
  }
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

const MediaKindRule* MediaRules::find(std::string_view kind) const {
  for (const auto& k : kinds)
    if (k.kind == kind) return &k;
  return nullptr;
}

}  // namespace postfuze::providers
