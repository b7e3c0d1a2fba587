#include "api/body_reader.hpp"

#include <algorithm>

#include "core/time_format.hpp"

namespace postfuze::api {

void BodyReader::allow_only(std::initializer_list<std::string_view> known) {
  for (const auto& kv : body_)
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      fail(std::string(kv.key()), "Unknown field.", "unknown_field");
}

bool BodyReader::has(std::string_view name) const {
  const auto* v = body_.if_contains(name);
  return v && !v->is_null();
}

void BodyReader::fail(std::string field, std::string message, std::string code) {
  errors_.push_back({std::move(field), std::move(message), std::move(code)});
}

const boost::json::value* BodyReader::get(std::string_view name, bool required) {
  const auto* v = body_.if_contains(name);
  if (v && !v->is_null()) return v;
  if (required) fail(std::string(name), "This field is required.", "required");
  return nullptr;
}

std::optional<std::string> BodyReader::string(std::string_view name, std::size_t max_bytes, bool required) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(std::string(name), "Must be a string.", "type");
    return std::nullopt;
  }
  if (v->as_string().size() > max_bytes) {
    fail(std::string(name), "Must be at most " + std::to_string(max_bytes) + " bytes.", "too_long");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<bool> BodyReader::boolean(std::string_view name) {
  const auto* v = get(name, false);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    fail(std::string(name), "Must be true or false.", "type");
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::vector<std::string>> BodyReader::strings(std::string_view name, std::size_t max_items,
                                                            bool required) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  if (!v->is_array() || v->as_array().size() > max_items) {
    fail(std::string(name), "Must be an array of at most " + std::to_string(max_items) + " strings.", "type");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool good = true;
  for (std::size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& item = v->as_array()[i];
    if (!item.is_string()) {
      fail(std::string(name) + "." + std::to_string(i), "Must be a string.", "type");
      good = false;
    } else {
      out.emplace_back(item.as_string());
    }
  }
  if (!good) return std::nullopt;
  return out;
}

std::optional<core::TimePoint> BodyReader::timestamp(std::string_view name, bool required) {
  const auto* v = get(name, required);
  if (!v) return std::nullopt;
  const auto t = v->is_string() ? core::parse_timestamp(v->as_string()) : std::nullopt;
  if (!t) fail(std::string(name), "Must be an RFC 3339 timestamp.", "invalid");
  return t;
}

}  // namespace postfuze::api
