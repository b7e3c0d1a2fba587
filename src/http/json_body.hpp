// Reading a JSON request body: the content type must be application/json
// (415 otherwise), the text must parse within a nesting limit (400
// invalid_json otherwise, with the parser's position but never the body), and
// the top level must be an object (422).
#pragma once

#include <boost/json/object.hpp>

#include "core/result.hpp"
#include "http/request.hpp"

namespace postfuze::http {

core::Result<boost::json::object> parse_json_object(const Request& req);

}  // namespace postfuze::http
