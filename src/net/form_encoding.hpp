// application/x-www-form-urlencoded, both ways (WHATWG URL §5): used for
// OAuth token requests going out and for the hosted page's form coming in.
// Encoding escapes everything but RFC 3986 unreserved characters, so a '+'
// or '&' inside a client secret can never change meaning. Decoding reads '+'
// as a space. Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postfuze::net {

using FormFields = std::vector<std::pair<std::string, std::string>>;

std::string form_urlencode(const FormFields& fields);

// nullopt when a percent escape is malformed.
std::optional<FormFields> form_urldecode(std::string_view body);

// The first value of `name`, if any.
std::optional<std::string> form_value(const FormFields& fields, std::string_view name);

}  // namespace postfuze::net
