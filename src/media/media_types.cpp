#include "media/media_types.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "media/media.hpp"

namespace postfuze::media {

namespace {

// The allowed types and their kinds (docs/media.md "Types and caps"). What
// the platforms we publish to accept between them; anything else is 415.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes{{
    {"image/jpeg", kImage},
    {"image/png", kImage},
    {"image/webp", kImage},
    {"image/gif", kGif},
    {"video/mp4", kVideo},
    {"video/quicktime", kVideo},
    {"video/webm", kVideo},
    {"audio/mpeg", kAudio},
    {"audio/mp4", kAudio},
    {"audio/wav", kAudio},
    {"audio/x-wav", kAudio},
    {"audio/aac", kAudio},
    {"audio/ogg", kAudio},
    {"application/pdf", kDocument},
}};

}  // namespace

std::int64_t MediaLimits::cap_for(std::string_view kind) const {
  if (kind == kImage) return image_bytes;
  if (kind == kGif) return gif_bytes;
  if (kind == kVideo) return video_bytes;
  if (kind == kAudio) return audio_bytes;
  if (kind == kDocument) return document_bytes;
  return 0;  // not a kind: nothing fits
}

std::string essence(std::string_view content_type) {
  const auto semi = content_type.find(';');
  std::string_view head = content_type.substr(0, semi);
  while (!head.empty() && (head.front() == ' ' || head.front() == '\t')) head.remove_prefix(1);
  while (!head.empty() && (head.back() == ' ' || head.back() == '\t')) head.remove_suffix(1);
  std::string out(head);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

std::optional<std::string> kind_for(std::string_view content_type) {
  const std::string e = essence(content_type);
  for (const auto& [type, kind] : kTypes)
    if (type == e) return std::string(kind);
  return std::nullopt;
}

const std::vector<std::string>& allowed_types() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out;
    for (const auto& [type, kind] : kTypes) out.emplace_back(type);
    return out;
  }();
  return all;
}

}  // namespace postfuze::media
