#include "sim/field_selection.hpp"

namespace postfuze::sim {

namespace {

namespace json = boost::json;

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '~' || c == ':';
}

// Recursive descent over `s` from `pos`; stops before '}' or the end.
bool parse_list(std::string_view s, std::size_t& pos, std::vector<Field>& out) {
  for (;;) {
    Field f;
    while (pos < s.size() && name_char(s[pos])) f.name += s[pos++];
    if (f.name.empty()) return false;
    // Modifiers: .name(args)
    while (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      while (pos < s.size() && name_char(s[pos])) ++pos;
      if (pos == start || pos >= s.size() || s[pos] != '(') return false;
      const auto close = s.find(')', pos);
      if (close == std::string_view::npos) return false;
      pos = close + 1;
    }
    if (pos < s.size() && s[pos] == '{') {
      ++pos;
      if (!parse_list(s, pos, f.children)) return false;
      if (pos >= s.size() || s[pos] != '}') return false;
      ++pos;
    }
    out.push_back(std::move(f));
    if (pos < s.size() && s[pos] == ',') {
      ++pos;
      continue;
    }
    return true;
  }
}

}  // namespace

std::optional<std::vector<Field>> parse_fields(std::string_view spec) {
  std::vector<Field> out;
  std::size_t pos = 0;
  if (!parse_list(spec, pos, out) || pos != spec.size()) return std::nullopt;
  return out;
}

json::object select_fields(const json::object& node, const std::vector<Field>& fields, std::string& unknown,
                           bool with_id) {
  json::object out;
  for (const auto& f : fields) {
    const auto* value = node.if_contains(f.name);
    if (!value) {
      unknown = f.name;
      return {};
    }
    if (value->is_null() || out.contains(f.name)) continue;
    if (!f.children.empty()) {
      if (!value->is_object()) {
        unknown = f.name + "{...}";
        return {};
      }
      auto inner = select_fields(value->as_object(), f.children, unknown, with_id);
      if (!unknown.empty()) return {};
      out[f.name] = std::move(inner);
    } else if (value->is_object() && value->as_object().contains("id")) {
      out[f.name] = json::object{{"id", value->as_object().at("id")}};
    } else {
      out[f.name] = *value;
    }
  }
  if (with_id && !out.contains("id"))
    if (const auto* id = node.if_contains("id")) out["id"] = *id;
  return out;
}

}  // namespace postfuze::sim
