#include "connect/pkce.hpp"

#include <algorithm>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::connect {

std::string generate_verifier(core::Random& random) {
  // RFC 7636 §4.1: "a 32-octet sequence ... base64url-encoded to produce a
  // 43-octet URL safe string"; the base64url alphabet is a subset of unreserved.
  return crypto::base64url_encode(random.bytes(kVerifierEntropyBytes));
}

std::string challenge_s256(std::string_view verifier) {
  // RFC 7636 §4.2: the verifier is ASCII, so its bytes are hashed as they are.
  return crypto::base64url_encode(crypto::sha256(verifier));
}

bool is_valid_verifier(std::string_view verifier) {
  if (verifier.size() < kMinVerifierLength || verifier.size() > kMaxVerifierLength) return false;
  return std::all_of(verifier.begin(), verifier.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
  });
}

}  // namespace postfuze::connect
