#include "providers/catalog.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>

#include "providers/hooks.hpp"

namespace postfuze::providers {

namespace {

namespace json = boost::json;

constexpr std::array<std::string_view, 11> kPlatforms = {
    "x",        "linkedin", "instagram", "tiktok", "youtube",         "facebook",
    "threads",  "pinterest", "reddit",   "bluesky", "google_business",
};

constexpr std::string_view kVersionPlaceholder = "{api_version}";

// Internal control flow only: load_catalog converts it to a Result.
struct Invalid {
  std::string field;
  std::string message;
};

[[noreturn]] void fail(std::string field, std::string message) { throw Invalid{std::move(field), std::move(message)}; }

// A URL we are willing to call: absolute, https (or http when allowed), with
// a plain authority and no userinfo or fragment, nothing Boost.URL rejects.
bool is_acceptable_url(std::string_view text, bool allow_http, bool allow_query) {
  if (text.empty() || text.size() > 2048) return false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || u >= 0x80 || c == '\\') return false;
  }
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return false;
  const auto scheme = parsed->scheme_id();
  if (scheme != boost::urls::scheme::https && !(allow_http && scheme == boost::urls::scheme::http)) return false;
  if (!parsed->has_authority() || parsed->encoded_host().empty() || parsed->has_userinfo() ||
      parsed->has_fragment())
    return false;
  if (!allow_query && parsed->has_query()) return false;
  const std::string_view path = parsed->encoded_path();
  return path.empty() || (path.front() == '/' && !path.starts_with("//"));
}

// `text` with every "{name}" placeholder ([a-z_]+) replaced by "x"; nullopt
// when a brace is unbalanced or the name is not plain.
std::optional<std::string> without_placeholders(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return std::nullopt;
    if (text[i] != '{') {
      out += text[i];
      continue;
    }
    const std::size_t end = text.find('}', i);
    if (end == std::string_view::npos || end == i + 1) return std::nullopt;
    const std::string_view name = text.substr(i + 1, end - i - 1);
    if (!std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
      return std::nullopt;
    out += 'x';
    i = end;
  }
  return out;
}

std::string substitute_version(std::string_view text, std::string_view version) {
  std::string out(text);
  for (std::size_t at = out.find(kVersionPlaceholder); at != std::string::npos;
       at = out.find(kVersionPlaceholder, at + version.size()))
    out.replace(at, kVersionPlaceholder.size(), version);
  return out;
}

bool is_dotted_path(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos)
    return false;
  return std::none_of(path.begin(), path.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f;
  });
}

// Reads one JSON object with a fixed set of keys; '_'-prefixed keys are notes.
class ObjectReader {
 public:
  ObjectReader(const json::value& value, std::string field) : field_(std::move(field)) {
    if (!value.is_object()) fail(field_, "must be an object");
    object_ = &value.get_object();
  }

  // Refuses keys outside `allowed` (and outside `_`-notes).
  void only(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, v] : *object_) {
      const std::string_view k(key.data(), key.size());
      if (k.starts_with("_")) continue;
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) fail(at(k), "unknown key");
    }
  }

  bool has(std::string_view key) const { return object_->contains(key); }
  const json::value* get(std::string_view key) const { return object_->if_contains(key); }

  const json::value& required(std::string_view key) const {
    const json::value* v = get(key);
    if (v == nullptr) fail(at(key), "is required");
    return *v;
  }

  std::string string(std::string_view key) const {
    const json::value& v = required(key);
    if (!v.is_string()) fail(at(key), "must be a string");
    return std::string(v.get_string());
  }

  std::string string_or(std::string_view key, std::string fallback) const {
    return has(key) ? string(key) : std::move(fallback);
  }

  std::string nonempty_string(std::string_view key) const {
    std::string s = string(key);
    if (s.empty()) fail(at(key), "must not be empty");
    return s;
  }

  bool boolean(std::string_view key) const {
    const json::value& v = required(key);
    if (!v.is_bool()) fail(at(key), "must be true or false");
    return v.get_bool();
  }

  std::string at(std::string_view key) const { return field_ + "." + std::string(key); }
  const json::object& object() const { return *object_; }

 private:
  std::string field_;
  const json::object* object_ = nullptr;
};

