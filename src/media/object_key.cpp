#include "media/object_store.hpp"

namespace postfuze::media {

// Keys become file paths (disk) and URL paths (both stores): plain segments
// only, so a key can never climb out of the store's directory or need
// escaping. "." and ".." are refused as segments; so is a leading "." (the
// disk store keeps its temporary files there).
bool valid_object_key(std::string_view key) {
  if (key.empty() || key.size() > 512) return false;
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t slash = key.find('/', start);
    const std::string_view segment = key.substr(start, slash == std::string_view::npos ? key.size() - start : slash - start);
    if (segment.empty() || segment.front() == '.') return false;
    for (char c : segment) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
      if (!ok) return false;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

}  // namespace postfuze::media
