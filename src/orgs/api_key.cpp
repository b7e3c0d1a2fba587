#include "orgs/api_key.hpp"

#include <algorithm>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::orgs {

namespace {
constexpr std::string_view kLivePrefix = "sk_live_";
constexpr std::string_view kTestPrefix = "sk_test_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kSecretChars = 43;  // base64url of 32 bytes, unpadded
constexpr std::size_t kDisplayChars = 12;
}  // namespace

std::string_view to_string(KeyMode mode) { return mode == KeyMode::live ? "live" : "test"; }

std::optional<KeyMode> parse_key_mode(std::string_view s) {
  if (s == "live") return KeyMode::live;
  if (s == "test") return KeyMode::test;
  return std::nullopt;
}

const std::vector<std::string_view>& known_scopes() {
  static const std::vector<std::string_view> scopes = {
      kAllScopes,       "posts:write",    "media:write",   "accounts:write",
      "webhooks:write", "team:write",     "profiles:write", "scheduling:write",
  };
  return scopes;
}

core::Result<std::vector<std::string>> parse_scopes(const std::vector<std::string>& scopes) {
  std::vector<std::string> out;
  std::vector<core::FieldError> errors;
  const auto& known = known_scopes();
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    if (std::find(known.begin(), known.end(), scopes[i]) == known.end()) {
      errors.push_back({"scopes." + std::to_string(i), "Unknown scope.", "invalid"});
      continue;
    }
    if (std::find(out.begin(), out.end(), scopes[i]) == out.end()) out.push_back(scopes[i]);
  }
  if (!errors.empty()) return core::Error::validation(std::move(errors));
  return out;
}

bool ApiKey::allows(std::string_view scope) const {
  return std::any_of(scopes.begin(), scopes.end(), [&](const std::string& s) { return s == kAllScopes || s == scope; });
}

GeneratedKey generate_api_key(KeyMode mode, core::Random& random) {
  std::string text(mode == KeyMode::live ? kLivePrefix : kTestPrefix);
  text += crypto::base64url_encode(random.bytes(kSecretBytes));
  GeneratedKey key{core::Secret(text), hash_api_key(text), text.substr(0, kDisplayChars)};
  std::fill(text.begin(), text.end(), '\0');
  return key;
}

std::string hash_api_key(std::string_view plaintext) { return crypto::hex_encode(crypto::sha256(plaintext)); }

bool looks_like_api_key(std::string_view text) {
  if (!text.starts_with(kLivePrefix) && !text.starts_with(kTestPrefix)) return false;
  const auto secret = text.substr(kLivePrefix.size());
  if (secret.size() != kSecretChars) return false;
  return std::all_of(secret.begin(), secret.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace postfuze::orgs
