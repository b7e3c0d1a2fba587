// Placeholders: finds the `$N` parameters of a statement, skipping quoted
// strings, quoted identifiers, dollar-quoted bodies and comments, so both
// backends can check the parameter count and SQLite can get `?N` (SQLite reads
// `$1` as a *named* parameter numbered by first appearance, which would bind
// `$2, $1` in the wrong order).
#pragma once

#include <string>
#include <string_view>

namespace postfuze::store {

struct PlaceholderScan {
  std::string sql;    // the rewritten text (or the input, when not rewriting)
  int max_index = 0;  // highest N seen; 0 when the statement has no parameters
};

PlaceholderScan scan_placeholders(std::string_view sql, bool rewrite_to_question_marks);

}  // namespace postfuze::store
