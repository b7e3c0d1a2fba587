#include "media/s3_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <boost/url/parse.hpp>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::media {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

// SigV4 presigned URLs live at most 7 days.
constexpr std::int64_t kMaxPresignSeconds = 7 * 24 * 3600;
// Uploads are generated thumbnails and the like: held in memory for one PUT.
constexpr std::int64_t kMaxUploadBytes = 64LL * 1024 * 1024;

core::Error s3_failure(std::string_view what, const net::OutboundResult& r) {
  std::string internal = "s3 " + std::string(what) + ": ";
  if (r.response)
    internal += "HTTP " + std::to_string(r.response->status);
  else
    internal += std::string(net::to_string(*r.failure)) + " " + r.detail;
  return core::Error::unavailable("The object store is unavailable.", internal);
}

std::chrono::seconds lifetime(core::TimePoint now, core::TimePoint expires_at) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(expires_at - now).count();
  return std::chrono::seconds(std::clamp<std::int64_t>(s, 1, kMaxPresignSeconds));
}

}  // namespace

S3Store::S3Store(S3Location location, S3Credentials credentials, net::HttpClient& http, const core::Clock& clock,
                 std::chrono::milliseconds timeout)
    : location_(std::move(location)), credentials_(std::move(credentials)), http_(http), clock_(clock),
      timeout_(timeout) {}

std::string S3Store::object_url(std::string_view key) const {
  return location_.endpoint + "/" + location_.bucket + "/" + std::string(key);  // keys need no escaping
}

core::Result<PresignedRequest> S3Store::presign_put(std::string_view key, std::string_view content_type,
                                                    std::int64_t /*max_bytes: see the header*/,
                                                    core::TimePoint expires_at) const {
  if (!valid_object_key(key)) return core::Error::bad_request("invalid object key");
  if (content_type.empty() || content_type.find_first_of("\r\n") != std::string_view::npos)
    return core::Error::bad_request("invalid content type");
  const auto now = clock_.now();
  const auto ttl = lifetime(now, expires_at);
  const std::string target = object_url(key);  // the view below points into it
  const auto url = boost::urls::parse_absolute_uri(target);
  if (!url) return core::Error::internal_error("bad S3 endpoint");
  PresignedRequest out;
  out.method = "PUT";
  out.url = sigv4_presign(credentials_, "PUT", *url, {{"content-type", std::string(content_type)}}, now, ttl);
  out.headers.emplace_back("Content-Type", std::string(content_type));
  out.expires_at = std::chrono::time_point_cast<std::chrono::milliseconds>(now) + ttl;
  return out;
}

core::Result<PresignedRequest> S3Store::presign_get(std::string_view key, core::TimePoint expires_at) const {
  if (!valid_object_key(key)) return core::Error::bad_request("invalid object key");
  const auto now = clock_.now();
  const auto ttl = lifetime(now, expires_at);
  const std::string target = object_url(key);  // the view below points into it
  const auto url = boost::urls::parse_absolute_uri(target);
  if (!url) return core::Error::internal_error("bad S3 endpoint");
  PresignedRequest out;
  out.method = "GET";
  out.url = sigv4_presign(credentials_, "GET", *url, {}, now, ttl);
  out.expires_at = now + ttl;
  return out;
}

asio::awaitable<net::OutboundResult> S3Store::call(bhttp::verb method, std::string_view key, HeaderList headers,
                                                  std::string body, std::size_t max_response) {
  net::OutboundRequest req;
  req.method = method;
  req.url = object_url(key);
  const auto url = boost::urls::parse_absolute_uri(req.url).value();
  const std::string payload_hash = body.empty() ? std::string(kEmptyPayloadSha256)
                                                : crypto::hex_encode(crypto::sha256(body));
  const HeaderList auth = sigv4_sign_headers(credentials_, std::string(bhttp::to_string(method)), url, headers,
                                             payload_hash, clock_.now());
  req.headers = std::move(headers);
  for (const auto& h : auth) req.headers.push_back(h);
  req.body = std::move(body);
  req.timeout = timeout_;
  req.max_response_bytes = max_response;
  co_return co_await http_.send(std::move(req));
}

