#include "providers/json_path.hpp"

#include <charconv>

namespace postfuze::providers {

const boost::json::value* find_path(const boost::json::value& root, std::string_view path) {
  const boost::json::value* at = &root;
  while (!path.empty()) {
    const std::size_t dot = path.find('.');
    const std::string_view segment = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (at->is_object()) {
      at = at->get_object().if_contains(segment);
    } else if (at->is_array()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
      if (ec != std::errc() || end != segment.data() + segment.size() || index >= at->get_array().size())
        return nullptr;
      at = &at->get_array()[index];
    } else {
      return nullptr;
    }
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::optional<std::string> string_at(const boost::json::value& root, std::string_view path) {
  if (path.empty()) return std::nullopt;
  const boost::json::value* v = find_path(root, path);
  if (v == nullptr) return std::nullopt;
  if (v->is_string() && !v->get_string().empty()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

}  // namespace postfuze::providers
