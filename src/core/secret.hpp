// Secret: a string that must never be printed or logged (API keys, client
// secrets, tokens). It has no stream operator and no implicit conversion;
// reading it takes an explicit reveal(). The buffer is wiped on destruction.
#pragma once

#include <string>
#include <utility>

namespace postfuze::core {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret&) = default;
  Secret& operator=(Secret&&) noexcept = default;
  ~Secret() { wipe(); }

  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  void wipe() {
    volatile char* p = value_.data();
    for (std::size_t i = 0; i < value_.size(); ++i) p[i] = 0;
  }
  std::string value_;
};

}  // namespace postfuze::core