template <typename Enum, std::size_t N>
Enum parse_enum(const ObjectReader& r, std::string_view key, const std::array<std::pair<std::string_view, Enum>, N>& table) {
  const std::string text = r.string(key);
  for (const auto& [name, value] : table)
    if (name == text) return value;
  std::string allowed;
  for (const auto& [name, value] : table) allowed += (allowed.empty() ? "" : ", ") + std::string(name);
  fail(r.at(key), "must be one of: " + allowed);
}

constexpr std::array<std::pair<std::string_view, AuthKind>, 2> kAuthKinds = {{
    {"oauth2", AuthKind::oauth2}, {"app_password", AuthKind::app_password}}};
constexpr std::array<std::pair<std::string_view, Pkce>, 2> kPkce = {{{"none", Pkce::none}, {"S256", Pkce::s256}}};
constexpr std::array<std::pair<std::string_view, ClientAuth>, 2> kClientAuth = {{
    {"basic", ClientAuth::basic}, {"body", ClientAuth::body}}};
constexpr std::array<std::pair<std::string_view, TokenRequest>, 2> kTokenRequests = {{
    {"form", TokenRequest::form}, {"query", TokenRequest::query}}};
constexpr std::array<std::pair<std::string_view, SubAccountKind>, 5> kSubAccountKinds = {{
    {"page", SubAccountKind::page},
    {"organization", SubAccountKind::organization},
    {"location", SubAccountKind::location},
    {"channel", SubAccountKind::channel},
    {"business_account", SubAccountKind::business_account},
}};

// A top-level URL (authorize, token, API base) after version substitution.
std::string read_url(const ObjectReader& r, std::string_view key, std::string_view version, bool allow_query) {
  const std::string raw = r.string(key);
  if (raw.find(kVersionPlaceholder) != std::string::npos && version.empty())
    fail(r.at(key), "uses {api_version} but api_version is not set");
  std::string url = substitute_version(raw, version);
  if (!is_acceptable_url(url, /*allow_http=*/false, allow_query))
    fail(r.at(key), "must be an absolute https URL without userinfo or fragment");
  return url;
}

// An identity or sub-account path: "/..." (relative to api_base_url) or an
// absolute https URL; caller-filled "{name}" placeholders allowed.
std::string read_path(const ObjectReader& r, std::string_view key, std::string_view version) {
  const std::string raw = r.nonempty_string(key);
  if (raw.find(kVersionPlaceholder) != std::string::npos && version.empty())
    fail(r.at(key), "uses {api_version} but api_version is not set");
  std::string path = substitute_version(raw, version);
  const auto plain = without_placeholders(path);
  if (!plain) fail(r.at(key), "has a malformed {placeholder}");
  if (plain->starts_with("/")) {
    if (plain->starts_with("//") || !boost::urls::parse_origin_form(*plain) || plain->find('#') != std::string::npos)
      fail(r.at(key), "must be a valid path (and query) starting with '/'");
  } else if (!is_acceptable_url(*plain, /*allow_http=*/false, /*allow_query=*/true)) {
    fail(r.at(key), "must start with '/' or be an absolute https URL");
  }
  return path;
}

std::string read_dotted(const ObjectReader& r, std::string_view key, bool required) {
  if (!required && !r.has(key)) return {};
  std::string path = r.string(key);
  if (!is_dotted_path(path)) fail(r.at(key), "must be a dotted JSON path such as \"data.id\"");
  return path;
}

