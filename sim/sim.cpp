#include "sim/sim.hpp"

#include "crypto/encoding.hpp"

namespace postfuze::sim {

std::string Sim::mint(std::string_view platform, std::string_view kind) {
  std::string out = "sim_";
  out += platform;
  out += '_';
  out += kind;
  out += '_';
  out += crypto::base64url_encode(random.bytes(24));
  return out;
}

}  // namespace postfuze::sim
