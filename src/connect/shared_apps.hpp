// SharedApps: the operator's own OAuth apps per platform ("managed connect",
// contract §11.7), used by an organisation that has no enabled social network
// record for the platform. Read once at start-up from the JSON file named by
// POSTFUZE_SHARED_APPS:
//
//   {"x": {"client_id": "…", "client_secret": "…", "scopes": ["…"]}, …}
//
// `scopes` is optional (the catalogue's defaults otherwise). Secrets stay in
// memory as core::Secret and are never logged. Accounts connected through a
// shared app name shared_network_id(platform) as their social_network_id: a
// fixed UUID per platform that no organisation's record can have.
// Immutable after loading: thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/secret.hpp"

namespace postfuze::connect {

struct SharedApp {
  std::string client_id;
  core::Secret client_secret;
  std::vector<std::string> scopes;  // empty: the catalogue's defaults
};

class SharedApps {
 public:
  SharedApps() = default;

  // Parses the file's text. Errors are validation errors naming
  // "<platform>.<key>"; an unknown or non-OAuth platform is refused.
  static core::Result<SharedApps> parse(std::string_view json_text);

  const SharedApp* find(std::string_view platform) const;
  std::size_t size() const { return apps_.size(); }

 private:
  std::map<std::string, SharedApp, std::less<>> apps_;
};

// The fixed social_network_id of `platform`'s shared app: a version-4-shaped
// UUID derived from SHA-256("postfuze.shared_app." + platform).
std::string shared_network_id(std::string_view platform);

}  // namespace postfuze::connect