OAuthSpec read_oauth(const ObjectReader& r, std::string_view version) {
  OAuthSpec o;
  o.authorize_url = read_url(r, "authorize_url", version, /*allow_query=*/false);
  o.token_url = read_url(r, "token_url", version, /*allow_query=*/false);
  o.pkce = parse_enum(r, "pkce", kPkce);
  o.client_auth = parse_enum(r, "client_auth", kClientAuth);
  if (r.has("token_request")) o.token_request = parse_enum(r, "token_request", kTokenRequests);
  if (const json::value* rv = r.get("revoke"); rv != nullptr && !rv->is_null()) {
    const ObjectReader l(*rv, r.at("revoke"));
    l.only({"path", "client_auth"});
    o.revoke = OAuthSpec::Revoke{read_path(l, "path", version), l.boolean("client_auth")};
  }
  if (const json::value* ll = r.get("long_lived"); ll != nullptr && !ll->is_null()) {
    const ObjectReader l(*ll, r.at("long_lived"));
    l.only({"path", "grant_type", "token_param", "send_client_id"});
    LongLivedSpec spec;
    spec.path = read_path(l, "path", version);
    spec.grant_type = l.nonempty_string("grant_type");
    spec.token_param = l.nonempty_string("token_param");
    spec.send_client_id = l.boolean("send_client_id");
    o.long_lived = std::move(spec);
  }
  o.client_id_param = r.string_or("client_id_param", "client_id");
  if (o.client_id_param.empty() ||
      !std::all_of(o.client_id_param.begin(), o.client_id_param.end(),
                   [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
    fail(r.at("client_id_param"), "must be a plain parameter name");
  o.scope_separator = r.string("scope_separator");
  if (o.scope_separator != " " && o.scope_separator != ",") fail(r.at("scope_separator"), "must be \" \" or \",\"");

  const json::value& scopes = r.required("default_scopes");
  if (!scopes.is_array() || scopes.get_array().empty()) fail(r.at("default_scopes"), "must be a non-empty array");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < scopes.get_array().size(); ++i) {
    const json::value& s = scopes.get_array()[i];
    const std::string field = r.at("default_scopes") + "." + std::to_string(i);
    if (!s.is_string() || s.get_string().empty()) fail(field, "must be a non-empty string");
    std::string scope(s.get_string());
    if (scope.find(' ') != std::string::npos || scope.find(',') != std::string::npos)
      fail(field, "must not contain a separator");
    if (!seen.insert(scope).second) fail(field, "is listed twice");
    o.default_scopes.push_back(std::move(scope));
  }

  if (const json::value* extra = r.get("extra_authorize_params")) {
    if (!extra->is_object()) fail(r.at("extra_authorize_params"), "must be an object of strings");
    constexpr std::array<std::string_view, 7> kReserved = {"client_id", "redirect_uri", "response_type", "scope",
                                                           "state", "code_challenge", "code_challenge_method"};
    for (const auto& [key, v] : extra->get_object()) {
      const std::string k(key.data(), key.size());
      const std::string field = r.at("extra_authorize_params") + "." + k;
      if (!v.is_string()) fail(field, "must be a string");
      if (k.empty() || std::find(kReserved.begin(), kReserved.end(), k) != kReserved.end() || k == o.client_id_param)
        fail(field, "is set by the connect flow itself");
      o.extra_authorize_params.emplace_back(k, std::string(v.get_string()));
    }
  }
  return o;
}

ProviderSpec read_provider(const json::value& value, std::size_t index) {
  ProviderSpec spec;
  {
    ObjectReader head(value, "providers." + std::to_string(index));
    spec.platform = head.string("platform");
    if (std::find(kPlatforms.begin(), kPlatforms.end(), spec.platform) == kPlatforms.end())
      fail(head.at("platform"), "unknown platform \"" + spec.platform + "\"");
  }
  const ObjectReader r(value, spec.platform);
  spec.auth = parse_enum(r, "auth", kAuthKinds);
  if (spec.auth == AuthKind::oauth2) {
    r.only({"platform", "auth", "authorize_url", "token_url", "api_base_url", "api_version", "pkce", "client_auth",
            "client_id_param", "scope_separator", "default_scopes", "extra_authorize_params", "refresh", "identity",
            "sub_accounts", "hooks", "token_request", "long_lived", "revoke"});
  } else {
    r.only({"platform", "auth", "api_base_url", "api_version", "refresh", "identity", "sub_accounts", "hooks"});
  }

  spec.api_version = r.string_or("api_version", "");
  if (r.has("api_version") && spec.api_version.empty()) fail(r.at("api_version"), "must not be empty when present");
  spec.api_base_url = read_url(r, "api_base_url", spec.api_version, /*allow_query=*/false);
  if (spec.api_base_url.ends_with("/")) fail(r.at("api_base_url"), "must not end with '/'");
  if (spec.auth == AuthKind::oauth2) spec.oauth = read_oauth(r, spec.api_version);

  {
    const ObjectReader refresh(r.required("refresh"), r.at("refresh"));
    refresh.only({"supported", "rotates", "margin_s", "request"});
    spec.refresh.supported = refresh.boolean("supported");
    spec.refresh.rotates = refresh.boolean("rotates");
    if (const json::value* m = refresh.get("margin_s")) {
      if (!m->is_int64() || m->get_int64() < 0 || m->get_int64() > 7 * 86400)
        fail(refresh.at("margin_s"), "must be a number of seconds between 0 and 604800");
      spec.refresh.margin = std::chrono::seconds(m->get_int64());
    }
    if (const json::value* req = refresh.get("request"); req != nullptr && !req->is_null()) {
      const ObjectReader l(*req, refresh.at("request"));
      l.only({"path", "grant_type", "token_param", "send_client_id"});
      LongLivedSpec rs;
      rs.path = read_path(l, "path", spec.api_version);
      rs.grant_type = l.nonempty_string("grant_type");
      rs.token_param = l.nonempty_string("token_param");
      rs.send_client_id = l.has("send_client_id") && l.boolean("send_client_id");
      spec.refresh.request = std::move(rs);
    }
    if (spec.refresh.rotates && !spec.refresh.supported) fail(refresh.at("rotates"), "requires supported: true");
  }
  {
    const ObjectReader identity(r.required("identity"), r.at("identity"));
    identity.only({"path", "id", "username", "name", "picture"});
    spec.identity.path = read_path(identity, "path", spec.api_version);
    spec.identity.id = read_dotted(identity, "id", true);
    spec.identity.username = read_dotted(identity, "username", false);
    spec.identity.name = read_dotted(identity, "name", false);
    spec.identity.picture = read_dotted(identity, "picture", false);
  }
  if (const json::value& sub = r.required("sub_accounts"); !sub.is_null()) {
    const ObjectReader s(sub, r.at("sub_accounts"));
    s.only({"kind", "path", "list", "id", "name", "username", "picture", "token", "include_identity", "next"});
    SubAccountSpec out;
    out.kind = parse_enum(s, "kind", kSubAccountKinds);
    out.path = read_path(s, "path", spec.api_version);
    out.list = read_dotted(s, "list", true);
    out.id = read_dotted(s, "id", true);
    out.name = read_dotted(s, "name", true);
    out.username = read_dotted(s, "username", false);
    out.picture = read_dotted(s, "picture", false);
    out.token = read_dotted(s, "token", false);
    out.include_identity = s.has("include_identity") && s.boolean("include_identity");
    out.next = read_dotted(s, "next", false);
    spec.sub_accounts = std::move(out);
  }
  {
    const json::value& hooks = r.required("hooks");
    if (!hooks.is_array()) fail(r.at("hooks"), "must be an array of hook names");
    const std::string prefix = spec.platform + ".";
    for (std::size_t i = 0; i < hooks.get_array().size(); ++i) {
      const json::value& h = hooks.get_array()[i];
      const std::string field = r.at("hooks") + "." + std::to_string(i);
      if (!h.is_string()) fail(field, "must be a string");
      std::string name(h.get_string());
      const std::string_view rest = std::string_view(name).substr(std::min(name.size(), prefix.size()));
      if (!name.starts_with(prefix) || rest.empty() ||
          !std::all_of(rest.begin(), rest.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }))
        fail(field, "must be named \"" + prefix + "<snake_case>\"");
      if (std::find(spec.hooks.begin(), spec.hooks.end(), name) != spec.hooks.end()) fail(field, "is listed twice");
      spec.hooks.push_back(std::move(name));
    }
  }
  return spec;
}

}  // namespace

