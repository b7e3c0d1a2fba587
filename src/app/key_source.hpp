// Where the encryption keys come from: POSTFUZE_ENCRYPTION_KEYS when set;
// otherwise <data dir>/encryption.keys, created on first start with one new
// key (mode 0600) and a loud warning, because a key beside the data it
// protects is only fit for development.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"

namespace postfuze::app {

core::Result<crypto::KeyRing> load_key_ring(const Config& config, core::Logger& log, core::Random& random);

// <data dir>/encryption.keys.
std::filesystem::path key_file_path(const Config& config);

// A key id not in `taken`: "k" + 8 random hex digits.
std::string new_key_id(core::Random& random, const std::vector<std::string>& taken = {});

struct KeyFileRotation {
  std::filesystem::path path;
  std::string new_key_id;
  std::vector<std::string> kept_key_ids;  // the previous keys, in order, now decrypt-only
};

// `postfuze keys rotate` on the key file: puts a new key first (active) and
// keeps every previous key after it. The file is replaced atomically (a new
// 0600 file, fsync, rename). Precondition: POSTFUZE_ENCRYPTION_KEYS is unset.
// Errors: no key file yet, an invalid key file, or an I/O failure.
core::Result<KeyFileRotation> rotate_key_file(const Config& config, core::Random& random);

}  // namespace postfuze::app
