// Reading one query parameter of a request (decoded), for handlers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/url/url_view.hpp>

#include "http/request.hpp"

namespace postfuze::api {

// The first value of `name`; nullopt when absent (a bare `?name` is "").
inline std::optional<std::string> query_param(const http::Request& req, std::string_view name) {
  auto params = boost::urls::url_view(req.target).params();
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

}  // namespace postfuze::api
