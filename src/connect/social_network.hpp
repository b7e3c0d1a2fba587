// Social networks (contract §10; docs/decisions.md D19): the developer's own
// OAuth application for one platform ("bring your own keys") — client id,
// write-only client secret, default redirect URI, scopes and free-form
// platform settings. One record per (org, platform). The secret crosses the
// store boundary only sealed, under client_secret_aad().
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "core/sealed.hpp"

namespace postfuze::connect {

// One platform a social network may be configured for. `oauth` is false for
// platforms whose accounts authenticate otherwise (Bluesky: app passwords),
// where the record's client id and secret are optional placeholders.
struct PlatformInfo {
  std::string_view name;
  bool oauth;
};

// Exactly the eleven platform values of contract §10, in sorted order.
inline constexpr std::array<PlatformInfo, 11> kPlatforms = {{
    {"bluesky", false},
    {"facebook", true},
    {"google_business", true},
    {"instagram", true},
    {"linkedin", true},
    {"pinterest", true},
    {"reddit", true},
    {"threads", true},
    {"tiktok", true},
    {"x", true},
    {"youtube", true},
}};

const PlatformInfo* find_platform(std::string_view name);
bool is_platform(std::string_view name);
// True when a record for this platform must carry a client id and secret.
bool requires_client_credentials(std::string_view platform);

// Field limits (bytes).
inline constexpr std::size_t kMaxDisplayName = 100;
inline constexpr std::size_t kMaxClientId = 512;
inline constexpr std::size_t kMaxClientSecret = 1024;
inline constexpr std::size_t kMaxRedirectUri = 2048;
inline constexpr std::size_t kMaxScopes = 50;
inline constexpr std::size_t kMaxScopeBytes = 200;
inline constexpr std::size_t kMaxExtraConfigBytes = 8192;  // serialized JSON

struct SocialNetwork {
  std::string id;
  core::OrgId org;
  std::string platform;
  std::optional<std::string> display_name;
  std::optional<std::string> client_id;
  std::optional<core::Sealed> client_secret;  // sealed under client_secret_aad(org, id)
  std::optional<std::string> redirect_uri;
  std::vector<std::string> scopes;
  boost::json::object extra_config;
  bool is_enabled = true;
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

// The associated data a record's client secret is sealed under.
std::string client_secret_aad(const core::OrgId& org, std::string_view network_id);

// An absolute http(s) URL of at most kMaxRedirectUri bytes, parsed by
// Boost.URL, with a host and without userinfo or fragment. Errors are
// validation errors on `field` (codes too_long, invalid).
core::Status validate_redirect_uri(std::string_view uri, std::string_view field);

// One scope: 1..kMaxScopeBytes bytes of printable ASCII without whitespace.
bool valid_scope(std::string_view scope);

}  // namespace postfuze::connect
