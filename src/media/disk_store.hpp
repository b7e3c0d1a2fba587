// DiskStore: the ObjectStore on local files, for a single node (the
// default; docs/decisions.md "Media storage"). Objects live under
// <root>/objects/<key> with their content type beside them in
// "<key>~type" ('~' cannot occur in a key). A new object is written to a
// temporary file under <root>/tmp, synced, and renamed into place, so a
// half-finished or refused upload never looks stored and readers see either
// the old object or the whole new one.
//
// Presigned URLs point at this server's stream route
// (media_file_routes.hpp): <public URL>/media-files/<key>?expires=…[&max_bytes=…]&sig=…,
// signed by UrlSigner; a PUT's cap is enforced before a byte is read.
//
// File I/O is local and short: large copies (download, upload) go in
// 1 MiB steps that yield to other coroutines between steps. Thread safety:
// every member may be called concurrently (set_public_url before serving).
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <boost/url/params_view.hpp>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "media/object_store.hpp"
#include "media/url_signer.hpp"

namespace postfuze::media {

// An open file descriptor, closed on destruction.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  FileHandle(FileHandle&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  FileHandle& operator=(FileHandle&& o) noexcept;
  ~FileHandle();
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// A stored object opened for reading.
struct DiskObject {
  FileHandle file;
  std::int64_t size = 0;
  std::string content_type;
  // Reads up to into.size() bytes at `offset`; fewer only at the end.
  core::Result<std::size_t> read_at(std::int64_t offset, std::span<char> into) const;
};

// A new object being written. It becomes visible only through commit();
// destroyed uncommitted, it leaves nothing behind.
class DiskUpload {
 public:
  DiskUpload(DiskUpload&& o) noexcept
      : file_(std::move(o.file_)), temp_(std::exchange(o.temp_, {})), final_(std::move(o.final_)),
        size_(o.size_), committed_(o.committed_) {}
  DiskUpload& operator=(DiskUpload&&) = delete;
  ~DiskUpload();
  core::Status append(std::string_view bytes);
  std::int64_t size() const { return size_; }
  // Syncs the bytes and renames them into place with their content type.
  core::Status commit(std::string_view content_type);

 private:
  friend class DiskStore;
  DiskUpload(FileHandle file, std::filesystem::path temp, std::filesystem::path final_path);
  FileHandle file_;
  std::filesystem::path temp_, final_;
  std::int64_t size_ = 0;
  bool committed_ = false;
};

class DiskStore final : public ObjectStore {
 public:
  // `root` is created if missing (<data dir>/media). `public_url` is the
  // server's external base URL, no trailing '/'.
  DiskStore(std::filesystem::path root, std::string public_url, UrlSigner signer, const core::Clock& clock,
            core::Random& random);
  // The public URL once known (a server on port 0 learns it after binding).
  void set_public_url(std::string public_url);

  std::string_view kind() const override { return "disk"; }
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

  // For the file routes. The grant a signed request carries, if its
  // signature (over method, key, `expires`, the request's Content-Type and
  // `max_bytes` for PUT) is valid and unexpired; else invalid_signature.
  // `method` is "PUT" or "GET" (HEAD requests check as GET).
  core::Result<UrlGrant> check(std::string_view method, std::string_view key, boost::urls::params_view query,
                               std::string_view content_type) const;
  // The stored object, or nullopt when there is none.
  core::Result<std::optional<DiskObject>> open(std::string_view key) const;
  // Starts writing a new object under `key` (replacing any on commit).
  core::Result<DiskUpload> begin_upload(std::string_view key);

 private:
  std::filesystem::path object_path(std::string_view key) const;
  std::string public_url() const;
  std::string file_url(std::string_view key, std::int64_t expires, std::int64_t max_bytes,
                       const std::string& signature) const;

  std::filesystem::path root_;
  UrlSigner signer_;
  const core::Clock& clock_;
  core::Random& random_;
  mutable std::mutex mu_;
  std::string public_url_;  // guarded by mu_
};

}  // namespace postfuze::media
