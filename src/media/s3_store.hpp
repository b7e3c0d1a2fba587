// S3Store: the ObjectStore on any S3-compatible service (several nodes;
// docs/decisions.md "Media storage"). Path-style URLs
// <endpoint>/<bucket>/<key>, so a local endpoint (tests: s3rver) needs no
// DNS. Clients and platforms use SigV4 presigned URLs (sigv4.hpp); the
// server's own calls are header-signed requests through net::HttpClient:
// stat = HEAD, read = ranged GET, download = ranged GETs of at most 8 MiB
// appended to the file (HttpClient holds a response in memory, so no call
// buffers more), upload = one PUT, remove = DELETE.
//
// A presigned PUT cannot carry a size cap: S3 takes whatever arrives (up to
// 5 GB), so confirm checks the stored size (processing.hpp).
//
// Thread safety: every member may be called concurrently.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "media/object_store.hpp"
#include "media/sigv4.hpp"
#include "net/http_client.hpp"

namespace postfuze::media {

struct S3Location {
  std::string endpoint;  // absolute http(s) URL, no trailing '/'
  std::string bucket;
};

class S3Store final : public ObjectStore {
 public:
  // `http` and `clock` must outlive the store.
  S3Store(S3Location location, S3Credentials credentials, net::HttpClient& http, const core::Clock& clock,
          std::chrono::milliseconds timeout = std::chrono::seconds(60));

  std::string_view kind() const override { return "s3"; }
  core::Result<PresignedRequest> presign_put(std::string_view key, std::string_view content_type,
                                             std::int64_t max_bytes, core::TimePoint expires_at) const override;
  core::Result<PresignedRequest> presign_get(std::string_view key, core::TimePoint expires_at) const override;
  boost::asio::awaitable<core::Result<std::optional<ObjectInfo>>> stat(std::string key) override;
  boost::asio::awaitable<core::Result<std::string>> read(std::string key, std::int64_t offset,
                                                         std::int64_t length) override;
  boost::asio::awaitable<core::Status> download(std::string key, std::filesystem::path to) override;
  boost::asio::awaitable<core::Status> upload(std::filesystem::path from, std::string key,
                                              std::string content_type) override;
  boost::asio::awaitable<core::Status> remove(std::string key) override;

  // The largest piece one ranged GET of download() asks for.
  static constexpr std::int64_t kDownloadPiece = 8LL * 1024 * 1024;

 private:
  std::string object_url(std::string_view key) const;
  boost::asio::awaitable<net::OutboundResult> call(boost::beast::http::verb method, std::string_view key,
                                                   HeaderList headers, std::string body, std::size_t max_response);

  S3Location location_;
  S3Credentials credentials_;
  net::HttpClient& http_;
  const core::Clock& clock_;
  std::chrono::milliseconds timeout_;
};

}  // namespace postfuze::media
