#include "media/sniff.hpp"

#include <magic.h>

#include <array>
#include <mutex>
#include <utility>

#include "media/media_types.hpp"

namespace postfuze::media {

namespace {

constexpr std::string_view kUnknown = "application/octet-stream";

// libmagic's names for types we spell differently (media_types.cpp lists ours).
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kAliases{{
    {"audio/x-m4a", "audio/mp4"},
    {"audio/x-hx-aac-adts", "audio/aac"},
    {"audio/x-wav", "audio/wav"},
    {"audio/vnd.wave", "audio/wav"},
    {"video/x-m4v", "video/mp4"},
    {"image/x-png", "image/png"},
    {"application/x-pdf", "application/pdf"},
}};

struct Magic {
  std::mutex mu;
  magic_t handle = nullptr;
  Magic() {
    handle = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (handle && magic_load(handle, nullptr) != 0) {
      magic_close(handle);
      handle = nullptr;
    }
  }
  ~Magic() {
    if (handle) magic_close(handle);
  }
};

Magic& shared_magic() {
  static Magic m;
  return m;
}

}  // namespace

std::string sniff_content_type(std::string_view head) {
  if (head.empty()) return std::string(kUnknown);
  std::string found;
  {
    Magic& m = shared_magic();
    std::lock_guard lock(m.mu);
    if (!m.handle) return std::string(kUnknown);
    const char* type = magic_buffer(m.handle, head.data(), head.size());
    if (!type) return std::string(kUnknown);
    found = essence(type);
  }
  for (const auto& [theirs, ours] : kAliases)
    if (found == theirs) return std::string(ours);
  return found;
}

}  // namespace postfuze::media
