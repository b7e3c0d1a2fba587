// Short lists of names (scopes, event types) stored in one TEXT column,
// separated by single spaces. The names themselves never contain spaces.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace postfuze::store {

inline std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

inline std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace postfuze::store
