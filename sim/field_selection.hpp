// Field selection: the "fields=" expressions Graph (Facebook, Instagram,
// Threads) and the "user.fields=" / "fields=" lists X and TikTok use, so the
// simulator answers only what PostFuze asks for — a field missing from the
// catalogue's path is missing from the response, as on the real platform.
//
// Grammar (Graph field expansion; modifiers such as ".type(large)" or
// ".limit(5)" are accepted and ignored):
//   fields = field *("," field)
//   field  = name *("." name "(" *(not ")") ")") ["{" fields "}"]
// Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postfuze::sim {

struct Field {
  std::string name;
  std::vector<Field> children;  // empty: no "{...}"
};

// nullopt when `spec` does not follow the grammar (or is empty).
std::optional<std::vector<Field>> parse_fields(std::string_view spec);

// The members of `node` that `fields` names, in request order.
//  - A member whose value is null is a field the node knows but does not have
//    here: it is left out (Graph omits absent fields).
//  - A name the node does not know stops the selection: it is returned in
//    `unknown` (the platform answers an error naming it).
//  - A nested object with an "id" is a node: without "{...}" only its id comes
//    back (Graph's default for edges such as instagram_business_account);
//    other objects (picture) come back whole.
//  - with_id: Graph always adds the node's id.
boost::json::object select_fields(const boost::json::object& node, const std::vector<Field>& fields,
                                  std::string& unknown, bool with_id);

}  // namespace postfuze::sim
