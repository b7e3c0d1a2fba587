// MemoryMedia: a MediaBytes over in-memory strings, the object store's test
// double for publisher tests (the lead's end-to-end tests use the real
// stores). add() registers bytes under an object key and returns the
// MediaItem describing them; reads past the end return fewer bytes, and
// fail_reads() makes every read fail the way an unreachable store would.
// Header-only; use from one test thread.
#pragma once

#include <map>
#include <string>

#include "core/error.hpp"
#include "crypto/digest.hpp"
#include "publishers/publish_media.hpp"

namespace postfuze::test {

class MemoryMedia final : public publishers::MediaBytes {
 public:
  publishers::MediaItem add(std::string kind, std::string content_type, std::string bytes,
                            std::optional<int> width = std::nullopt, std::optional<int> height = std::nullopt,
                            std::string alt_text = {}) {
    publishers::MediaItem m;
    m.id = "med_" + std::to_string(objects_.size() + 1);
    m.kind = std::move(kind);
    m.content_type = std::move(content_type);
    m.size = static_cast<std::int64_t>(bytes.size());
    m.width = width;
    m.height = height;
    m.alt_text = std::move(alt_text);
    m.object_key = "objects/" + m.id;
    m.url = "http://media.invalid/" + m.id;
    objects_[m.object_key] = std::move(bytes);
    return m;
  }

  void fail_reads(bool fail = true) { fail_ = fail; }
  int reads() const { return reads_; }

  boost::asio::awaitable<core::Result<std::string>> read(const publishers::MediaItem& item, std::int64_t offset,
                                                         std::int64_t length) const override {
    ++reads_;
    if (fail_) co_return core::Error::unavailable("object store unreachable (test)");
    auto it = objects_.find(item.object_key);
    if (it == objects_.end()) co_return core::Error::not_found("no object " + item.object_key);
    const std::string& b = it->second;
    if (offset < 0 || static_cast<std::size_t>(offset) > b.size()) co_return std::string();
    co_return b.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length));
  }

 private:
  std::map<std::string, std::string> objects_;
  bool fail_ = false;
  mutable int reads_ = 0;
};

// Lowercase hex SHA-256, as GET /_sim/media reports it.
inline std::string sha256_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : crypto::sha256(bytes)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace postfuze::test
