// Random: the source of unpredictable bytes. Production uses the OS CSPRNG
// (crypto::SecureRandom); tests may inject a seeded sequence. Implementations
// must be safe to call from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace postfuze::core {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<unsigned char> out) = 0;

  std::string bytes(std::size_t n) {
    std::string s(n, '\0');
    fill({reinterpret_cast<unsigned char*>(s.data()), n});
    return s;
  }
};

}  // namespace postfuze::core
