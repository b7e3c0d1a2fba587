// AES-256-GCM through OpenSSL EVP: 32-byte key, 12-byte nonce, 16-byte tag.
// These are the raw primitives; application code seals through KeyRing, which
// chooses nonces and binds key ids and associated data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace postfuze::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadNonceSize = 12;
inline constexpr std::size_t kAeadTagSize = 16;

// Returns ciphertext || tag. Preconditions: key is 32 bytes, nonce 12 bytes.
std::string aes256gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad,
                           std::string_view plaintext);
// Returns the plaintext, or nullopt when the tag does not verify (wrong key,
// nonce, aad, or altered bytes) or the input is shorter than a tag.
std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view nonce, std::string_view aad,
                                          std::string_view ciphertext_and_tag);

}  // namespace postfuze::crypto
