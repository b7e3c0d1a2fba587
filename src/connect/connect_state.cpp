// Payload grammar, version 1 (integers big-endian), sealed as one AEAD
// plaintext. Binary rather than JSON because the whole state must fit in 500
// characters (see the header): UUIDs, the nonce and the verifier go in as raw
// bytes, strings as length-prefixed bytes.
//   payload  = version flags expires nonce org network platform
//              [redirect] [tenant] [verifier]       ; present when its flag is set
//   version  = %x01                                 ; never reuse a number
//   flags    = u8: bit 0 redirect, bit 1 tenant, bit 2 verifier; others zero
//   expires  = i64 unix milliseconds
//   nonce    = 16 bytes
//   org      = 16 bytes (UUID)      network = 16 bytes (UUID)
//   platform = u8 length, bytes
//   redirect = u16 length, bytes    tenant  = u8 length, bytes
//   verifier = 32 bytes (the verifier is their base64url)
// Worst case: 1+1+8+16+16+16+(1+16)+(2+144)+(1+64)+32 = 318 bytes; +28 bytes
// of AEAD nonce and tag = 346 → 462 base64url characters; + "pf1." + a
// 32-character key id + "." = 499.
#include "connect/connect_state.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "connect/pkce.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::connect {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kHasRedirect = 1;
constexpr std::uint8_t kHasTenant = 2;
constexpr std::uint8_t kHasVerifier = 4;
constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kUuidBytes = 16;
// Longer text cannot be a state; refuse it before decoding anything.
constexpr std::size_t kMaxInputLength = 1024;

// --- encoding -------------------------------------------------------------

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Precondition: core::is_uuid(uuid) (lowercase canonical form).
void put_uuid(std::string& out, std::string_view uuid) {
  for (std::size_t i = 0; i < uuid.size();) {
    if (uuid[i] == '-') {
      ++i;
      continue;
    }
    out += static_cast<char>(hex_value(uuid[i]) << 4 | hex_value(uuid[i + 1]));
    i += 2;
  }
}

void put_uint(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

// --- decoding -------------------------------------------------------------

// Reads the payload front to back; any read past the end sets failed_.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  std::string_view take(std::size_t n) {
    if (failed_ || n > data_.size()) {
      failed_ = true;
      return {};
    }
    const std::string_view out = data_.substr(0, n);
    data_.remove_prefix(n);
    return out;
  }
  std::uint64_t uint(int bytes) {
    std::uint64_t v = 0;
    for (const char c : take(static_cast<std::size_t>(bytes))) v = v << 8 | static_cast<std::uint8_t>(c);
    return v;
  }
  std::string string(int length_bytes) { return std::string(take(uint(length_bytes))); }
  std::string uuid() {
    static constexpr char kHex[] = "0123456789abcdef";
    const std::string_view raw = take(kUuidBytes);
    if (failed_) return {};
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
      out += kHex[static_cast<std::uint8_t>(raw[i]) >> 4];
      out += kHex[static_cast<std::uint8_t>(raw[i]) & 15];
    }
    return out;
  }
  bool done() const { return !failed_ && data_.empty(); }
  bool failed() const { return failed_; }

 private:
  std::string_view data_;
  bool failed_ = false;
};

core::Error state_error(std::string_view code, std::string_view detail, std::string_view reason) {
  core::Error e = core::Error::bad_request(std::string(detail));
  e.internal = std::string(code) + ": " + std::string(reason);
  e.fields.push_back(core::FieldError{"state", std::string(detail), std::string(code)});
  return e;
}

core::Error invalid_state(std::string_view reason) {
  return state_error(kInvalidState, "The connect state is invalid.", reason);
}

bool platform_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool is_nonce(std::string_view nonce) {
  const auto raw = crypto::base64url_decode(nonce);
  return raw && raw->size() == kNonceBytes;
}

// The verifier forms the state stores compactly: what generate_verifier()
// makes. (base64url_decode accepts exactly one spelling per byte string, so
// decoding and re-encoding gives the same text back.)
bool is_generated_verifier(std::string_view verifier) {
  const auto raw = crypto::base64url_decode(verifier);
  return raw && raw->size() == kVerifierEntropyBytes;
}

}  // namespace

std::string new_state_nonce(core::Random& random) { return crypto::base64url_encode(random.bytes(kNonceBytes)); }

