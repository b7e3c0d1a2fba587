// ObjectStore: where media bytes live (docs/decisions.md "Media storage").
// Two implementations: DiskStore (files under the data directory, served by
// this server through HMAC-signed, expiring URLs; the single-node default)
// and S3Store (any S3-compatible service, SigV4 presigned URLs; several
// nodes). Clients upload straight to a presigned PUT URL; platforms that
// ingest by URL fetch a presigned GET URL. The server itself only reads
// stored bytes to verify and process them and to push them to platforms
// that take uploads.
//
// Keys are relative paths such as "<org>/<media id>/original" — only
// [A-Za-z0-9._-] segments separated by "/", never "..", never empty.
//
// Every call that may touch the network is a coroutine; none blocks a
// thread on the network (S3 calls go through net::HttpClient). Disk calls
// do short local file I/O. Implementations are safe for concurrent use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace postfuze::media {

// A request a client (or a platform) can make without any other credential.
struct PresignedRequest {
  std::string method;  // "PUT" or "GET"
  std::string url;     // absolute
  // Headers the request must carry exactly (PUT: Content-Type).
  std::vector<std::pair<std::string, std::string>> headers;
  core::TimePoint expires_at;
};

struct ObjectInfo {
  std::int64_t size = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  virtual std::string_view kind() const = 0;  // "disk" or "s3"

  // A URL the client PUTs the whole object to before `expires_at`, with
  // exactly `content_type`. At most `max_bytes` are accepted (the kind's
  // cap; the disk store refuses a larger Content-Length with 413 before
  // reading a byte; S3 cannot bind a cap into a PUT URL, so confirm checks).
  virtual core::Result<PresignedRequest> presign_put(std::string_view key, std::string_view content_type,
                                                     std::int64_t max_bytes, core::TimePoint expires_at) const = 0;
  // A public URL anyone may GET (range requests allowed) until `expires_at`.
  virtual core::Result<PresignedRequest> presign_get(std::string_view key, core::TimePoint expires_at) const = 0;

  // nullopt when no object is stored under `key`.
  virtual boost::asio::awaitable<core::Result<std::optional<ObjectInfo>>> stat(std::string key) = 0;
  // Bytes [offset, offset + length) (fewer at the end of the object). For
  // sniffing headers and for pushing chunks to platforms; callers keep
  // `length` to a few MiB.
  virtual boost::asio::awaitable<core::Result<std::string>> read(std::string key, std::int64_t offset,
                                                                 std::int64_t length) = 0;
  // Streams the object to a local file (processing tools need a path).
  virtual boost::asio::awaitable<core::Status> download(std::string key, std::filesystem::path to) = 0;
  // Streams a local file into the store (generated thumbnails).
  virtual boost::asio::awaitable<core::Status> upload(std::filesystem::path from, std::string key,
                                                      std::string content_type) = 0;
  // Removes the object; ok when it was already absent.
  virtual boost::asio::awaitable<core::Status> remove(std::string key) = 0;
};

bool valid_object_key(std::string_view key);

}  // namespace postfuze::media
