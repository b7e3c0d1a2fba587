// Keyset pagination in the store: lists ordered by (created_at DESC, id DESC),
// resumed after the last row of the previous page. Every list store call uses
// keyset_query() and to_page(), so the order and the "is there more" probe are
// written once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace postfuze::store {

struct KeysetPosition {
  std::int64_t created_at_ms;
  std::string id;
};

template <typename T>
struct Page {
  std::vector<T> items;
  bool has_more = false;
};

// Runs `select_where` — a SELECT whose WHERE clause uses $1…$n for `params` —
// with the keyset condition, order and a limit of `limit + 1` appended.
core::Result<std::vector<Row>> keyset_query(Connection& c, const std::string& select_where, Params params,
                                            const std::optional<KeysetPosition>& after, int limit);

// Turns keyset_query() rows into a page: at most `limit` items; has_more when
// the probe row came back.
template <typename T, typename FromRow>
Page<T> to_page(const std::vector<Row>& rows, int limit, FromRow from_row) {
  Page<T> page;
  for (const auto& r : rows) page.items.push_back(from_row(r));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.has_more = true;
  }
  return page;
}

}  // namespace postfuze::store
