// Where the encryption keys come from: POSTFUZE_ENCRYPTION_KEYS when set;
// otherwise <data dir>/encryption.keys, created on first start with one new
// key (mode 0600) and a loud warning, because a key beside the data it
// protects is only fit for development.
#pragma once

#include "app/config.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"

namespace postfuze::app {

core::Result<crypto::KeyRing> load_key_ring(const Config& config, core::Logger& log, core::Random& random);

}  // namespace postfuze::app
