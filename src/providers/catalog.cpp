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

constexpr std::array<std::pair<std::string_view, TextUnit>, 3> kTextUnits = {{
    {"code_points", TextUnit::code_points}, {"graphemes", TextUnit::graphemes}, {"utf8_bytes", TextUnit::utf8_bytes}}};
constexpr std::array<std::pair<std::string_view, OverLimit>, 2> kOverLimits = {{
    {"reject", OverLimit::reject}, {"truncate", OverLimit::truncate}}};
constexpr std::array<std::pair<std::string_view, ReplyMode>, 3> kReplyModes = {{
    {"reply_chain", ReplyMode::reply_chain}, {"comments", ReplyMode::comments}, {"ignored", ReplyMode::ignored}}};
constexpr std::array<std::pair<std::string_view, ConfigType>, 5> kConfigTypes = {{
    {"boolean", ConfigType::boolean},
    {"string", ConfigType::string},
    {"integer", ConfigType::integer},
    {"string_array", ConfigType::string_array},
    {"object", ConfigType::object},
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

// A JSON array of distinct non-empty strings (aliases, enum values, keys).
std::vector<std::string> read_names(const ObjectReader& r, std::string_view key) {
  std::vector<std::string> out;
  const json::value* v = r.get(key);
  if (v == nullptr) return out;
  if (!v->is_array()) fail(r.at(key), "must be an array of strings");
  for (std::size_t i = 0; i < v->get_array().size(); ++i) {
    const json::value& item = v->get_array()[i];
    const std::string field = r.at(key) + "." + std::to_string(i);
    if (!item.is_string() || item.get_string().empty()) fail(field, "must be a non-empty string");
    std::string name(item.get_string());
    if (std::find(out.begin(), out.end(), name) != out.end()) fail(field, "is listed twice");
    out.push_back(std::move(name));
  }
  return out;
}

// A config key: plain, and without '.' since error fields are dotted paths.
bool is_config_key(std::string_view name) {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    return c == '.' || static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f;
  });
}

bool matches_type(const json::value& v, ConfigType type) {
  switch (type) {
    case ConfigType::boolean: return v.is_bool();
    case ConfigType::string: return v.is_string();
    case ConfigType::integer: return v.is_int64() || v.is_uint64();
    case ConfigType::string_array:
      return v.is_array() && std::all_of(v.get_array().begin(), v.get_array().end(),
                                         [](const json::value& e) { return e.is_string(); });
    case ConfigType::object: return v.is_object();
  }
  return false;
}

std::vector<ConfigField> read_config_fields(const json::value& value, const std::string& field);

ConfigField read_config_field(const json::value& value, const std::string& field, std::string name) {
  const ObjectReader r(value, field);
  r.only({"type", "aliases", "enum", "default", "min", "required", "required_when", "account_ref", "fields"});
  ConfigField f;
  f.name = std::move(name);
  f.type = parse_enum(r, "type", kConfigTypes);
  f.aliases = read_names(r, "aliases");
  for (const auto& alias : f.aliases)
    if (!is_config_key(alias) || alias == f.name) fail(r.at("aliases"), "must be plain keys other than the field's name");
  if (r.has("enum")) {
    if (f.type != ConfigType::string) fail(r.at("enum"), "is only for string fields");
    f.allowed = read_names(r, "enum");
    if (f.allowed.empty()) fail(r.at("enum"), "must not be empty");
  }
  if (const json::value* d = r.get("default"); d != nullptr && !d->is_null()) {
    if (f.type == ConfigType::object || !matches_type(*d, f.type))
      fail(r.at("default"), "must be a " + std::string(to_string(f.type)) + " value");
    if (!f.allowed.empty() && std::find(f.allowed.begin(), f.allowed.end(), d->get_string()) == f.allowed.end())
      fail(r.at("default"), "must be one of the field's enum values");
    f.default_value = *d;
  }
  if (const json::value* m = r.get("min")) {
    if (f.type != ConfigType::integer || !m->is_int64()) fail(r.at("min"), "must be an integer, on integer fields only");
    f.min = m->get_int64();
  }
  f.required = r.has("required") && r.boolean("required");
  if (const json::value* w = r.get("required_when")) {
    const ObjectReader c(*w, r.at("required_when"));
    c.only({"field", "in"});
    ConfigCondition cond{c.nonempty_string("field"), read_names(c, "in")};
    if (cond.in.empty()) fail(c.at("in"), "must not be empty");
    f.required_when = std::move(cond);  // its field is checked once the whole schema is read
  }
  if (f.required && f.required_when) fail(r.at("required_when"), "contradicts required: true");
  if (const json::value* a = r.get("account_ref")) {
    if (f.type != ConfigType::string) fail(r.at("account_ref"), "is only for string fields");
    const ObjectReader ar(*a, r.at("account_ref"));
    ar.only({"prefix", "account_type", "stored_in"});
    f.account_ref = AccountRef{ar.string("prefix"), ar.nonempty_string("account_type"), ar.nonempty_string("stored_in")};
  }
  if (f.type == ConfigType::object) {
    f.fields = read_config_fields(r.required("fields"), r.at("fields"));
  } else if (r.has("fields")) {
    fail(r.at("fields"), "is only for object fields");
  }
  return f;
}

