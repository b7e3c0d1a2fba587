// ObjectMediaBytes: the publishers' MediaBytes over the object store, so a
// platform that takes bytes gets them chunk by chunk from disk or S3.
#pragma once

#include "media/object_store.hpp"
#include "publishers/publish_media.hpp"

namespace postfuze::publish {

class ObjectMediaBytes final : public publishers::MediaBytes {
 public:
  explicit ObjectMediaBytes(media::ObjectStore& objects) : objects_(objects) {}
  boost::asio::awaitable<core::Result<std::string>> read(const publishers::MediaItem& item, std::int64_t offset,
                                                         std::int64_t length) const override {
    return objects_.read(item.object_key, offset, length);
  }

 private:
  media::ObjectStore& objects_;
};

}  // namespace postfuze::publish