core::Status validate_state(const ConnectState& state) {
  std::vector<core::FieldError> fields;
  const auto fail = [&](std::string field, std::string message, std::string rule = "invalid") {
    fields.push_back(core::FieldError{std::move(field), std::move(message), std::move(rule)});
  };
  if (!core::is_uuid(state.org.value)) fail("org", "must be a lowercase UUID");
  if (state.platform.empty() || state.platform.size() > kMaxPlatformLength ||
      !std::all_of(state.platform.begin(), state.platform.end(), platform_char))
    fail("platform", "must be 1-" + std::to_string(kMaxPlatformLength) + " characters of [a-z0-9_]");
  if (!core::is_uuid(state.network_id)) fail("network_id", "must be a lowercase UUID");
  if (state.redirect_uri) {
    if (state.redirect_uri->empty()) fail("redirect_uri", "must not be empty");
    if (state.redirect_uri->size() > kMaxRedirectUriLength)
      fail("redirect_uri", "must be at most " + std::to_string(kMaxRedirectUriLength) + " characters", "too_long");
  }
  if (state.tenant_id) {
    if (state.tenant_id->empty()) fail("tenant_id", "must not be empty");
    if (state.tenant_id->size() > kMaxTenantIdLength)
      fail("tenant_id", "must be at most " + std::to_string(kMaxTenantIdLength) + " characters", "too_long");
  }
  if (state.code_verifier && !is_generated_verifier(*state.code_verifier))
    fail("code_verifier", "must be a verifier made by generate_verifier");
  if (!state.nonce.empty() && !is_nonce(state.nonce)) fail("nonce", "must be base64url of 16 bytes");
  if (fields.empty()) return core::Ok{};
  return core::Error::validation(std::move(fields));
}

std::string seal_state(const crypto::KeyRing& keys, core::Random& random, const ConnectState& state) {
  if (const auto status = validate_state(state); !status)
    throw std::invalid_argument("seal_state: invalid field '" + status.error().fields.at(0).field + "'");
  const std::string nonce = state.nonce.empty() ? new_state_nonce(random) : state.nonce;

  std::string payload;
  payload.reserve(320);
  std::uint8_t flags = 0;
  if (state.redirect_uri) flags |= kHasRedirect;
  if (state.tenant_id) flags |= kHasTenant;
  if (state.code_verifier) flags |= kHasVerifier;
  payload += static_cast<char>(kVersion);
  payload += static_cast<char>(flags);
  put_uint(payload, static_cast<std::uint64_t>(core::to_unix_ms(state.expires_at)), 8);
  payload += *crypto::base64url_decode(nonce);
  put_uuid(payload, state.org.value);
  put_uuid(payload, state.network_id);
  put_uint(payload, state.platform.size(), 1);
  payload += state.platform;
  if (state.redirect_uri) {
    put_uint(payload, state.redirect_uri->size(), 2);
    payload += *state.redirect_uri;
  }
  if (state.tenant_id) {
    put_uint(payload, state.tenant_id->size(), 1);
    payload += *state.tenant_id;
  }
  if (state.code_verifier) payload += *crypto::base64url_decode(*state.code_verifier);

  // "pf1." key-id "." base64url: key ids are [A-Za-z0-9_-], so every character
  // is RFC 3986 unreserved and needs no escaping in a query string.
  return keys.seal(random, kStateAad, payload).text();
}

core::Result<ConnectState> open_state(const crypto::KeyRing& keys, const core::Clock& clock, std::string_view text) {
  if (text.empty()) return invalid_state("state is empty");
  if (text.size() > kMaxInputLength) return invalid_state("state is too long");
  auto opened = keys.open(core::Sealed::from_storage(std::string(text)), kStateAad);
  if (!opened) return invalid_state(opened.error().internal);

  Reader in(opened->reveal());
  if (in.uint(1) != kVersion) return invalid_state("unknown payload version");
  const auto flags = static_cast<std::uint8_t>(in.uint(1));
  if ((flags & ~(kHasRedirect | kHasTenant | kHasVerifier)) != 0) return invalid_state("unknown payload flags");
  ConnectState state;
  state.expires_at = core::from_unix_ms(static_cast<std::int64_t>(in.uint(8)));
  state.nonce = crypto::base64url_encode(in.take(kNonceBytes));
  state.org.value = in.uuid();
  state.network_id = in.uuid();
  state.platform = in.string(1);
  if (flags & kHasRedirect) state.redirect_uri = in.string(2);
  if (flags & kHasTenant) state.tenant_id = in.string(1);
  if (flags & kHasVerifier) state.code_verifier = crypto::base64url_encode(in.take(kVerifierEntropyBytes));
  if (!in.done()) return invalid_state(in.failed() ? "payload is truncated" : "payload has trailing bytes");
  // Authentic payloads were validated when sealed; checking again keeps
  // open_state's output within the documented field rules regardless.
  if (const auto status = validate_state(state); !status)
    return invalid_state("payload field '" + status.error().fields.at(0).field + "' breaks the rules");

  // Expiry is judged only after authentication: an expiry an attacker could
  // have written means nothing.
  if (clock.now() >= state.expires_at)
    return state_error(kStateExpired, "The connect state has expired; start the connection again.",
                       "expired at " + std::to_string(core::to_unix_ms(state.expires_at)) + " ms");
  return state;
}

std::string_view state_error_code(const core::Error& error) {
  if (error.code != core::ErrorCode::bad_request || error.fields.size() != 1 || error.fields[0].field != "state")
    return {};
  const std::string& code = error.fields[0].code;
  if (code == kInvalidState) return kInvalidState;
  if (code == kStateExpired) return kStateExpired;
  return {};
}

}  // namespace postfuze::connect
