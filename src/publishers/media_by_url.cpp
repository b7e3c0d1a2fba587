#include "publishers/media_by_url.hpp"

namespace postfuze::publishers {

namespace {

// Graph codes and subcodes (platforms.md §4, §5A "Errors"; Instagram Graph API error codes).
constexpr int kCodeInvalidImage = 324;
constexpr int kCodeMediaDownload = 9004;
constexpr int kCodeMediaNotReady = 9007;
constexpr int kCodeVideoUpload = 6000;
constexpr int kSubcodeFetchFailed = 2207052;
constexpr int kSubcodeDownloadTimeout = 2207003;
constexpr int kSubcodeNotReady = 2207027;
constexpr int kSubcodeProcessingFailed = 2207032;
constexpr int kSubcodeUnsupportedFormat = 2207026;

}  // namespace

bool is_video(const MediaItem& m) { return m.kind == "video" || m.content_type.starts_with("video/"); }

bool is_image(const MediaItem& m) { return !is_video(m) && (m.kind == "image" || m.kind == "gif" || m.content_type.starts_with("image/")); }

PublishResult media_failure(std::string_view code, std::string message) {
  PublishResult out;
  out.outcome = Outcome::permanent;
  out.error_code = std::string(code);
  out.message = std::move(message);
  return out;
}

std::optional<MediaVerdict> graph_media_outcome(int code, int subcode) {
  if (subcode == kSubcodeNotReady) return MediaVerdict{Outcome::transient, kMediaNotReady};
  if (code == kCodeInvalidImage || subcode == kSubcodeFetchFailed || subcode == kSubcodeDownloadTimeout)
    return MediaVerdict{Outcome::permanent, kMediaFetchFailed};
  if (code == kCodeMediaDownload) return MediaVerdict{Outcome::permanent, kMediaFetchFailed};
  if (code == kCodeVideoUpload || code == kCodeMediaNotReady || subcode == kSubcodeProcessingFailed ||
      subcode == kSubcodeUnsupportedFormat)
    return MediaVerdict{Outcome::permanent, kMediaProcessingFailed};
  return std::nullopt;
}

}  // namespace postfuze::publishers
