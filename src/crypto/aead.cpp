#include "crypto/aead.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace postfuze::crypto {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Seal has no error channel: a broken precondition or a failing OpenSSL call
// is a bug or a broken library, and emitting unauthenticated output is worse.
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "postfuze: AES-256-GCM %s; aborting\n", what);
  std::abort();
}

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

CipherCtx new_ctx() { return CipherCtx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free); }

// EVP update calls take int lengths.
bool fits_int(std::string_view s) { return s.size() <= static_cast<std::size_t>(INT_MAX); }

}  // namespace

std::string aes256gcm_seal(std::string_view key, std::string_view nonce, std::string_view aad,
                           std::string_view plaintext) {
  if (key.size() != kAeadKeySize || nonce.size() != kAeadNonceSize) fail("called with a bad key or nonce size");
  if (!fits_int(aad) || !fits_int(plaintext)) fail("input too large");
  std::string out(plaintext.size() + kAeadTagSize, '\0');
  const CipherCtx ctx = new_ctx();
  int len = 0;
  // GCM's default IV length is 12 bytes, so no EVP_CTRL_GCM_SET_IVLEN is needed.
  bool ok = ctx && EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytes(key), bytes(nonce), nullptr) == 1;
  ok = ok && (aad.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), int(aad.size())) == 1);
  ok = ok && (plaintext.empty() ||
              EVP_EncryptUpdate(ctx.get(), bytes(out), &len, bytes(plaintext), int(plaintext.size())) == 1);
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), bytes(out) + plaintext.size(), &len) == 1;
  ok = ok &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, int(kAeadTagSize), bytes(out) + plaintext.size()) == 1;
  if (!ok) fail("encryption failed");
  return out;
}

std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view nonce, std::string_view aad,
                                          std::string_view ciphertext_and_tag) {
  if (key.size() != kAeadKeySize || nonce.size() != kAeadNonceSize) return std::nullopt;
  if (ciphertext_and_tag.size() < kAeadTagSize || !fits_int(aad) || !fits_int(ciphertext_and_tag)) return std::nullopt;
  const std::string_view ciphertext = ciphertext_and_tag.substr(0, ciphertext_and_tag.size() - kAeadTagSize);
  std::string tag(ciphertext_and_tag.substr(ciphertext.size()));  // SET_TAG wants a mutable pointer
  std::string out(ciphertext.size(), '\0');
  const CipherCtx ctx = new_ctx();
  int len = 0;
  bool ok = ctx && EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytes(key), bytes(nonce), nullptr) == 1;
  ok = ok && (aad.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), int(aad.size())) == 1);
  ok = ok && (ciphertext.empty() ||
              EVP_DecryptUpdate(ctx.get(), bytes(out), &len, bytes(ciphertext), int(ciphertext.size())) == 1);
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, int(kAeadTagSize), tag.data()) == 1;
  // The tag is checked only here; until then `out` holds unauthenticated bytes.
  ok = ok && EVP_DecryptFinal_ex(ctx.get(), bytes(out) + ciphertext.size(), &len) == 1;
  if (!ok) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  return out;
}

}  // namespace postfuze::crypto
