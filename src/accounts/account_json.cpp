#include "accounts/account_json.hpp"

#include "core/json_values.hpp"

namespace postfuze::accounts {

boost::json::object to_json(const SocialAccount& a) {
  boost::json::array scopes;
  for (const auto& s : a.scopes) scopes.emplace_back(s);
  return {{"id", a.id},
          {"platform", a.platform},
          {"tenant_id", core::string_or_null(a.tenant_id)},
          {"social_network_id", a.social_network_id},
          {"network_unique_id", a.network_unique_id},
          {"username", core::string_or_null(a.username)},
          {"display_name", core::string_or_null(a.display_name)},
          {"profile_image_url", core::string_or_null(a.profile_image_url)},
          {"account_type", a.account_type},
          {"status", a.status},
          {"scopes", std::move(scopes)},
          {"token_expires_at", core::timestamp_or_null(a.token_expires_at)},
          {"last_synced_at", core::timestamp_or_null(a.last_synced_at)},
          {"created_at", core::format_timestamp(a.created_at)},
          {"updated_at", core::format_timestamp(a.updated_at)}};
}

}  // namespace postfuze::accounts
