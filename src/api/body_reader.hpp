// BodyReader: reads typed fields out of a JSON request object while
// collecting every problem as a FieldError, so one 422 names all bad fields
// at once and nothing is written when any is bad.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace postfuze::api {

class BodyReader {
 public:
  explicit BodyReader(const boost::json::object& body) : body_(body) {}

  // Flags every member not in `known` (code unknown_field).
  void allow_only(std::initializer_list<std::string_view> known);
  bool has(std::string_view name) const;  // present and not null

  // Absent or null → nullopt (and, when required, a `required` error).
  std::optional<std::string> string(std::string_view name, std::size_t max_bytes, bool required = false);
  std::optional<bool> boolean(std::string_view name);
  std::optional<std::vector<std::string>> strings(std::string_view name, std::size_t max_items, bool required = false);
  std::optional<core::TimePoint> timestamp(std::string_view name, bool required = false);

  void fail(std::string field, std::string message, std::string code = "invalid");
  bool ok() const { return errors_.empty(); }
  core::Error error() const { return core::Error::validation(errors_); }

 private:
  const boost::json::value* get(std::string_view name, bool required);
  const boost::json::object& body_;
  std::vector<core::FieldError> errors_;
};

}  // namespace postfuze::api
