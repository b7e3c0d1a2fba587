// Config: every setting of the server, read once at start-up from
// POSTFUZE_* environment variables, each overridable by a command-line flag
// (--listen for POSTFUZE_LISTEN, …). The table of variables is data
// (config.cpp) and is printed by `postfuze help`. A bad value is reported as
// one line naming the variable; nothing starts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/log.hpp"
#include "core/result.hpp"
#include "http/server.hpp"
#include "media/media_types.hpp"
#include "media/object_store_factory.hpp"
#include "webhooks/dispatcher.hpp"

namespace postfuze::app {

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string public_url;             // no trailing slash
  std::vector<std::string> app_origins;  // allowed redirect_uri origins, normalised
  std::string database_url;
  std::string data_dir;
  std::optional<std::string> encryption_keys;  // the raw spec; unset → key file in data_dir
  std::chrono::milliseconds key_reload_interval{2'000};  // how often the key file is checked for a rotation
  core::LogLevel log_level = core::LogLevel::info;
  http::ServerOptions server;
  int threads = 0;          // I/O threads
  int db_pool_size = 0;     // also the number of blocking threads; default: one per core, at least 2
  int rate_limit_multiplier = 1;  // scales every per-org rate bucket
  bool allow_private_webhooks = false;
  std::optional<std::string> ca_file;  // trust anchors for outbound HTTPS instead of the system store
  // Connect: the operator's shared OAuth apps and provider URL overrides,
  // each the text of the JSON file named by its variable (validated here).
  std::optional<std::string> shared_apps_json;
  std::optional<std::string> provider_overrides_json;
  std::chrono::milliseconds platform_timeout{15'000};  // one platform call, end to end
  std::chrono::milliseconds token_refresh_poll{60'000};  // how often expiring tokens are looked for
  // Publishing (D26): how often due targets are looked for, how long a claim
  // lasts, the retry schedule's base and the failures that end a target.
  std::chrono::milliseconds publish_poll{1'000};
  std::optional<std::chrono::milliseconds> publish_lease;  // default: 2 × platform_timeout + 30 s
  std::chrono::milliseconds publish_retry_base{30'000};
  int publish_max_failures = 5;
  // Bluesky connect (contract §12): the service (entryway) that resolves
  // handles and logs in email identifiers, and the PLC directory that
  // resolves did:plc identities. Absolute http(s) URLs, no trailing '/'.
  std::string bluesky_service = "https://bsky.social";
  std::string plc_url = "https://plc.directory";
  webhooks::DispatcherOptions webhooks;
  // Media (docs/media.md): the largest asset of each kind, in bytes.
  media::MediaLimits media_limits;
  // Media processing (docs/decisions.md "Media processing"): how often due
  // jobs are looked for, how long a claimed job stays with one process
  // between steps, scratch space (default <data_dir>/media-work), and a test
  // knob delaying each job after its claim (0 in production).
  std::chrono::milliseconds media_poll{1'000};
  std::chrono::milliseconds media_lease{600'000};
  std::string media_work_dir;
  std::chrono::milliseconds media_process_delay{0};
  // Media storage (docs/decisions.md "Media storage"): disk or S3.
  media::ObjectStoreSettings media_objects;
};

struct ConfigVariable {
  std::string env;
  std::string flag;
  std::string meaning;
  std::string default_text;
};
const std::vector<ConfigVariable>& config_variables();

// getenv-like lookup, injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

// Reads the variables, with flags from `args` ("--listen=…" or "--listen …")
// taking precedence. Unknown flags are errors. The error's detail is the one
// line to print.
core::Result<Config> load_config(const EnvLookup& env, const std::vector<std::string>& args);

// Normalises an origin ("HTTPS://App.Example.com:443/" → "https://app.example.com");
// nullopt when the text is not exactly an http(s) origin.
std::optional<std::string> normalize_origin(std::string_view text);

}  // namespace postfuze::app
