#include "connect/pending_session.hpp"

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::connect {

namespace {

constexpr std::size_t kTokenBytes = 32;

}  // namespace

std::string secrets_aad(const core::OrgId& org, std::string_view session_id) {
  return "pending_session.secrets|" + org.value + "|" + std::string(session_id);
}

std::string new_session_token(core::Random& random) {
  return "ps_" + crypto::base64url_encode(random.bytes(kTokenBytes));
}

std::string hash_session_token(std::string_view token) { return crypto::hex_encode(crypto::sha256(token)); }

}  // namespace postfuze::connect
