// Routes: the simulator's whole HTTP surface and its top-level handler.
//
//   /_sim/...                  the control API (control.hpp)
//   /P/oauth/authorize         GET, the authorize page          (authorize.cpp)
//   /P/oauth/consent           POST, the consent page's form
//   /P/oauth/token             POST form (GET too on Graph)     (token_endpoint.cpp)
//   /P/api/...                 identity and sub-account calls   (api_routes.cpp), plus
//                              Graph's /api/oauth/access_token and Threads'
//                              /api/access_token and /api/refresh_access_token
//   /bluesky/xrpc/..., /plc/…  the Bluesky PDS and PLC directory  (bluesky.hpp)
//
// Every request under /P/ is recorded for GET /_sim/requests; a path or
// method the platform does not know gets a 404/405 in its error envelope, so
// a wrong catalogue path fails loudly. Built once; handlers may run
// concurrently. Not movable: the handler refers to the routers.
#pragma once

#include "http/router.hpp"
#include "sim/sim.hpp"

namespace postfuze::sim {

class Routes {
 public:
  explicit Routes(Sim& sim);
  Routes(const Routes&) = delete;
  Routes& operator=(const Routes&) = delete;

  http::Handler handler();

 private:
  void add(const Platform& platform, http::bhttp::verb method, std::string_view path, PlatformHandler handler);
  boost::asio::awaitable<http::Response> dispatch(const Platform& platform, http::Request& req);

  Sim& sim_;
  http::Router control_;
  http::Router platforms_;
  http::Handler control_dispatch_;
  http::Handler bluesky_;
};

}  // namespace postfuze::sim
