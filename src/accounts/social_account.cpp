#include "accounts/social_account.hpp"

#include <algorithm>
#include <array>

namespace postfuze::accounts {

namespace {

constexpr std::array<std::string_view, 5> kStatuses = {kActive, kTokenExpired, kReauthRequired, kDisabled,
                                                       kDisconnected};

}  // namespace

bool is_account_status(std::string_view status) {
  return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

std::string token_aad(const core::OrgId& org, std::string_view account_id, std::string_view role) {
  return "social_account." + std::string(role) + "|" + org.value + "|" + std::string(account_id);
}

}  // namespace postfuze::accounts
