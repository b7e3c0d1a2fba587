// PlatformSim: the platform simulator (POSTFUZE_PLATFORM_SIM_BINARY, see
// sim/) started as a child process on port 0 for end-to-end tests, with its
// stdout and stderr captured to files. The constructor returns once the
// simulator prints its "listening" line (or throws with the captured output
// if it exits first); the destructor stops it with SIGTERM and waits.
//
// The methods wrap the control API (sim/control.hpp) over loopback HTTP and
// throw std::runtime_error, with the response, when it answers an error.
// authorize() plays the browser for the authorize step.
//
// Not thread-safe: use one PlatformSim from one test thread.
#pragma once

#include <sys/types.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

#include "support/temp_dir.hpp"

namespace postfuze::test {

class PlatformSim {
 public:
  PlatformSim();
  ~PlatformSim();
  PlatformSim(const PlatformSim&) = delete;
  PlatformSim& operator=(const PlatformSim&) = delete;

  std::uint16_t port() const { return port_; }
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  // The object for POSTFUZE_PROVIDER_OVERRIDES pointing all ten platforms at this simulator.
  std::string overrides_json() const;

  void register_app(const std::string& platform, const std::string& client_id, const std::string& client_secret,
                    const std::string& redirect_uri) const;
  // Merges `knobs` into the platform's scenario; returns the effective scenario.
  boost::json::object scenario(const std::string& platform, boost::json::object knobs) const;
  void reset() const;
  // {"x": {"authorize": n, "consent": n, "token": n, "refresh": n, "identity": n,
  //        "sub_accounts": n, "long_lived": n, "rejected": n}, ...} for all ten platforms.
  boost::json::value stats() const;
  // Every credential the simulator issued or holds (tokens, codes, JWTs, passwords, client secrets).
  std::vector<std::string> issued_secrets() const;
  long stat(const std::string& platform, const std::string& counter) const;
  boost::json::array requests(const std::string& platform) const;
  // Moves the simulator's clock forward (code and token expiry).
  void advance_clock(std::chrono::seconds by) const;

  // Bluesky mode (sim/bluesky.hpp): registers an account at the simulated PDS
  // and PLC directory; empty `password` / `email` / `display_name` mean none.
  void register_bluesky_account(const std::string& handle, const std::string& did, const std::string& app_password,
                                const std::string& password = {}, const std::string& email = {},
                                const std::string& display_name = {}) const;
  // {"resolve_handle","create_session","refresh_session","get_profile","plc","rejected"}
  boost::json::object bluesky_stats() const;
  std::string bluesky_service_url() const { return base_url() + "/bluesky"; }  // POSTFUZE_BLUESKY_SERVICE
  std::string plc_url() const { return base_url() + "/plc"; }                  // POSTFUZE_PLC_URL

  // Plays the browser: GETs `authorize_url` (an absolute URL on this
  // simulator) and, when the consent page comes back, submits `decision`
  // ("approve" or "deny"). Returns the last response: normally a 302 whose
  // `location` is the redirect back to the client.
  struct Step {
    int status = 0;
    std::string location;
    std::string body;
  };
  Step authorize(const std::string& authorize_url, std::string_view decision = "approve") const;

  std::string log_text() const;  // stderr: the access log

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace postfuze::test
