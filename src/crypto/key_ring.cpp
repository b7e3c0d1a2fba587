// Sealed text grammar (version "pf1"):
//   sealed  = "pf1." key-id "." base64url(nonce ciphertext tag)   ; no padding
//   nonce   = 12 random bytes from the caller's core::Random, fresh per seal
//   aad     = "pf1|" key-id "|" caller-aad                        ; bound, not stored
// Key ids cannot contain '.' or '|', so both the text and the aad split
// unambiguously, and a text relabelled with another key id fails to open.
#include "crypto/key_ring.hpp"

#include <openssl/crypto.h>

#include "crypto/aead.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::crypto {
namespace {

constexpr std::string_view kPrefix = "pf1.";
constexpr std::string_view kSpecName = "POSTFUZE_ENCRYPTION_KEYS";
constexpr std::size_t kMaxKeyIdSize = 32;

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxKeyIdSize) return false;
  for (const char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Messages name the entry by position or id, never by its text: a malformed
// entry may be mostly key material.
core::Error invalid(std::string message) { return core::Error::validation(std::string(kSpecName), std::move(message)); }

std::string associated_data(std::string_view key_id, std::string_view aad) {
  std::string out = "pf1|";
  out.append(key_id).append("|").append(aad);
  return out;
}

}  // namespace

KeyRing::State::~State() {
  for (auto& [id, key] : keys) OPENSSL_cleanse(key.data(), key.size());
}

core::Result<std::shared_ptr<const KeyRing::State>> KeyRing::parse_state(std::string_view spec) {
  if (trim(spec).empty()) return invalid("no encryption keys are configured");
  auto state = std::make_shared<State>();
  std::size_t position = 0;
  while (true) {
    ++position;
    const auto comma = spec.find(',');
    const std::string_view entry = trim(spec.substr(0, comma));
    const std::string where = "entry " + std::to_string(position);
    const auto colon = entry.find(':');
    if (entry.empty()) return invalid(where + " is empty");
    if (colon == std::string_view::npos) return invalid(where + " is not of the form KEYID:base64");
    const std::string_view id = entry.substr(0, colon);
    if (!valid_key_id(id)) return invalid(where + " has a key id that is not 1-32 characters of [A-Za-z0-9_-]");
    if (state->keys.contains(id)) return invalid("key id '" + std::string(id) + "' is listed twice");
    std::optional<std::string> key = base64_decode(entry.substr(colon + 1));
    if (!key || key->size() != kAeadKeySize) {
      if (key) OPENSSL_cleanse(key->data(), key->size());
      return invalid("key '" + std::string(id) + "' is not 32 bytes of base64");
    }
    if (state->active_id.empty()) state->active_id = id;  // the first listed key seals
    state->keys.emplace(id, std::move(*key));
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return std::shared_ptr<const State>(std::move(state));
}

KeyRing::KeyRing() : state_(std::make_shared<const State>()) {}
KeyRing::KeyRing(const KeyRing& other) : state_(other.snapshot()) {}
KeyRing& KeyRing::operator=(const KeyRing& other) {
  if (this != &other) replace(other.snapshot());
  return *this;
}
KeyRing::~KeyRing() = default;

void KeyRing::replace(std::shared_ptr<const State> next) {
  {
    std::lock_guard lock(mutex_);
    state_.swap(next);
  }
  // `next` now holds the previous State: released (and its keys cleansed) here,
  // outside the lock, once no call still holds a snapshot of it.
}

core::Result<KeyRing> KeyRing::parse(std::string_view spec) {
  auto state = parse_state(spec);
  if (!state) return std::move(state).error();
  KeyRing ring;
  ring.replace(std::move(*state));
  return ring;
}

core::Status KeyRing::reload(std::string_view spec) {
  auto next = parse_state(spec);
  if (!next) return std::move(next).error();
  const auto current = snapshot();
  if (!current->active_id.empty()) {
    const auto now = current->keys.find(current->active_id);
    const auto then = (*next)->keys.find(current->active_id);
    if (then == (*next)->keys.end())
      return invalid("the new key list does not contain the active key '" + current->active_id +
                     "': values sealed with it would stop opening (keep it after the new key)");
    if (CRYPTO_memcmp(now->second.data(), then->second.data(), kAeadKeySize) != 0)
      return invalid("the new key list has other key bytes under the active key id '" + current->active_id + "'");
  }
  replace(std::move(*next));
  return core::Ok{};
}

std::string KeyRing::generate_entry(core::Random& random, std::string_view key_id) {
  std::string key = random.bytes(kAeadKeySize);
  std::string entry = std::string(key_id) + ":" + base64_encode(key);
  OPENSSL_cleanse(key.data(), key.size());
  return entry;
}

KeyRing::Ids KeyRing::ids() const {
  const auto state = snapshot();
  Ids out{state->active_id, {}};
  for (const auto& [id, key] : state->keys)
    if (id != state->active_id) out.others.push_back(id);
  return out;
}

std::string KeyRing::active_key_id() const { return snapshot()->active_id; }

std::vector<std::string> KeyRing::key_ids() const {
  const auto state = snapshot();
  std::vector<std::string> ids;
  for (const auto& [id, key] : state->keys) ids.push_back(id);
  return ids;
}

bool KeyRing::has_key(std::string_view key_id) const { return snapshot()->keys.contains(key_id); }

core::Sealed KeyRing::seal(core::Random& random, std::string_view aad, std::string_view plaintext) const {
  const auto state = snapshot();  // one key list for the whole call, whatever reload() does meanwhile
  const std::string& key = state->keys.at(state->active_id);  // throws only on a ring that was never parsed
  const std::string nonce = random.bytes(kAeadNonceSize);
  const std::string body = nonce + aes256gcm_seal(key, nonce, associated_data(state->active_id, aad), plaintext);
  return core::Sealed(std::string(kPrefix) + state->active_id + "." + base64url_encode(body));
}

core::Result<core::Secret> KeyRing::open(const core::Sealed& sealed, std::string_view aad) const {
  const std::string_view id = sealed.key_id();
  if (!valid_key_id(id)) return core::Error::internal_error("sealed text is malformed");
  const auto state = snapshot();
  const auto key = state->keys.find(id);
  if (key == state->keys.end())
    return core::Error::internal_error("sealed with unknown key id '" + std::string(id) + "'");
  const std::optional<std::string> body =
      base64url_decode(std::string_view(sealed.text()).substr(kPrefix.size() + id.size() + 1));
  if (!body || body->size() < kAeadNonceSize + kAeadTagSize)
    return core::Error::internal_error("sealed text is malformed");
  const std::string_view raw = *body;
  std::optional<std::string> plaintext =
      aes256gcm_open(key->second, raw.substr(0, kAeadNonceSize), associated_data(id, aad), raw.substr(kAeadNonceSize));
  if (!plaintext)
    return core::Error::internal_error("sealed text failed authentication (wrong key id, aad, or altered bytes)");
  return core::Secret(std::move(*plaintext));
}

std::string KeyRing::derive(std::string_view purpose) const {
  const auto state = snapshot();
  return hkdf_sha256(state->keys.at(state->active_id), "postfuze", purpose, kAeadKeySize);
}

}  // namespace postfuze::crypto
