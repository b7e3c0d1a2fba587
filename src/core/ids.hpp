// Identifiers: every stored resource is a random (version 4) UUID in its
// canonical lowercase text form (docs/decisions.md D1). Strong id types keep
// an organisation id from being passed where another id is expected.
#pragma once

#include <string>
#include <string_view>

#include "core/random.hpp"

namespace postfuze::core {

std::string new_uuid(Random& random);
bool is_uuid(std::string_view s);

// The organisation that owns a row. Every store call takes one first.
struct OrgId {
  std::string value;
  friend bool operator==(const OrgId&, const OrgId&) = default;
};

}  // namespace postfuze::core
