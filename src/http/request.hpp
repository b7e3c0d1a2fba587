// Request: one parsed HTTP request as handlers see it — the Beast message,
// its target split by Boost.URL, the router's path parameters, and the
// request id. Handlers never see the socket. Owned by one session coroutine.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

namespace postfuze::http {

namespace bhttp = boost::beast::http;

struct Request {
  bhttp::request<bhttp::string_body> message;
  boost::urls::url target;  // origin-form target: path + query
  std::string request_id;
  std::string remote_address;
  std::vector<std::pair<std::string, std::string>> path_params;  // decoded values

  bhttp::verb method() const { return message.method(); }
  std::string_view header(bhttp::field f) const { return message[f]; }
  std::string_view header(std::string_view name) const { return message[name]; }
  // The value of a path parameter named in the route template; empty if absent.
  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : path_params)
      if (k == name) return v;
    return {};
  }
};

}  // namespace postfuze::http
