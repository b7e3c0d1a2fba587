// KeyRing: the server's encryption keys (POSTFUZE_ENCRYPTION_KEYS), several
// at once so keys can rotate. seal() always uses the active key (the first
// listed) and writes its id into the text; open() reads the id and uses that
// key — no trial decryption. Every seal binds associated data that the caller
// builds from the secret's purpose and row (e.g. "api.cursor" or
// "account.token|<org>|<account>|access"), plus the key id itself, so a
// ciphertext copied to another row, purpose or key id fails to open.
// Immutable after construction: safe to share between threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"
#include "core/result.hpp"
#include "core/sealed.hpp"
#include "core/secret.hpp"

namespace postfuze::crypto {

class KeyRing {
 public:
  // Parses "KEYID:base64(32 bytes)[,KEYID:…]". Key ids are 1–32 characters of
  // [A-Za-z0-9_-] and unique. Errors (validation_failed) describe the fault
  // without echoing key material.
  static core::Result<KeyRing> parse(std::string_view spec);
  // A new "KEYID:base64" entry with 32 fresh random bytes.
  static std::string generate_entry(core::Random& random, std::string_view key_id);

  const std::string& active_key_id() const { return active_id_; }
  std::vector<std::string> key_ids() const;
  bool has_key(std::string_view key_id) const;

  core::Sealed seal(core::Random& random, std::string_view aad, std::string_view plaintext) const;
  // Errors: unknown key id, malformed text or failed authentication → internal
  // (with a reason in Error::internal; never the plaintext or key).
  core::Result<core::Secret> open(const core::Sealed& sealed, std::string_view aad) const;

  // A 32-byte key derived from the active key for a named purpose (HKDF), e.g.
  // signing pagination cursors.
  std::string derive(std::string_view purpose) const;

 private:
  std::string active_id_;
  std::map<std::string, std::string, std::less<>> keys_;  // id -> 32 raw bytes
};

}  // namespace postfuze::crypto
