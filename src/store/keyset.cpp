#include "store/keyset.hpp"

namespace postfuze::store {

core::Result<std::vector<Row>> keyset_query(Connection& c, const std::string& select_where, Params params,
                                            const std::optional<KeysetPosition>& after, int limit) {
  std::string sql = select_where;
  if (after) {
    const auto t = "$" + std::to_string(params.size() + 1);
    const auto id = "$" + std::to_string(params.size() + 2);
    sql += " AND (created_at < " + t + " OR (created_at = " + t + " AND id < " + id + "))";
    params.emplace_back(after->created_at_ms);
    params.emplace_back(after->id);
  }
  // One row beyond the page tells whether another page exists.
  sql += " ORDER BY created_at DESC, id DESC LIMIT $" + std::to_string(params.size() + 1);
  params.emplace_back(limit + 1);
  return c.query(sql, params);
}

}  // namespace postfuze::store
