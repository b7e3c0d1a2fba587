// S3Server: an S3-compatible endpoint for tests (s3rver from npm, see
// tests/s3/). scripts/test.sh starts one for the whole run and exports
// POSTFUZE_TEST_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID and _SECRET_ACCESS_KEY;
// without them (a local run of one test binary) the constructor starts its
// own from tests/s3/node_modules on a free loopback port and stops it on
// destruction. Tests sharing one server keep apart by key prefix
// (unique_prefix()).
#pragma once

#include <memory>
#include <string>
#include <sys/types.h>

#include "media/object_store_factory.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::test {

class S3Server {
 public:
  // Throws std::runtime_error when no S3 endpoint can be had (not exported
  // and `npm ci` not run in tests/s3).
  S3Server();
  ~S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;

  const std::string& endpoint() const { return endpoint_; }  // "http://127.0.0.1:PORT"
  const std::string& bucket() const { return bucket_; }
  const std::string& access_key_id() const { return access_key_id_; }
  const std::string& secret_access_key() const { return secret_; }
  // Settings for media::make_object_store / S3Store.
  media::ObjectStoreSettings settings() const;
  // Environment for a server process using this S3 (POSTFUZE_MEDIA_STORE, …).
  Env server_env() const;
  // A fresh "t<random>" key prefix.
  static std::string unique_prefix();

 private:
  std::string endpoint_, bucket_, access_key_id_, secret_;
  pid_t pid_ = -1;
  std::unique_ptr<TempDir> dir_;
};

}  // namespace postfuze::test
