// postfuze-platform-sim: plays the OAuth side of ten social platforms on
// loopback with their real wire formats, for PostFuze's end-to-end tests.
//
//   postfuze-platform-sim [--listen 127.0.0.1] [--port 0]
//
// Prints one line, {"msg":"listening","port":N}, on stdout once bound (the
// JSON access log goes to stderr), and serves until SIGTERM or SIGINT.
// See routes.hpp for the URL layout and control.hpp for the control API.
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/url/url.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "http/server.hpp"
#include "sim/routes.hpp"
#include "sim/sim.hpp"

namespace {

constexpr const char* kUsage = "usage: postfuze-platform-sim [--listen ADDRESS] [--port PORT]\n";

struct Options {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 0;
};

bool parse_args(const std::vector<std::string>& args, Options& out) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--listen" && has_value) {
      out.listen = args[++i];
    } else if (args[i] == "--port" && has_value) {
      const std::string& v = args[++i];
      if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos) return false;
      const unsigned long n = std::stoul(v);
      if (n > 65535) return false;
      out.port = static_cast<std::uint16_t>(n);
    } else {
      return false;
    }
  }
  return true;
}

// A thousand concurrent slow calls need a thousand sockets: lift the soft
// descriptor limit to the hard one.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace postfuze;
  Options options;
  if (!parse_args(std::vector<std::string>(argv + 1, argv + argc), options)) {
    std::cerr << kUsage;
    return 2;
  }
  raise_descriptor_limit();

  sim::Sim sim;
  core::Logger log(sim.clock, core::LogLevel::info);
  boost::asio::io_context io(1);
  sim::Routes routes(sim);
  http::ServerOptions server_options;
  server_options.shutdown_grace = std::chrono::milliseconds(2000);
  // Upload calls carry media chunks: TikTok's reach 64 MiB (plus the last chunk's remainder).
  server_options.body_limit = 80 * 1024 * 1024;
  http::Server server(io, server_options, routes.handler(), sim.clock, log, sim.random);
  auto bound = server.listen(options.listen, options.port);
  if (!bound) {
    std::cerr << "postfuze-platform-sim: " << bound.error().detail << "\n";
    return 1;
  }
  boost::urls::url base;
  base.set_scheme("http");
  base.set_host_address(bound->address().to_string());
  base.set_port_number(bound->port());
  sim.base_url = std::string(base.buffer());

  server.start();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    server.shutdown([&io] { io.stop(); });
  });
  std::printf("{\"msg\":\"listening\",\"port\":%u}\n", static_cast<unsigned>(bound->port()));
  std::fflush(stdout);
  io.run();
  return 0;
}
