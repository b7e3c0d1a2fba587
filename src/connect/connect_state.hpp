// ConnectState: what the OAuth `state` parameter carries through the
// platform's authorize page and back to GET /connect/callback (contract §11.1,
// §11.3): the org, platform and network (BYOK or shared record) the flow was
// started for, the allow-listed redirect_uri, the developer's tenant_id, the
// PKCE code verifier, a nonce and an expiry. The text is sealed with the
// KeyRing (AES-256-GCM) under the associated data "connect.state", so it is
// secret and tamper-evident, and a ciphertext sealed for another purpose (a
// cursor, a token column) never opens as a state. Integrators must never
// build or alter it.
//
// Single use is the caller's job: after open_state succeeds, the callback
// records `nonce` (e.g. until `expires_at`) and refuses a nonce it has seen.
//
// Size: `state` rides in the authorize URL and back through the platform, so
// a sealed state is kept under 500 characters (kMaxStateLength). That holds
// for the field maxima below, which the auth-url endpoint must enforce on
// input (validate_state gives per-field errors): tenant_id ≤ 64 bytes and
// redirect_uri ≤ 144 bytes. 255 and 300 do not fit: with the other fields
// (110 bytes of compact binary payload), the AEAD's 28 bytes of nonce and tag,
// base64url's 4/3 and the key id they would need about 960 characters.
//
// Free functions without state: thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "crypto/key_ring.hpp"

namespace postfuze::connect {

// How long the customer has to get from the auth-url call to the callback.
inline constexpr std::chrono::minutes kStateLifetime{10};

// Every sealed state is at most this long (i.e. under 500 characters),
// whatever the key id (KeyRing allows up to 32 characters) and field values
// within the maxima below.
inline constexpr std::size_t kMaxStateLength = 499;
inline constexpr std::size_t kMaxPlatformLength = 16;      // longest id today: "google_business"
inline constexpr std::size_t kMaxTenantIdLength = 64;      // bytes
inline constexpr std::size_t kMaxRedirectUriLength = 144;  // bytes

// The associated data every state is sealed under (purpose binding).
inline constexpr std::string_view kStateAad = "connect.state";

// Stable codes for open_state failures (contract §11.3 suggests
// `status=error&error=invalid_state`). See state_error_code().
inline constexpr std::string_view kInvalidState = "invalid_state";
inline constexpr std::string_view kStateExpired = "state_expired";

struct ConnectState {
  core::OrgId org;          // a UUID
  std::string platform;     // a platform id, [a-z0-9_], 1–16 chars
  std::string network_id;   // the social network record's UUID
  std::optional<std::string> redirect_uri;   // already allow-listed; 1–144 bytes
  std::optional<std::string> tenant_id;      // 1–64 bytes
  std::optional<std::string> code_verifier;  // PKCE platforms: generate_verifier()'s 43-char form
  std::string nonce;        // base64url of 16 random bytes; seal_state fills it when empty
  core::TimePoint expires_at;  // usually clock.now() + kStateLifetime

  friend bool operator==(const ConnectState&, const ConnectState&) = default;
};

// A fresh nonce: base64url of 16 random bytes (22 characters).
std::string new_state_nonce(core::Random& random);

// Checks every field against the rules above. Errors: validation_failed with
// one FieldError per bad field (field names as in the struct; "org" for the
// org), client-safe messages. An empty nonce passes (seal_state fills it).
core::Status validate_state(const ConnectState& state);

// The sealed text, "pf1.<key id>.<base64url>": only RFC 3986 unreserved
// characters, so it goes into a query string unescaped, and at most
// kMaxStateLength long. Two seals of one state differ (fresh AEAD nonce; and a
// fresh state nonce when `state.nonce` is empty).
// Precondition: validate_state(state) succeeds; otherwise throws
// std::invalid_argument (a caller bug — inputs are validated at the API edge).
std::string seal_state(const crypto::KeyRing& keys, core::Random& random, const ConnectState& state);

// Opens and authenticates a sealed state. Errors are bad_request (400) with a
// FieldError {field "state", code kInvalidState or kStateExpired} — the code a
// callback reports — and the reason in Error::internal (prefixed by the same
// code) for logs:
//   kInvalidState — malformed, altered, sealed under another key ring, key id
//                   or purpose, or an unknown payload version;
//   kStateExpired — authentic but clock.now() >= expires_at.
core::Result<ConnectState> open_state(const crypto::KeyRing& keys, const core::Clock& clock, std::string_view text);

// kInvalidState or kStateExpired for an error from open_state; empty for any
// other error.
std::string_view state_error_code(const core::Error& error);

}  // namespace postfuze::connect
