#include <charconv>
#include <stdexcept>

#include "store/database.hpp"

namespace postfuze::store {

// Precondition violations are programming errors in a store, not data
// problems a caller could handle, so they throw rather than return.
const std::string& Row::text(std::size_t i) const {
  const auto& col = cols_.at(i);
  if (!col) throw std::logic_error("store::Row::text: column " + std::to_string(i) + " is NULL");
  return *col;
}

std::int64_t Row::integer(std::size_t i) const {
  const std::string& s = text(i);
  // PostgreSQL renders booleans as t/f; read them as 1/0 so boolean() is portable.
  if (s == "t") return 1;
  if (s == "f") return 0;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    throw std::logic_error("store::Row::integer: column " + std::to_string(i) + " is not an integer");
  }
  return v;
}

std::optional<std::int64_t> Row::optional_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

}  // namespace postfuze::store
