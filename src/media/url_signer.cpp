#include "media/url_signer.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::media {

namespace {

// One field per line after a version tag. No field can hold a newline:
// methods and numbers cannot, keys are checked (valid_object_key) and
// header values cannot carry CR or LF.
std::string canonical(const UrlGrant& g) {
  return "postfuze-media-url-v1\n" + g.method + "\n" + g.key + "\n" + std::to_string(g.expires) + "\n" +
         g.content_type + "\n" + std::to_string(g.max_bytes);
}

}  // namespace

std::string UrlSigner::sign(const UrlGrant& grant) const {
  return crypto::base64url_encode(crypto::hmac_sha256(secret_, canonical(grant)));
}

bool UrlSigner::verify(const UrlGrant& grant, std::string_view signature) const {
  return crypto::constant_time_equal(sign(grant), signature);
}

}  // namespace postfuze::media