std::span<const std::string_view> known_platforms() { return kPlatforms; }

const ProviderSpec* Catalog::find(std::string_view platform) const {
  for (const auto& p : providers_)
    if (p.platform == platform) return &p;
  return nullptr;
}

ProviderSpec* Catalog::find_mutable(std::string_view platform) {
  for (auto& p : providers_)
    if (p.platform == platform) return &p;
  return nullptr;
}

core::Result<Catalog> load_catalog(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value root = json::parse(json_text, ec);
  if (ec) return core::Error::validation("catalog", "is not valid JSON: " + ec.message());
  try {
    const ObjectReader top(root, "catalog");
    top.only({"providers"});
    const json::value& list = top.required("providers");
    if (!list.is_array()) fail("catalog.providers", "must be an array");
    Catalog catalog;
    for (std::size_t i = 0; i < list.get_array().size(); ++i) {
      ProviderSpec spec = read_provider(list.get_array()[i], i);
      if (catalog.find(spec.platform) != nullptr)
        fail("providers." + std::to_string(i) + ".platform", "platform \"" + spec.platform + "\" is listed twice");
      catalog.providers_.push_back(std::move(spec));
    }
    for (std::string_view platform : kPlatforms)
      if (catalog.find(platform) == nullptr)
        fail("catalog.providers", "platform \"" + std::string(platform) + "\" is missing");
    return catalog;
  } catch (const Invalid& invalid) {
    return core::Error::validation(invalid.field, invalid.message);
  }
}

