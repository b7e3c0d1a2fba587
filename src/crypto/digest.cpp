#include "crypto/digest.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace postfuze::crypto {
namespace {

constexpr std::size_t kSha256Size = 32;

// These calls fail only when OpenSSL itself is broken (no memory, provider
// missing); returning a wrong digest would be worse than stopping.
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "postfuze: OpenSSL %s failed; aborting\n", what);
  std::abort();
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// OSSL_PARAM wants non-const pointers even for inputs it only reads.
OSSL_PARAM octets(const char* name, std::string_view s) {
  return OSSL_PARAM_construct_octet_string(name, const_cast<char*>(s.data()), s.size());
}

}  // namespace

std::string sha256(std::string_view data) {
  std::string out(kSha256Size, '\0');
  if (EVP_Digest(data.data(), data.size(), bytes(out), nullptr, EVP_sha256(), nullptr) != 1) fail("SHA-256");
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(kSha256Size, '\0');
  // A non-null pointer even for an empty key: OpenSSL treats null as "no key".
  static const unsigned char kNoKey = 0;
  const unsigned char* key_ptr = key.empty() ? &kNoKey : bytes(key);
  std::size_t len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_ptr, key.size(), bytes(data), data.size(), bytes(out),
                out.size(), &len) == nullptr ||
      len != kSha256Size)
    fail("HMAC-SHA256");
  return out;
}

std::string hkdf_sha256(std::string_view key, std::string_view salt, std::string_view info, std::size_t length) {
  // RFC 5869 §2.3: L <= 255 * HashLen; a longer request is a caller bug.
  if (length == 0 || length > 255 * kSha256Size) fail("HKDF (bad length)");
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr), EVP_KDF_free);
  if (!kdf) fail("HKDF fetch");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), EVP_KDF_CTX_free);
  if (!ctx) fail("HKDF context");
  // An absent salt is HashLen zero bytes and an absent info is empty
  // (RFC 5869 §2.2-2.3), so empty inputs are simply left out.
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0);
  params[n++] = octets(OSSL_KDF_PARAM_KEY, key);
  if (!salt.empty()) params[n++] = octets(OSSL_KDF_PARAM_SALT, salt);
  if (!info.empty()) params[n++] = octets(OSSL_KDF_PARAM_INFO, info);
  params[n] = OSSL_PARAM_construct_end();
  std::string out(length, '\0');
  if (EVP_KDF_derive(ctx.get(), bytes(out), out.size(), params) != 1) fail("HKDF derive");
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace postfuze::crypto
