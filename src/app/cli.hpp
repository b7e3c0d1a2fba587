// The `postfuze` command line: serve, migrate, api-key create|list|revoke,
// keys generate|rotate|status, help. Returns the process exit code: 0 success, 1 runtime
// failure, 2 bad usage or configuration (one line on stderr naming it).
#pragma once

#include <string>
#include <vector>

#include "app/config.hpp"

namespace postfuze::app {

int run_cli(const std::vector<std::string>& args, const EnvLookup& env);

// `postfuze serve`: migrate, bootstrap the first key, serve until SIGTERM/SIGINT.
int serve(const Config& config);

}  // namespace postfuze::app
