// Sealed: a secret after encryption — the only form in which a secret column
// reaches the store. Its text is "pf1.<key id>.<base64url(nonce|ciphertext|tag)>".
// Only crypto::KeyRing turns plaintext into a Sealed, so a store that takes
// Sealed cannot be handed a plaintext by mistake. from_storage() rewraps text
// read back from a column; it does not make the text trustworthy — opening it
// authenticates it.
#pragma once

#include <string>
#include <string_view>

namespace postfuze::crypto {
class KeyRing;
}

namespace postfuze::core {

class Sealed {
 public:
  static Sealed from_storage(std::string text) { return Sealed(std::move(text)); }
  const std::string& text() const { return text_; }
  // The key id named in the text, or empty when the text is malformed.
  std::string_view key_id() const;

 private:
  friend class postfuze::crypto::KeyRing;
  explicit Sealed(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

inline std::string_view Sealed::key_id() const {
  std::string_view t = text_;
  if (t.substr(0, 4) != "pf1.") return {};
  t.remove_prefix(4);
  const auto dot = t.find('.');
  return dot == std::string_view::npos ? std::string_view{} : t.substr(0, dot);
}

}  // namespace postfuze::core
