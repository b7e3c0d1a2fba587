// PKCE (RFC 7636): the code verifier the server makes for one authorization
// and the S256 code challenge sent with it. The verifier travels sealed in the
// OAuth `state` (connect_state.hpp) and goes back to the platform with the
// code exchange, which proves the exchange comes from whoever started the
// flow. Only S256 is offered: RFC 7636 §7.2 keeps "plain" for clients that
// cannot hash, and we can. Free functions without state: thread-safe (the
// Random passed in must be, as every core::Random is).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/random.hpp"

namespace postfuze::connect {

// RFC 7636 §4.1: code-verifier = 43*128unreserved.
inline constexpr std::size_t kMinVerifierLength = 43;
inline constexpr std::size_t kMaxVerifierLength = 128;
// Random bytes behind a generated verifier; base64url of 32 bytes is 43 chars.
inline constexpr std::size_t kVerifierEntropyBytes = 32;

// A fresh verifier: base64url (no padding) of 32 random bytes, i.e. 43
// characters of [A-Za-z0-9_-] — the construction RFC 7636 §4.1 recommends.
std::string generate_verifier(core::Random& random);

// BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) without padding (RFC 7636
// §4.2, code_challenge_method=S256). Does not validate the verifier.
std::string challenge_s256(std::string_view verifier);

// True when `verifier` is 43–128 characters of ALPHA / DIGIT / "-" / "." /
// "_" / "~" (RFC 7636 §4.1).
bool is_valid_verifier(std::string_view verifier);

}  // namespace postfuze::connect
