#include "media/disk_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/url.hpp>

#include "crypto/encoding.hpp"

namespace postfuze::media {

namespace net = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kCopyStep = 1024 * 1024;
constexpr std::string_view kTypeSuffix = "~type";

core::Error io_error(std::string_view what, const fs::path& path, int err) {
  return core::Error::internal_error(std::string(what) + " " + path.string() + ": " + std::strerror(err));
}

core::Status write_all(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write", path, errno);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return core::Ok{};
}

// Lets other coroutines on this executor run between copy steps.
net::awaitable<void> yield() {
  auto exec = co_await net::this_coro::executor;
  co_await net::post(exec, net::use_awaitable);
}

}  // namespace

FileHandle& FileHandle::operator=(FileHandle&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

core::Result<std::size_t> DiskObject::read_at(std::int64_t offset, std::span<char> into) const {
  std::size_t got = 0;
  while (got < into.size()) {
    const ssize_t n = ::pread(file.get(), into.data() + got, into.size() - got, offset + static_cast<std::int64_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return core::Error::internal_error(std::string("pread: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

DiskUpload::DiskUpload(FileHandle file, fs::path temp, fs::path final_path)
    : file_(std::move(file)), temp_(std::move(temp)), final_(std::move(final_path)) {}

DiskUpload::~DiskUpload() {
  if (committed_ || temp_.empty()) return;
  std::error_code ec;
  file_ = FileHandle();
  fs::remove(temp_, ec);
}

core::Status DiskUpload::append(std::string_view bytes) {
  if (auto s = write_all(file_.get(), bytes, temp_); !s) return s;
  size_ += static_cast<std::int64_t>(bytes.size());
  return core::Ok{};
}

core::Status DiskUpload::commit(std::string_view content_type) {
  if (::fsync(file_.get()) != 0) return io_error("fsync", temp_, errno);
  file_ = FileHandle();
  std::error_code ec;
  // The type first: a reader that sees the new object sees its type.
  fs::path type_temp = temp_;
  type_temp += kTypeSuffix;
  {
    FileHandle t(::open(type_temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (!t.valid()) return io_error("create", type_temp, errno);
    if (auto s = write_all(t.get(), content_type, type_temp); !s) return s;
  }
  fs::path type_final = final_;
  type_final += kTypeSuffix;
  // A concurrent remove() may prune the (then empty) directory: retry once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    fs::create_directories(final_.parent_path(), ec);
    fs::rename(type_temp, type_final, ec);
    if (!ec) fs::rename(temp_, final_, ec);
    if (ec != std::errc::no_such_file_or_directory) break;
  }
  if (ec) {
    fs::remove(type_temp, ec);
    return core::Error::internal_error("rename into " + final_.string() + ": " + ec.message());
  }
  committed_ = true;
  return core::Ok{};
}

DiskStore::DiskStore(fs::path root, std::string public_url, UrlSigner signer, const core::Clock& clock,
                     core::Random& random)
    : root_(std::move(root)), signer_(std::move(signer)), clock_(clock), random_(random),
      public_url_(std::move(public_url)) {
  std::error_code ec;
  fs::create_directories(root_ / "objects", ec);
  fs::create_directories(root_ / "tmp", ec);
}

void DiskStore::set_public_url(std::string public_url) {
  std::lock_guard lock(mu_);
  public_url_ = std::move(public_url);
}

std::string DiskStore::public_url() const {
  std::lock_guard lock(mu_);
  return public_url_;
}

fs::path DiskStore::object_path(std::string_view key) const { return root_ / "objects" / fs::path(key); }

std::string DiskStore::file_url(std::string_view key, std::int64_t expires, std::int64_t max_bytes,
                                const std::string& signature) const {
  boost::urls::url u(public_url());
  std::string path(u.encoded_path());
  while (path.ends_with('/')) path.pop_back();
  u.set_encoded_path(path + "/media-files/" + std::string(key));  // keys need no escaping
  auto params = u.params();
  params.append({"expires", std::to_string(expires)});
  if (max_bytes > 0) params.append({"max_bytes", std::to_string(max_bytes)});
  params.append({"sig", signature});
  return std::string(u.buffer());
}

core::Result<PresignedRequest> DiskStore::presign_put(std::string_view key, std::string_view content_type,
                                                      std::int64_t max_bytes, core::TimePoint expires_at) const {
  if (!valid_object_key(key)) return core::Error::bad_request("invalid object key");
  if (max_bytes <= 0) return core::Error::bad_request("max_bytes must be positive");
  if (content_type.empty() || content_type.find_first_of("\r\n") != std::string_view::npos)
    return core::Error::bad_request("invalid content type");
  const std::int64_t expires = core::to_unix_ms(expires_at) / 1000;
  const UrlGrant grant{"PUT", std::string(key), expires, std::string(content_type), max_bytes};
  PresignedRequest out;
  out.method = "PUT";
  out.url = file_url(key, expires, max_bytes, signer_.sign(grant));
  out.headers.emplace_back("Content-Type", std::string(content_type));
  out.expires_at = core::from_unix_ms(expires * 1000);
  return out;
}

core::Result<PresignedRequest> DiskStore::presign_get(std::string_view key, core::TimePoint expires_at) const {
  if (!valid_object_key(key)) return core::Error::bad_request("invalid object key");
  const std::int64_t expires = core::to_unix_ms(expires_at) / 1000;
  PresignedRequest out;
  out.method = "GET";
  out.url = file_url(key, expires, 0, signer_.sign({"GET", std::string(key), expires, "", 0}));
  out.expires_at = core::from_unix_ms(expires * 1000);
  return out;
}

core::Result<UrlGrant> DiskStore::check(std::string_view method, std::string_view key, boost::urls::params_view query,
                                        std::string_view content_type) const {
  const core::Error refused{core::ErrorCode::invalid_signature,
                            "The URL's signature is invalid or has expired.", {}, {}};
  auto number = [&](std::string_view name) -> std::optional<std::int64_t> {
    auto it = query.find(name);
    if (it == query.end() || !(*it).has_value) return std::nullopt;
    const std::string v = (*it).value;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoll(v);
  };
  auto sig = query.find("sig");
  const auto expires = number("expires");
  if (sig == query.end() || !expires || !valid_object_key(key)) return refused;
  UrlGrant grant{std::string(method), std::string(key), *expires, "", 0};
  if (method == "PUT") {
    const auto max = number("max_bytes");
    if (!max) return refused;
    grant.content_type = std::string(content_type);
    grant.max_bytes = *max;
  }
  if (!signer_.verify(grant, (*sig).value)) return refused;
  if (core::to_unix_ms(clock_.now()) / 1000 > grant.expires) return refused;
  return grant;
}

core::Result<std::optional<DiskObject>> DiskStore::open(std::string_view key) const {
  if (!valid_object_key(key)) return std::optional<DiskObject>();
  const fs::path path = object_path(key);
  DiskObject obj;
  obj.file = FileHandle(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!obj.file.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<DiskObject>();
    return io_error("open", path, errno);
  }
  const off_t end = ::lseek(obj.file.get(), 0, SEEK_END);
  if (end < 0) return io_error("seek", path, errno);
  obj.size = end;
  fs::path type_path = path;
  type_path += kTypeSuffix;
  FileHandle t(::open(type_path.c_str(), O_RDONLY | O_CLOEXEC));
  std::array<char, 256> buf{};
  const ssize_t n = t.valid() ? ::read(t.get(), buf.data(), buf.size()) : -1;
  obj.content_type = n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "application/octet-stream";
  return std::optional<DiskObject>(std::move(obj));
}

core::Result<DiskUpload> DiskStore::begin_upload(std::string_view key) {
  if (!valid_object_key(key)) return core::Error::bad_request("invalid object key");
  const fs::path temp = root_ / "tmp" / (crypto::hex_encode(random_.bytes(12)) + ".part");
  FileHandle f(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (!f.valid()) return io_error("create", temp, errno);
  return DiskUpload(std::move(f), temp, object_path(key));
}

net::awaitable<core::Result<std::optional<ObjectInfo>>> DiskStore::stat(std::string key) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  std::error_code ec;
  const auto size = fs::file_size(object_path(key), ec);
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory)
    co_return std::optional<ObjectInfo>();
  if (ec) co_return core::Error::internal_error("stat " + key + ": " + ec.message());
  co_return std::optional<ObjectInfo>(ObjectInfo{static_cast<std::int64_t>(size)});
}

net::awaitable<core::Result<std::string>> DiskStore::read(std::string key, std::int64_t offset, std::int64_t length) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  if (offset < 0 || length < 0) co_return core::Error::bad_request("negative range");
  auto obj = open(key);
  if (!obj) co_return std::move(obj).error();
  if (!*obj) co_return core::Error::not_found("no object " + key);
  std::string out(static_cast<std::size_t>(std::max<std::int64_t>(0, std::min(length, (*obj)->size - offset))), '\0');
  auto n = (*obj)->read_at(offset, out);
  if (!n) co_return std::move(n).error();
  out.resize(*n);
  co_return out;
}

net::awaitable<core::Status> DiskStore::download(std::string key, fs::path to) {
  auto obj = open(key);
  if (!obj) co_return std::move(obj).error();
  if (!*obj) co_return core::Error::not_found("no object " + key);
  FileHandle out(::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
  if (!out.valid()) co_return io_error("create", to, errno);
  std::string buf(kCopyStep, '\0');
  for (std::int64_t offset = 0; offset < (*obj)->size;) {
    auto n = (*obj)->read_at(offset, buf);
    if (!n) co_return std::move(n).error();
    if (*n == 0) break;
    if (auto s = write_all(out.get(), std::string_view(buf.data(), *n), to); !s) co_return s;
    offset += static_cast<std::int64_t>(*n);
    co_await yield();
  }
  co_return core::Ok{};
}

net::awaitable<core::Status> DiskStore::upload(fs::path from, std::string key, std::string content_type) {
  FileHandle in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) co_return io_error("open", from, errno);
  auto up = begin_upload(key);
  if (!up) co_return std::move(up).error();
  std::string buf(kCopyStep, '\0');
  for (;;) {
    const ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) co_return io_error("read", from, errno);
    if (n == 0) break;
    if (auto s = up->append(std::string_view(buf.data(), static_cast<std::size_t>(n))); !s) co_return s;
    co_await yield();
  }
  co_return up->commit(content_type);
}

net::awaitable<core::Status> DiskStore::remove(std::string key) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  const fs::path path = object_path(key);
  fs::path type_path = path;
  type_path += kTypeSuffix;
  std::error_code ec;
  fs::remove(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) co_return core::Error::internal_error("remove: " + ec.message());
  fs::remove(type_path, ec);
  // Prune directories left empty (one per asset), never the objects root.
  for (fs::path dir = path.parent_path(); dir != root_ / "objects" && fs::is_empty(dir, ec) && !ec;
       dir = dir.parent_path())
    if (!fs::remove(dir, ec)) break;
  co_return core::Ok{};
}

}  // namespace postfuze::media
