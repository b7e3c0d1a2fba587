// Standard Webhooks signing (https://www.standardwebhooks.com/):
//   webhook-signature: v1,<base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>"))>
// with several space-separated signatures while two secrets are valid (after
// a rotation). Secrets are "whsec_" + base64 of the key bytes; a secret the
// customer supplies without that prefix is used as its raw UTF-8 bytes
// (contract §23.4). Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/random.hpp"
#include "core/result.hpp"

namespace postfuze::webhooks {

inline constexpr std::string_view kSecretPrefix = "whsec_";

// "whsec_" + base64 of 32 fresh random bytes.
std::string generate_signing_secret(core::Random& random);
// Checks a customer-supplied secret: "whsec_" + base64 of 24–64 bytes, or
// 32–256 printable characters used as they are. Errors name field `field`.
core::Status validate_signing_secret(std::string_view secret, std::string_view field);
// The HMAC key a secret stands for. Precondition: the secret validated.
std::string signing_key(std::string_view secret);
// The webhook-signature header value for the given secrets (current first).
std::string signature_header(const std::vector<std::string>& secrets, std::string_view id, std::int64_t timestamp,
                             std::string_view body);

}  // namespace postfuze::webhooks
