// Hashes and MACs through OpenSSL 3 (EVP). Outputs are raw bytes.
#pragma once

#include <string>
#include <string_view>

namespace postfuze::crypto {

std::string sha256(std::string_view data);                              // 32 bytes
std::string hmac_sha256(std::string_view key, std::string_view data);   // 32 bytes
// HKDF-SHA256 (RFC 5869) for deriving purpose keys from a master key.
std::string hkdf_sha256(std::string_view key, std::string_view salt, std::string_view info, std::size_t length);
// Compares in time that depends only on the lengths (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace postfuze::crypto
