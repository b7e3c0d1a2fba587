// Media: one uploaded asset (contract §19). The bytes live in the object
// store (object_store.hpp) under `object_key`; the row describes them. Kind
// and content type are first the client's word (POST /media/upload), then
// what the stored bytes are (confirm sniffs and probes them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace postfuze::media {

// Statuses (§19). Never rename one: clients compare them.
inline constexpr std::string_view kPendingUpload = "pending_upload";
inline constexpr std::string_view kUploading = "uploading";
inline constexpr std::string_view kUploaded = "uploaded";
inline constexpr std::string_view kProcessing = "processing";
inline constexpr std::string_view kReady = "ready";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kDeleted = "deleted";

// Kinds (§19).
inline constexpr std::string_view kImage = "image";
inline constexpr std::string_view kVideo = "video";
inline constexpr std::string_view kGif = "gif";
inline constexpr std::string_view kAudio = "audio";
inline constexpr std::string_view kDocument = "document";

struct Thumbnail {
  std::string object_key;  // a JPEG in the object store (for images with source "original": the image itself)
  int width = 0;
  int height = 0;
  std::optional<std::int64_t> frame_time_ms;  // video frames only
  std::string source;                         // generated, custom, original
};

// Why processing ended in `failed`: a stable code (docs/errors.md) and a
// client-safe message.
struct Failure {
  std::string code;  // e.g. corrupt_file, type_mismatch, size_mismatch, payload_too_large, upload_missing
  std::string message;
};

struct Media {
  std::string id;
  core::OrgId org;
  std::string kind;
  std::string filename;
  std::string content_type;  // declared at upload; replaced by the sniffed type on confirm
  std::optional<std::int64_t> declared_size;
  std::optional<std::int64_t> size;  // bytes actually stored; set on confirm
  std::string status;
  std::optional<int> width;
  std::optional<int> height;
  std::optional<std::int64_t> duration_ms;
  std::string object_key;
  std::optional<Thumbnail> thumbnail;
  std::optional<Failure> failure;
  core::TimePoint upload_expires_at;
  core::TimePoint purge_at;  // created_at + 60 days
  std::int64_t version = 1;
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

// Usable in a post (§19): ready, or still processing.
bool attachable(const Media& m);
// Settled for good: failed or deleted.
bool terminal(const Media& m);

}  // namespace postfuze::media
