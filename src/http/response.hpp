// Response: every handler returns a string-bodied Beast response. The helpers
// here are the one place JSON and problem documents are rendered.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"

namespace postfuze::http {

namespace bhttp = boost::beast::http;
using Response = bhttp::response<bhttp::string_body>;

Response json_response(bhttp::status status, const boost::json::value& body);
Response empty_response(bhttp::status status);

// RFC 9457 problem document: type, title, status, detail, code, errors[].
// Only Error::detail and field messages are rendered; Error::internal never is.
Response problem_response(const core::Error& error);

}  // namespace postfuze::http
