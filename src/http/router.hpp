// Router: maps (method, path) to a handler through path templates such as
// "/api/v1/api-keys/{id}". Segments match literally or bind a named parameter
// (percent-decoded). A path that matches some template under other methods
// yields MethodNotAllowed with the allowed list (for the 405 `Allow` header).
// Build it once at start-up; afterwards it is read-only and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "http/request.hpp"
#include "http/response.hpp"

namespace postfuze::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct Route {
  bhttp::verb method;
  std::string path_template;
  Handler handler;
};

class Router {
 public:
  struct Found {
    const Route* route;
    std::vector<std::pair<std::string, std::string>> params;
  };
  struct NotFound {};
  struct MethodNotAllowed {
    std::vector<bhttp::verb> allowed;
  };
  using Match = std::variant<Found, NotFound, MethodNotAllowed>;

  // Precondition: no two routes share method and template.
  void add(bhttp::verb method, std::string path_template, Handler handler);
  Match match(bhttp::verb method, const boost::urls::url_view& target) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // literal text, or "{name}"
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// The top-level handler for a Server: matches the router, fills the request's
// path parameters, and answers 404 (unknown path) or 405 with `Allow`.
// The router must outlive the handler.
Handler make_dispatcher(const Router& router);

}  // namespace postfuze::http