// An object of field name → field spec; every spelling (name or alias) once.
std::vector<ConfigField> read_config_fields(const json::value& value, const std::string& field) {
  if (!value.is_object()) fail(field, "must be an object of field specs");
  std::vector<ConfigField> out;
  std::set<std::string> spellings;
  for (const auto& [key, spec] : value.get_object()) {
    std::string name(key.data(), key.size());
    const std::string at = field + "." + name;
    if (!is_config_key(name) || name.starts_with("_")) fail(at, "must be a plain key without '.'");
    ConfigField f = read_config_field(spec, at, name);
    if (!spellings.insert(f.name).second) fail(at, "is spelled twice (as a name or an alias)");
    for (const auto& alias : f.aliases)
      if (!spellings.insert(alias).second) fail(at + ".aliases", "\"" + alias + "\" is spelled twice");
    out.push_back(std::move(f));
  }
  return out;
}

// Conditions must name a string enum field of the same schema, and only its values.
void check_conditions(const ConfigSchema& schema, const std::vector<ConfigField>& fields, const std::string& field) {
  for (const auto& f : fields) {
    const std::string at = field + "." + f.name;
    check_conditions(schema, f.fields, at + ".fields");
    if (!f.required_when) continue;
    const ConfigField* target = schema.find_path(f.required_when->field);
    if (target == nullptr || target->allowed.empty())
      fail(at + ".required_when.field", "must name a string field with an enum");
    for (const auto& v : f.required_when->in)
      if (std::find(target->allowed.begin(), target->allowed.end(), v) == target->allowed.end())
        fail(at + ".required_when.in", "\"" + v + "\" is not a value of " + f.required_when->field);
  }
}

ConfigSchema read_config_schema(const ObjectReader& r) {
  ConfigSchema schema;
  const ObjectReader c(r.required("config"), r.at("config"));
  c.only({"fields", "forbidden", "nested"});
  schema.fields = read_config_fields(c.required("fields"), c.at("fields"));
  check_conditions(schema, schema.fields, c.at("fields"));
  schema.forbidden = read_names(c, "forbidden");
  schema.nested = read_names(c, "nested");
  const auto spelled = [&](std::string_view key) {
    return std::any_of(schema.fields.begin(), schema.fields.end(), [&](const ConfigField& f) {
      return f.name == key || std::find(f.aliases.begin(), f.aliases.end(), key) != f.aliases.end();
    });
  };
  for (const auto& key : schema.forbidden)
    if (spelled(key) || !is_config_key(key)) fail(c.at("forbidden"), "\"" + key + "\" is a field's spelling or not a plain key");
  for (const auto& key : schema.nested)
    if (spelled(key) || !is_config_key(key) ||
        std::find(schema.forbidden.begin(), schema.forbidden.end(), key) != schema.forbidden.end())
      fail(c.at("nested"), "\"" + key + "\" is a field's spelling, forbidden, or not a plain key");
  return schema;
}

std::size_t positive_size(const ObjectReader& r, std::string_view key) {
  const json::value& v = r.required(key);
  if (!v.is_int64() || v.get_int64() < 1 || v.get_int64() > 1'000'000) fail(r.at(key), "must be an integer from 1 to 1000000");
  return static_cast<std::size_t>(v.get_int64());
}

int concurrency(const ObjectReader& r, std::string_view key) {
  const json::value& v = r.required(key);
  if (!v.is_int64() || v.get_int64() < 1 || v.get_int64() > 100) fail(r.at(key), "must be an integer from 1 to 100");
  return static_cast<int>(v.get_int64());
}

constexpr std::array<std::string_view, 5> kMediaKinds = {"image", "gif", "video", "audio", "document"};

int small_count(const ObjectReader& r, std::string_view key) {
  const json::value& v = r.required(key);
  if (!v.is_int64() || v.get_int64() < 0 || v.get_int64() > 100) fail(r.at(key), "must be an integer from 0 to 100");
  return static_cast<int>(v.get_int64());
}

