// The public form of a social account (contract §13) — what the API returns
// and what `account.*` webhook events carry. Never a token.
#pragma once

#include <boost/json/object.hpp>

#include "accounts/social_account.hpp"

namespace postfuze::accounts {

boost::json::object to_json(const SocialAccount& a);

}  // namespace postfuze::accounts
