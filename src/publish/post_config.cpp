#include "publish/post_config.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace postfuze::publish {

namespace {

namespace json = boost::json;
using providers::ConfigField;
using providers::ConfigType;

constexpr std::string_view kInvalidType = "invalid_type";
constexpr std::string_view kInvalidValue = "invalid_value";
constexpr std::string_view kForbidden = "forbidden";

// Null is "not given", like an absent key.
const json::value* present(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

class Resolver {
 public:
  std::vector<core::FieldError> errors;

  // The members of `in` that `fields` describe, under their canonical names.
  // `extra` are further objects to look in (nested objects), each with the
  // path its errors are reported under, after `in` itself.
  json::object fields_of(const json::object& in, const std::string& at, const std::vector<ConfigField>& fields,
                         const std::vector<std::pair<const json::object*, std::string>>& extra = {}) {
    json::object out;
    for (const ConfigField& f : fields) {
      std::optional<std::pair<const json::value*, std::string>> found = find(in, at, f);
      for (std::size_t i = 0; !found && i < extra.size(); ++i) found = find(*extra[i].first, extra[i].second, f);
      if (!found) continue;
      if (auto value = check(*found->first, found->second, f)) out[f.name] = std::move(*value);
    }
    return out;
  }

  void add(std::string field, std::string message, std::string_view code) {
    errors.push_back(core::FieldError{std::move(field), std::move(message), std::string(code), {}, {}});
  }

 private:
  // The value of `f` in `object` under its name or an alias, with its error path.
  static std::optional<std::pair<const json::value*, std::string>> find(const json::object& object,
                                                                        const std::string& at, const ConfigField& f) {
    if (const json::value* v = present(object, f.name)) return std::pair{v, at + "." + f.name};
    for (const auto& alias : f.aliases)
      if (const json::value* v = present(object, alias)) return std::pair{v, at + "." + alias};
    return std::nullopt;
  }

  // `v` if it fits `f` (objects normalised recursively); nullopt after
  // recording why not.
  std::optional<json::value> check(const json::value& v, const std::string& at, const ConfigField& f) {
    switch (f.type) {
      case ConfigType::boolean:
        if (!v.is_bool()) return wrong_type(at, "must be true or false");
        return v;
      case ConfigType::string:
        if (!v.is_string()) return wrong_type(at, "must be a string");
        if (!f.allowed.empty() &&
            std::find(f.allowed.begin(), f.allowed.end(), std::string_view(v.get_string())) == f.allowed.end()) {
          add(at, "must be one of: " + joined(f.allowed), kInvalidValue);
          return std::nullopt;
        }
        return v;
      case ConfigType::integer: {
        if (!v.is_int64() && !v.is_uint64()) return wrong_type(at, "must be an integer");
        if (v.is_uint64() && v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          add(at, "is too large", kInvalidValue);
          return std::nullopt;
        }
        const std::int64_t n = v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(v.get_uint64());
        if (f.min && n < *f.min) {
          add(at, "must be at least " + std::to_string(*f.min), kInvalidValue);
          return std::nullopt;
        }
        return json::value(n);
      }
      case ConfigType::string_array: {
        if (!v.is_array()) return wrong_type(at, "must be an array of strings");
        bool ok = true;
        for (std::size_t i = 0; i < v.get_array().size(); ++i)
          if (!v.get_array()[i].is_string()) {
            add(at + "." + std::to_string(i), "must be a string", kInvalidType);
            ok = false;
          }
        if (!ok) return std::nullopt;
        return v;
      }
      case ConfigType::object:
        if (!v.is_object()) return wrong_type(at, "must be an object");
        return json::value(fields_of(v.get_object(), at, f.fields));
    }
    return std::nullopt;
  }

  std::nullopt_t wrong_type(const std::string& at, std::string message) {
    add(at, std::move(message), kInvalidType);
    return std::nullopt;
  }
};

// One platform's slice: forbidden keys refused, nested objects opened, the
// schema's fields read.
json::object resolve_slice(Resolver& resolver, const json::object& slice, const std::string& at,
                           const providers::ConfigSchema& schema) {
  for (const auto& key : schema.forbidden)
    if (slice.contains(key))
      resolver.add(at + "." + key, "is not accepted on a post: the account's server is fixed when it is connected",
                   kForbidden);
  std::vector<std::pair<const json::object*, std::string>> nested;
  for (const auto& key : schema.nested) {
    const json::value* v = present(slice, key);
    if (v == nullptr) continue;
    if (!v->is_object()) {
      resolver.add(at + "." + key, "must be an object", kInvalidType);
      continue;
    }
    nested.emplace_back(&v->get_object(), at + "." + key);
  }
  return resolver.fields_of(slice, at, schema.fields, nested);
}

}  // namespace

core::Result<json::object> resolve_config(const json::object& body, const providers::Catalog& catalog) {
  Resolver resolver;
  const json::object* config = nullptr;
  if (const json::value* c = present(body, "config")) {
    if (c->is_object())
      config = &c->get_object();
    else
      resolver.add("config", "must be an object keyed by platform", kInvalidType);
  }
  json::object out;
  for (const providers::ProviderSpec& spec : catalog.providers()) {
    const std::string& platform = spec.platform;
    // Whole-slice precedence: config.<platform> replaces a top-level <platform>.
    const json::value* nested = config != nullptr ? present(*config, platform) : nullptr;
    const json::value* chosen = nested != nullptr ? nested : present(body, platform);
    if (chosen == nullptr) continue;
    const std::string at = nested != nullptr ? "config." + platform : platform;
    if (!chosen->is_object()) {
      resolver.add(at, "must be an object of settings", kInvalidType);
      continue;
    }
    out[platform] = resolve_slice(resolver, chosen->get_object(), at, spec.publish.config);
  }
  if (!resolver.errors.empty()) return core::Error::validation(std::move(resolver.errors));
  return out;
}

}  // namespace postfuze::publish
