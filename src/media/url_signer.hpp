// UrlSigner: the HMAC-SHA256 signatures of the disk store's media URLs
// (docs/decisions.md "Media storage"). A signature covers one grant — the
// method (PUT, or GET which also allows HEAD), the object key, the expiry
// (Unix seconds) and, for PUT, the exact Content-Type and the byte cap — so
// a URL cannot be stretched in time, moved to another object, turned from a
// download into an upload, or used with another type or a larger cap.
//
// The key is derived from the server's active encryption key for the
// purpose "media-url" (KeyRing::derive) once at start-up: URLs outlive a
// restart, and a key rotation invalidates the outstanding ones (they last
// minutes). Thread safety: const and immutable; share freely.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace postfuze::media {

struct UrlGrant {
  std::string method;  // "PUT" or "GET"
  std::string key;
  std::int64_t expires = 0;  // Unix seconds
  std::string content_type;  // PUT only; empty for GET
  std::int64_t max_bytes = 0;  // PUT only; 0 for GET
};

class UrlSigner {
 public:
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}
  // base64url of HMAC-SHA256(secret, canonical grant).
  std::string sign(const UrlGrant& grant) const;
  // Compares in constant time.
  bool verify(const UrlGrant& grant, std::string_view signature) const;

 private:
  std::string secret_;
};

}  // namespace postfuze::media