MediaRules read_media(const ObjectReader& parent) {
  const ObjectReader r(parent.required("media"), parent.at("media"));
  r.only({"kinds", "max_items", "extra_items", "mix_kinds", "max_videos", "replies"});
  MediaRules m;
  const json::value& kinds = r.required("kinds");
  if (!kinds.is_array()) fail(r.at("kinds"), "must be an array");
  for (std::size_t i = 0; i < kinds.get_array().size(); ++i) {
    const ObjectReader k(kinds.get_array()[i], r.at("kinds") + "." + std::to_string(i));
    k.only({"kind", "types", "max_bytes"});
    MediaKindRule rule;
    rule.kind = k.nonempty_string("kind");
    if (std::find(kMediaKinds.begin(), kMediaKinds.end(), rule.kind) == kMediaKinds.end())
      fail(k.at("kind"), "must be one of image, gif, video, audio, document");
    if (m.find(rule.kind)) fail(k.at("kind"), "is listed twice");
    rule.types = read_names(k, "types");
    const json::value& max = k.required("max_bytes");
    if (!max.is_int64() || max.get_int64() < 1) fail(k.at("max_bytes"), "must be a positive integer");
    rule.max_bytes = max.get_int64();
    m.kinds.push_back(std::move(rule));
  }
  m.max_items = small_count(r, "max_items");
  const std::string extra = r.nonempty_string("extra_items");
  if (extra != "reject" && extra != "ignore") fail(r.at("extra_items"), "must be \"reject\" or \"ignore\"");
  m.ignore_extra_items = extra == "ignore";
  m.mix_kinds = r.boolean("mix_kinds");
  m.max_videos = small_count(r, "max_videos");
  m.replies = r.boolean("replies");
  if (m.kinds.empty() != (m.max_items == 0)) fail(r.at("max_items"), "must be 0 exactly when no kind is listed");
  return m;
}

PublishSpec read_publish(const ObjectReader& parent) {
  const ObjectReader r(parent.required("publish"), parent.at("publish"));
  r.only({"supported", "media_required", "media", "limits", "replies", "per_account_concurrency",
          "per_app_concurrency", "config"});
  PublishSpec p;
  p.supported = r.boolean("supported");
  p.media_required = r.boolean("media_required");
  p.media = read_media(r);
  if (p.media_required && p.media.kinds.empty()) fail(r.at("media_required"), "needs media kinds");
  p.replies = parse_enum(r, "replies", kReplyModes);
  p.per_account_concurrency = concurrency(r, "per_account_concurrency");
  p.per_app_concurrency = concurrency(r, "per_app_concurrency");
  if (p.per_account_concurrency > p.per_app_concurrency)
    fail(r.at("per_account_concurrency"), "must not exceed per_app_concurrency");
  p.config = read_config_schema(r);

  const json::value& limits = r.required("limits");
  if (!limits.is_array()) fail(r.at("limits"), "must be an array");
  for (std::size_t i = 0; i < limits.get_array().size(); ++i) {
    const ObjectReader l(limits.get_array()[i], r.at("limits") + "." + std::to_string(i));
    l.only({"field", "max", "unit", "over", "raised_by", "raised_max"});
    TextLimit limit;
    limit.field = l.nonempty_string("field");
    if (limit.field != "content" && limit.field != "media.alt_text") {
      const ConfigField* f = p.config.find(limit.field);
      if (f == nullptr || f->type != ConfigType::string)
        fail(l.at("field"), "must be \"content\", \"media.alt_text\" or a string field of config");
    }
    limit.max = positive_size(l, "max");
    limit.unit = parse_enum(l, "unit", kTextUnits);
    limit.over = parse_enum(l, "over", kOverLimits);
    if (l.has("raised_by")) {
      limit.raised_by = l.nonempty_string("raised_by");
      const ConfigField* f = p.config.find(limit.raised_by);
      if (f == nullptr || f->type != ConfigType::boolean) fail(l.at("raised_by"), "must name a boolean field of config");
      limit.raised_max = positive_size(l, "raised_max");
      if (limit.raised_max <= limit.max) fail(l.at("raised_max"), "must be larger than max");
    } else if (l.has("raised_max")) {
      fail(l.at("raised_max"), "needs raised_by");
    }
    p.limits.push_back(std::move(limit));
  }
  return p;
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
            "sub_accounts", "hooks", "token_request", "long_lived", "revoke", "publish"});
  } else {
    r.only({"platform", "auth", "api_base_url", "api_version", "refresh", "identity", "sub_accounts", "hooks",
            "publish"});
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
  spec.publish = read_publish(r);
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