asio::awaitable<core::Result<std::optional<ObjectInfo>>> S3Store::stat(std::string key) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  auto r = co_await call(bhttp::verb::head, key, {}, {}, 0);
  if (!r.response) co_return s3_failure("HEAD", r);
  if (r.response->status == 404) co_return std::optional<ObjectInfo>();
  if (r.response->status != 200) co_return s3_failure("HEAD", r);
  const std::string length = r.response->header("Content-Length");
  if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos)
    co_return core::Error::unavailable("The object store is unavailable.", "s3 HEAD: no Content-Length");
  co_return std::optional<ObjectInfo>(ObjectInfo{std::stoll(length)});
}

asio::awaitable<core::Result<std::string>> S3Store::read(std::string key, std::int64_t offset, std::int64_t length) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  if (offset < 0 || length < 0) co_return core::Error::bad_request("negative range");
  if (length == 0) co_return std::string();
  HeaderList headers{{"Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1)}};
  auto r = co_await call(bhttp::verb::get, key, std::move(headers), {}, static_cast<std::size_t>(length) + 1024);
  if (!r.response) co_return s3_failure("GET", r);
  const int status = r.response->status;
  if (status == 404) co_return core::Error::not_found("no object " + key);
  if (status == 416) co_return std::string();  // the offset is past the end
  if (status == 206) co_return std::move(r.response->body);
  if (status == 200) {  // a server ignoring Range sends the whole object (capped by the response limit)
    std::string& b = r.response->body;
    if (offset >= static_cast<std::int64_t>(b.size())) co_return std::string();
    co_return b.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  }
  co_return s3_failure("GET", r);
}

asio::awaitable<core::Status> S3Store::download(std::string key, std::filesystem::path to) {
  auto info = co_await stat(key);
  if (!info) co_return std::move(info).error();
  if (!*info) co_return core::Error::not_found("no object " + key);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  if (!out) co_return core::Error::internal_error("create " + to.string() + ": " + std::strerror(errno));
  for (std::int64_t offset = 0; offset < (*info)->size;) {
    const std::int64_t want = std::min(kDownloadPiece, (*info)->size - offset);
    auto piece = co_await read(key, offset, want);
    if (!piece) co_return std::move(piece).error();
    if (piece->empty())  // shrank under us
      co_return core::Error::unavailable("The object store is unavailable.", "s3 download: object shrank");
    out.write(piece->data(), static_cast<std::streamsize>(piece->size()));
    if (!out) co_return core::Error::internal_error("write " + to.string());
    offset += static_cast<std::int64_t>(piece->size());
  }
  out.close();
  if (!out) co_return core::Error::internal_error("write " + to.string());
  co_return core::Ok{};
}

asio::awaitable<core::Status> S3Store::upload(std::filesystem::path from, std::string key, std::string content_type) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  std::error_code ec;
  const auto size = std::filesystem::file_size(from, ec);
  if (ec) co_return core::Error::internal_error("stat " + from.string() + ": " + ec.message());
  if (static_cast<std::int64_t>(size) > kMaxUploadBytes)
    co_return core::Error::internal_error("upload of " + from.string() + " exceeds " + std::to_string(kMaxUploadBytes));
  std::ifstream in(from, std::ios::binary);
  std::ostringstream bytes;
  if (!in || (size > 0 && !(bytes << in.rdbuf()))) co_return core::Error::internal_error("read " + from.string());
  HeaderList headers;
  headers.emplace_back("Content-Type", content_type);
  auto r = co_await call(bhttp::verb::put, key, std::move(headers), bytes.str(), 64 * 1024);
  if (!r.response || r.response->status != 200) co_return s3_failure("PUT", r);
  co_return core::Ok{};
}

asio::awaitable<core::Status> S3Store::remove(std::string key) {
  if (!valid_object_key(key)) co_return core::Error::bad_request("invalid object key");
  auto r = co_await call(bhttp::verb::delete_, key, {}, {}, 64 * 1024);
  if (!r.response) co_return s3_failure("DELETE", r);
  const int status = r.response->status;
  if (status == 204 || status == 200 || status == 404) co_return core::Ok{};
  co_return s3_failure("DELETE", r);
}

}  // namespace postfuze::media
