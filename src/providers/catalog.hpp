// Catalog: the provider catalogue — one ProviderSpec per supported platform,
// loaded from JSON (src/providers/providers.json is the source of truth and is embedded
// into the binary at build time by cmake/embed_providers.cmake).
//
// Catalogue format: {"providers": [{"platform": "x", "auth": ..., ...}, ...]}
// (an array so a duplicated platform is detectable). Loading is strict: every
// platform of known_platforms() exactly once, no others; URLs absolute https,
// parsed with Boost.URL; enums from their fixed sets; unknown keys refused
// except those starting with '_' (notes such as "_sources"). "{api_version}"
// inside URLs and paths is replaced by the entry's api_version at load.
//
// Overrides (POSTFUZE_PROVIDER_OVERRIDES names such a file; reading it is the
// caller's job): {"x": {"authorize_url": "...", "token_url": "...",
// "api_base_url": "..."}, ...} replaces exactly those URLs. Overrides may use
// http as well as https so tests can point a platform at a loopback simulator.
// An api_base_url override moves every API call of the platform: paths the
// catalogue gives as absolute URLs on other hosts are re-rooted onto the new
// base, keeping their path and query.
//
// A Catalog is immutable once built (apply_overrides runs before sharing it):
// concurrent reads are safe. builtin_catalog() is initialised once, thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "providers/provider_spec.hpp"

namespace postfuze::providers {

// Every platform id the catalogue must describe, in catalogue order.
std::span<const std::string_view> known_platforms();

class Catalog {
 public:
  Catalog() = default;

  // The spec for `platform`, or nullptr when the platform is unknown.
  const ProviderSpec* find(std::string_view platform) const;
  const std::vector<ProviderSpec>& providers() const { return providers_; }

 private:
  friend core::Result<Catalog> load_catalog(std::string_view json_text);
  friend core::Status apply_overrides(Catalog& catalog, std::string_view overrides_json);

  ProviderSpec* find_mutable(std::string_view platform);

  std::vector<ProviderSpec> providers_;
};

// Parses and validates a catalogue. Errors are validation errors whose field
// names the platform and key (e.g. "x.pkce", "providers.3.platform").
core::Result<Catalog> load_catalog(std::string_view json_text);

// Replaces authorize_url / token_url / api_base_url per platform. An unknown
// platform or key, a URL key on a platform without OAuth, or a URL that is not
// absolute http(s) is an error naming it; on error `catalog` is unchanged.
core::Status apply_overrides(Catalog& catalog, std::string_view overrides_json);

// The catalogue compiled into the binary, parsed and validated on first use.
// An invalid embedded catalogue is a build defect: it prints the reason to
// stderr and aborts.
const Catalog& builtin_catalog();

// The embedded src/providers/providers.json text (generated source).
std::string_view embedded_catalog_json();

}  // namespace postfuze::providers
