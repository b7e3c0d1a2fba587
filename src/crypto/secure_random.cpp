#include "crypto/secure_random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace postfuze::crypto {

void SecureRandom::fill(std::span<unsigned char> out) {
  // RAND_bytes takes an int length, so very large requests go in chunks.
  constexpr std::size_t kChunk = 1 << 20;
  while (!out.empty()) {
    const std::size_t n = std::min(out.size(), kChunk);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
      // Without randomness every nonce and key is suspect: stop, do not limp on.
      std::fputs("postfuze: RAND_bytes failed; aborting\n", stderr);
      std::abort();
    }
    out = out.subspan(n);
  }
}

}  // namespace postfuze::crypto
