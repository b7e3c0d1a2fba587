// The control API under /_sim/ — how tests set the simulator up and read what
// happened. JSON in and out; errors are problem documents (http::problem_response).
//
//   POST /_sim/apps      {"platform","client_id","client_secret","redirect_uri"}
//                        → 201 {"platform","client_id","client_secret","redirect_uris":[...]}
//                        (registering the same client again adds a redirect URI; another secret is 409)
//   POST /_sim/scenario  {"platform", ...knobs} → 200 the effective scenario (scenario.hpp)
//   GET  /_sim/scenario?platform=P → 200 the effective scenario
//   POST /_sim/reset     → 200 {"reset":true} (apps, scenarios, codes, tokens, counters, log, clock)
//   GET  /_sim/stats     → 200 {"x":{"authorize":0,…,"rejected":0},…} for all ten platforms
//   GET  /_sim/requests?platform=P → 200 [{"method","target","headers":{…},"body","status"}] (last 50)
//   GET  /_sim/overrides[?base=URL] → 200 {"x":{"authorize_url","token_url","api_base_url"},…}
//   POST /_sim/clock     {"advance_seconds":N} → 200 {"offset_seconds":total}
#pragma once

#include "http/router.hpp"
#include "sim/sim.hpp"

namespace postfuze::sim {

void add_control_routes(http::Router& router, Sim& sim);

}  // namespace postfuze::sim
