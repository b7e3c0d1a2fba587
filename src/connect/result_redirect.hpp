// Where the callback sends the browser when the state holds an allow-listed
// redirect_uri: that URL with the outcome's parameters set (contract §11.3).
// The URL's own query parameters are kept; any `status`, `account_id`,
// `session` or `error` already on it are removed first, so the outcome is
// never ambiguous. Built with Boost.URL.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postfuze::connect {

std::string result_redirect(std::string_view redirect_uri,
                            const std::vector<std::pair<std::string, std::string>>& outcome);

}  // namespace postfuze::connect
