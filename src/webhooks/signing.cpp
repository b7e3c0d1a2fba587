#include "webhooks/signing.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::webhooks {

std::string generate_signing_secret(core::Random& random) {
  return std::string(kSecretPrefix) + crypto::base64_encode(random.bytes(32));
}

core::Status validate_signing_secret(std::string_view secret, std::string_view field) {
  if (secret.starts_with(kSecretPrefix)) {
    const auto key = crypto::base64_decode(secret.substr(kSecretPrefix.size()));
    if (!key || key->size() < 24 || key->size() > 64)
      return core::Error::validation(std::string(field), "A whsec_ secret must hold base64 of 24 to 64 bytes.");
    return core::Ok{};
  }
  if (secret.size() < 32 || secret.size() > 256)
    return core::Error::validation(std::string(field), "A signing secret must be 32 to 256 characters.");
  for (char c : secret)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return core::Error::validation(std::string(field), "A signing secret must be printable.");
  return core::Ok{};
}

std::string signing_key(std::string_view secret) {
  if (secret.starts_with(kSecretPrefix))
    if (auto key = crypto::base64_decode(secret.substr(kSecretPrefix.size()))) return *key;
  return std::string(secret);
}

std::string signature_header(const std::vector<std::string>& secrets, std::string_view id, std::int64_t timestamp,
                             std::string_view body) {
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  std::string header;
  for (const auto& s : secrets) {
    if (!header.empty()) header.push_back(' ');
    header += "v1," + crypto::base64_encode(crypto::hmac_sha256(signing_key(s), content));
  }
  return header;
}

}  // namespace postfuze::webhooks
