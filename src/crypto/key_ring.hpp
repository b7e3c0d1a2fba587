// KeyRing: the server's encryption keys (POSTFUZE_ENCRYPTION_KEYS), several
// at once so keys can rotate. seal() always uses the active key (the first
// listed) and writes its id into the text; open() reads the id and uses that
// key — no trial decryption. Every seal binds associated data that the caller
// builds from the secret's purpose and row (e.g. "api.cursor" or
// "account.token|<org>|<account>|access"), plus the key id itself, so a
// ciphertext copied to another row, purpose or key id fails to open.
//
// Reloadable in place (key rotation without a restart, docs/decisions.md
// D21): the keys live in an immutable State behind a shared_ptr that a mutex
// guards only while it is copied or replaced (not
// std::atomic<std::shared_ptr>: GCC 12's load() unlocks with relaxed order,
// which ThreadSanitizer rightly reports as a race). Every call takes one snapshot, so a concurrent reload() never mixes two key
// lists within one seal, open or derive; holders of `const KeyRing&` see the
// new keys on their next call. Thread safety: every member may be called from
// any thread, concurrently with reload(). A copy shares the current snapshot
// and is then independent of the original.
#pragma once

#include <map>
#include <memory>
#include <mutex>
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

  KeyRing();  // no keys: seal() and derive() throw std::out_of_range; parse() makes a usable ring
  KeyRing(const KeyRing& other);
  KeyRing& operator=(const KeyRing& other);
  ~KeyRing();

  // Replaces the keys with those of `spec` (the grammar of parse()) for every
  // later call. The new list must contain the current active key id with the
  // same key bytes, so nothing sealed a moment ago becomes unreadable; it may
  // put another key first (rotation) and add or drop other keys. Errors
  // (validation_failed, without key material): a spec parse() refuses, or
  // one without the current active key; the ring is unchanged then.
  core::Status reload(std::string_view spec);

  // The key ids of one snapshot: the active one, then the others in key-id order.
  struct Ids {
    std::string active;
    std::vector<std::string> others;
  };
  Ids ids() const;
  std::string active_key_id() const;
  std::vector<std::string> key_ids() const;  // in key-id order
  bool has_key(std::string_view key_id) const;

  core::Sealed seal(core::Random& random, std::string_view aad, std::string_view plaintext) const;
  // Errors: unknown key id, malformed text or failed authentication → internal
  // (with a reason in Error::internal; never the plaintext or key).
  core::Result<core::Secret> open(const core::Sealed& sealed, std::string_view aad) const;

  // A 32-byte key derived from the active key for a named purpose (HKDF), e.g.
  // signing pagination cursors. A caller that keeps the result (the cursor
  // codec, derived once at start) keeps the key of that moment; a reload does
  // not change it.
  std::string derive(std::string_view purpose) const;

 private:
  struct State {
    std::string active_id;
    std::map<std::string, std::string, std::less<>> keys;  // id -> 32 raw bytes
    ~State();
  };
  static core::Result<std::shared_ptr<const State>> parse_state(std::string_view spec);
  std::shared_ptr<const State> snapshot() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  void replace(std::shared_ptr<const State> next);

  mutable std::mutex mutex_;            // guards state_ (the pointer, not the State: that is immutable)
  std::shared_ptr<const State> state_;  // never null
};

}  // namespace postfuze::crypto
