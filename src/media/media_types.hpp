// Allowed media types and size caps per kind (docs/media.md). The kind of an
// asset follows from its content type; anything not listed is refused with
// 415, anything over its kind's cap with 413 payload_too_large.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postfuze::media {

struct MediaLimits {
  std::int64_t image_bytes = 25LL * 1024 * 1024;
  std::int64_t gif_bytes = 25LL * 1024 * 1024;
  std::int64_t video_bytes = 512LL * 1024 * 1024;
  std::int64_t audio_bytes = 256LL * 1024 * 1024;
  std::int64_t document_bytes = 100LL * 1024 * 1024;
  std::int64_t cap_for(std::string_view kind) const;
};

// The kind for an allowed content type (parameters such as "; charset" and
// case ignored); nullopt when the type is not allowed.
std::optional<std::string> kind_for(std::string_view content_type);
// The content type without parameters, lower-cased.
std::string essence(std::string_view content_type);
// Every allowed content type, for docs and error messages.
const std::vector<std::string>& allowed_types();

}  // namespace postfuze::media
