#include "connect/shared_apps.hpp"

#include <boost/json/parse.hpp>

#include "connect/social_network.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::connect {

namespace json = boost::json;

core::Result<SharedApps> SharedApps::parse(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value root = json::parse(json_text, ec);
  if (ec) return core::Error::validation("shared_apps", "is not valid JSON: " + ec.message());
  if (!root.is_object()) return core::Error::validation("shared_apps", "must be an object keyed by platform");
  SharedApps out;
  for (const auto& [key, entry] : root.get_object()) {
    const std::string platform(key.data(), key.size());
    const PlatformInfo* info = find_platform(platform);
    if (info == nullptr || !info->oauth)
      return core::Error::validation(platform, "is not a platform with an OAuth connect flow");
    if (!entry.is_object()) return core::Error::validation(platform, "must be an object");
    SharedApp app;
    for (const auto& [k, v] : entry.get_object()) {
      const std::string field = platform + "." + std::string(k.data(), k.size());
      if (k == "client_id" || k == "client_secret") {
        if (!v.is_string() || v.get_string().empty() || v.get_string().size() > kMaxClientSecret)
          return core::Error::validation(field, "must be a non-empty string");
        std::string s(v.get_string());
        if (k == "client_id") app.client_id = std::move(s);
        else app.client_secret = core::Secret(std::move(s));
      } else if (k == "scopes") {
        if (!v.is_array()) return core::Error::validation(field, "must be an array of scope names");
        for (const auto& scope : v.get_array()) {
          if (!scope.is_string() || !valid_scope(scope.get_string()))
            return core::Error::validation(field, "must hold scope names without whitespace");
          app.scopes.emplace_back(scope.get_string());
        }
      } else {
        return core::Error::validation(field, "unknown key (allowed: client_id, client_secret, scopes)");
      }
    }
    if (app.client_id.empty()) return core::Error::validation(platform + ".client_id", "is required");
    if (app.client_secret.empty()) return core::Error::validation(platform + ".client_secret", "is required");
    out.apps_.emplace(platform, std::move(app));
  }
  return out;
}

const SharedApp* SharedApps::find(std::string_view platform) const {
  auto it = apps_.find(platform);
  return it == apps_.end() ? nullptr : &it->second;
}

std::string shared_network_id(std::string_view platform) {
  std::string h = crypto::hex_encode(crypto::sha256("postfuze.shared_app." + std::string(platform))).substr(0, 32);
  h[12] = '4';                                              // version 4 shape
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace postfuze::connect
