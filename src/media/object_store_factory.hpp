// The object store the configuration asks for (docs/decisions.md "Media
// storage"): POSTFUZE_MEDIA_STORE = "disk" (default: files under
// <data dir>/media served by this server) or "s3://BUCKET" with
// POSTFUZE_S3_ENDPOINT, POSTFUZE_S3_REGION, POSTFUZE_S3_ACCESS_KEY_ID and
// POSTFUZE_S3_SECRET_ACCESS_KEY (a Secret: never logged or echoed).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "media/disk_store.hpp"
#include "media/object_store.hpp"
#include "media/s3_store.hpp"

namespace postfuze::media {

struct ObjectStoreSettings {
  std::string kind = "disk";  // "disk" or "s3"
  S3Location s3;              // s3 only
  S3Credentials credentials;  // s3 only
};

// Validates the variables' values (each nullopt when unset). The error's
// detail is one line naming the variable, never the secret.
core::Result<ObjectStoreSettings> parse_object_store_settings(const std::optional<std::string>& store,
                                                              const std::optional<std::string>& endpoint,
                                                              const std::optional<std::string>& region,
                                                              const std::optional<std::string>& access_key_id,
                                                              const std::optional<std::string>& secret_access_key);

struct BuiltObjectStore {
  std::unique_ptr<ObjectStore> store;
  DiskStore* disk = nullptr;  // set for the disk store: its /media-files/ route must be mounted
};

// `url_key` signs disk URLs (KeyRing::derive("media-url")); `http` carries
// S3 calls. Everything passed must outlive the store.
BuiltObjectStore make_object_store(const ObjectStoreSettings& settings, const std::filesystem::path& data_dir,
                                   std::string public_url, std::string url_key, net::HttpClient& http,
                                   const core::Clock& clock, core::Random& random);

}  // namespace postfuze::media
