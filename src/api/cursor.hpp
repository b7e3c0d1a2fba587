// Keyset cursors (contract §8): opaque text "payload.signature", where the
// payload is base64url JSON [created_at_ms, id, filters] and the signature a
// base64url HMAC-SHA256 under a key derived from the key ring for this
// purpose. The filter text the cursor was issued under is signed in, so a
// cursor replayed with other filters, altered or forged is refused (400
// invalid_cursor). Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "store/keyset.hpp"

namespace postfuze::api {

class CursorCodec {
 public:
  explicit CursorCodec(std::string key) : key_(std::move(key)) {}
  std::string encode(const store::KeysetPosition& pos, std::string_view filters) const;
  core::Result<store::KeysetPosition> decode(std::string_view cursor, std::string_view filters) const;

 private:
  std::string key_;
};

}  // namespace postfuze::api
