// Sim: the simulator's shared context (clock, randomness, state, the base URL
// it answers on), and Call: one request to one platform's endpoints as the
// platform handlers see it. Sim lives for the whole process; a Call for one
// request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/secure_random.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "sim/platform.hpp"
#include "sim/sim_clock.hpp"
#include "sim/sim_state.hpp"

namespace postfuze::sim {

struct Sim {
  SimClock clock;
  crypto::SecureRandom random;
  SimState state;
  std::string base_url;  // "http://127.0.0.1:PORT", set once before serving

  // A fresh unguessable value such as "sim_x_at_<32 base64url characters>".
  std::string mint(std::string_view platform, std::string_view kind);
};

struct Call {
  Sim& sim;
  const Platform& platform;
  http::Request& req;

  Scenario scenario() const { return sim.state.scenario(platform.id); }
  void count(Counter counter) const { sim.state.count(platform.id, counter); }
  core::TimePoint now() const { return sim.clock.now(); }
};

using PlatformHandler = std::function<boost::asio::awaitable<http::Response>(Call&)>;

}  // namespace postfuze::sim
