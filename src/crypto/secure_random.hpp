// SecureRandom: core::Random backed by OpenSSL's CSPRNG (RAND_bytes). A
// failure of the system generator aborts the process: there is no safe way
// to continue without randomness. Thread-safe.
#pragma once

#include "core/random.hpp"

namespace postfuze::crypto {

class SecureRandom final : public core::Random {
 public:
  void fill(std::span<unsigned char> out) override;
};

}  // namespace postfuze::crypto
