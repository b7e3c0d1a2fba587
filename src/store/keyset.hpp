// A position in a keyset-paginated list ordered by (created_at DESC, id DESC):
// the last row of the previous page. Every list store call takes one.
#pragma once

#include <cstdint>
#include <string>

namespace postfuze::store {

struct KeysetPosition {
  std::int64_t created_at_ms;
  std::string id;
};

}  // namespace postfuze::store