namespace {

// An absolute catalogue URL re-rooted onto an overridden API base: its path
// and query appended to the base ("https://h.example/v1/a?b" → base + "/v1/a?b").
// Relative paths are unchanged. Placeholders survive (plain string work).
void reroot(std::string& path) {
  if (path.starts_with("/")) return;
  const std::size_t scheme_end = path.find("://");
  if (scheme_end == std::string::npos) return;
  const std::size_t path_start = path.find('/', scheme_end + 3);
  path = path_start == std::string::npos ? std::string("/") : path.substr(path_start);
}

}  // namespace

core::Status apply_overrides(Catalog& catalog, std::string_view overrides_json) {
  boost::system::error_code ec;
  const json::value root = json::parse(overrides_json, ec);
  if (ec) return core::Error::validation("overrides", "is not valid JSON: " + ec.message());
  if (!root.is_object()) return core::Error::validation("overrides", "must be an object keyed by platform");
  Catalog updated = catalog;
  for (const auto& [platform_key, entry] : root.get_object()) {
    const std::string platform(platform_key.data(), platform_key.size());
    ProviderSpec* spec = updated.find_mutable(platform);
    if (spec == nullptr) return core::Error::validation(platform, "unknown platform \"" + platform + "\"");
    if (!entry.is_object()) return core::Error::validation(platform, "must be an object of URLs");
    for (const auto& [key_raw, v] : entry.get_object()) {
      const std::string key(key_raw.data(), key_raw.size());
      const std::string field = platform + "." + key;
      std::string* target = nullptr;
      if (key == "api_base_url") {
        target = &spec->api_base_url;
        // Every API call of the platform goes to the new base, including those
        // the catalogue names by absolute URL on other hosts (Google Business).
        reroot(spec->identity.path);
        if (spec->sub_accounts) reroot(spec->sub_accounts->path);
        if (spec->oauth && spec->oauth->long_lived) reroot(spec->oauth->long_lived->path);
        if (spec->refresh.request) reroot(spec->refresh.request->path);
        if (spec->oauth && spec->oauth->revoke) reroot(spec->oauth->revoke->path);
      } else if (key == "authorize_url" || key == "token_url") {
        if (!spec->oauth) return core::Error::validation(field, "platform \"" + platform + "\" does not use OAuth");
        target = key == "authorize_url" ? &spec->oauth->authorize_url : &spec->oauth->token_url;
      } else {
        return core::Error::validation(field, "unknown key \"" + key + "\" (allowed: authorize_url, token_url, api_base_url)");
      }
      if (!v.is_string()) return core::Error::validation(field, "must be a string");
      const std::string_view url(v.get_string().data(), v.get_string().size());
      if (!is_acceptable_url(url, /*allow_http=*/true, /*allow_query=*/false) ||
          (key == "api_base_url" && url.ends_with("/")))
        return core::Error::validation(field, "must be an absolute http(s) URL without query, fragment or trailing '/'");
      *target = std::string(url);
    }
  }
  catalog = std::move(updated);
  return core::Ok{};
}

const Catalog& builtin_catalog() {
  static const Catalog catalog = [] {
    auto loaded = load_catalog(embedded_catalog_json());
    core::Status hooks = loaded ? check_hooks(*loaded) : core::Status(core::Ok{});
    const core::Error* error = !loaded ? &loaded.error() : (!hooks ? &hooks.error() : nullptr);
    if (error != nullptr) {
      const std::string where = error->fields.empty() ? std::string() : error->fields.front().field;
      const std::string why = error->fields.empty() ? error->detail : error->fields.front().message;
      std::fprintf(stderr, "postfuze: the embedded provider catalogue (src/providers/providers.json) is invalid: %s %s\n",
                   where.c_str(), why.c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return catalog;
}

}  // namespace postfuze::providers
