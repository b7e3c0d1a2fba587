#include "app/config.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <thread>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "connect/shared_apps.hpp"
#include "providers/catalog.hpp"

namespace postfuze::app {

namespace {

core::Error config_error(const std::string& var, const std::string& message) {
  return core::Error::bad_request(var + ": " + message);
}

template <typename T>
std::optional<T> parse_number(std::string_view s, T min, T max) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
  return v;
}

bool parse_listen(std::string_view s, std::string& host, std::uint16_t& port) {
  std::string_view h, p;
  if (s.starts_with("[")) {
    const auto close = s.find("]:");
    if (close == std::string_view::npos) return false;
    h = s.substr(1, close - 1);
    p = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || s.find(':') != colon) return false;
    h = s.substr(0, colon);
    p = s.substr(colon + 1);
  }
  const auto n = parse_number<std::uint32_t>(p, 0, 65535);
  if (h.empty() || !n) return false;
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(h), ec);
  if (ec) return false;
  host = h;
  port = static_cast<std::uint16_t>(*n);
  return true;
}

}  // namespace

const std::vector<ConfigVariable>& config_variables() {
  static const std::vector<ConfigVariable> vars = {
      {"POSTFUZE_LISTEN", "--listen", "address:port to listen on; port 0 picks a free one", "127.0.0.1:8080"},
      {"POSTFUZE_PUBLIC_URL", "--public-url", "external base URL of this server", "http:// + listen address"},
      {"POSTFUZE_APP_URL", "--app-url", "comma-separated origins allowed as redirect_uri", "the public URL's origin"},
      {"POSTFUZE_DATABASE_URL", "--database-url", "sqlite:PATH or postgresql://…", "sqlite:<data dir>/postfuze.db"},
      {"POSTFUZE_DATA_DIR", "--data-dir", "directory for the SQLite file and the generated key file", "./data"},
      {"POSTFUZE_ENCRYPTION_KEYS", "--encryption-keys", "comma-separated KEYID:base64(32 bytes), first active",
       "key file created in the data dir"},
      {"POSTFUZE_KEY_RELOAD_MS", "--key-reload-ms",
       "how often a running server checks the key file for a rotation (also on SIGHUP)", "2000"},
      {"POSTFUZE_LOG_LEVEL", "--log-level", "debug, info, warn or error", "info"},
      {"POSTFUZE_BODY_LIMIT", "--body-limit", "largest request body in bytes", "1048576"},
      {"POSTFUZE_READ_TIMEOUT_MS", "--read-timeout-ms", "time allowed to send one whole request", "10000"},
      {"POSTFUZE_IDLE_TIMEOUT_MS", "--idle-timeout-ms", "keep-alive connection idle time", "60000"},
      {"POSTFUZE_SHUTDOWN_GRACE_MS", "--shutdown-grace-ms", "time in-flight requests get on SIGTERM", "10000"},
      {"POSTFUZE_THREADS", "--threads", "I/O threads", "one per core"},
      {"POSTFUZE_DB_POOL_SIZE", "--db-pool-size", "database connections and blocking threads",
       "one per core, at least 2"},
      {"POSTFUZE_RATE_LIMIT_MULTIPLIER", "--rate-limit-multiplier",
       "multiplies every per-organisation rate limit (600/min global, …)", "1"},
      {"POSTFUZE_ALLOW_PRIVATE_WEBHOOKS", "--allow-private-webhooks",
       "true lets webhook URLs reach loopback and private addresses (development, tests)", "false"},
      {"POSTFUZE_CA_FILE", "--ca-file", "PEM trust anchors for outbound HTTPS instead of the system store",
       "the system store"},
      {"POSTFUZE_SHARED_APPS", "--shared-apps",
       "JSON file of the operator's shared OAuth apps: {\"x\": {\"client_id\", \"client_secret\", \"scopes\"?}, …}",
       "none (organisations register their own apps)"},
      {"POSTFUZE_PROVIDER_OVERRIDES", "--provider-overrides",
       "JSON file replacing platforms' authorize_url, token_url and api_base_url: {\"x\": {…}, …}", "none"},
      {"POSTFUZE_PLATFORM_TIMEOUT_MS", "--platform-timeout-ms", "time one platform call (token, identity) may take",
       "15000"},
      {"POSTFUZE_BLUESKY_SERVICE", "--bluesky-service",
       "Bluesky service (entryway) for handle resolution and email logins: absolute http(s) URL",
       "https://bsky.social"},
      {"POSTFUZE_PLC_URL", "--plc-url", "PLC directory that resolves did:plc identities: absolute http(s) URL",
       "https://plc.directory"},
      {"POSTFUZE_TOKEN_REFRESH_POLL_MS", "--token-refresh-poll-ms",
       "how often the server looks for tokens about to expire and renews them", "60000"},
      {"POSTFUZE_PUBLISH_POLL_MS", "--publish-poll-ms",
       "how often the publish worker looks for due post targets (a new post wakes it at once)", "1000"},
      {"POSTFUZE_PUBLISH_LEASE_MS", "--publish-lease-ms",
       "how long a claimed post target stays with one process (must exceed one platform call)",
       "2 x platform timeout + 30000"},
      {"POSTFUZE_PUBLISH_RETRY_BASE_MS", "--publish-retry-base-ms",
       "first retry delay of a failed publish; later ones are x4, x20, x60, x240", "30000"},
      {"POSTFUZE_PUBLISH_MAX_ATTEMPTS", "--publish-max-attempts", "consecutive failures that end a post target",
       "5"},
      {"POSTFUZE_WEBHOOK_RETRY_SCHEDULE", "--webhook-retry-schedule",
       "seconds between webhook attempts, comma-separated", "5,300,1800,7200,18000,36000,50400,72000,86400"},
      {"POSTFUZE_WEBHOOK_TIMEOUT_MS", "--webhook-timeout-ms", "time a receiver has to answer", "15000"},
      {"POSTFUZE_WEBHOOK_LEASE_MS", "--webhook-lease-ms",
       "how long a claimed delivery stays with one process (must exceed the timeout)", "60000"},
      {"POSTFUZE_WEBHOOK_POLL_MS", "--webhook-poll-ms", "how often the dispatcher looks for due deliveries", "500"},
      {"POSTFUZE_WEBHOOK_CONCURRENCY", "--webhook-concurrency", "deliveries in flight per process", "256"},
      {"POSTFUZE_WEBHOOK_DISABLE_AFTER_S", "--webhook-disable-after-s",
       "an endpoint failing continuously this long is disabled", "432000 (5 days)"},
      {"POSTFUZE_MEDIA_MAX_IMAGE_BYTES", "--media-max-image-bytes", "largest image upload", "26214400 (25 MiB)"},
      {"POSTFUZE_MEDIA_MAX_GIF_BYTES", "--media-max-gif-bytes", "largest GIF upload", "26214400 (25 MiB)"},
      {"POSTFUZE_MEDIA_MAX_VIDEO_BYTES", "--media-max-video-bytes", "largest video upload", "536870912 (512 MiB)"},
      {"POSTFUZE_MEDIA_MAX_AUDIO_BYTES", "--media-max-audio-bytes", "largest audio upload", "268435456 (256 MiB)"},
      {"POSTFUZE_MEDIA_MAX_DOCUMENT_BYTES", "--media-max-document-bytes", "largest document (PDF) upload",
       "104857600 (100 MiB)"},
      {"POSTFUZE_MEDIA_POLL_MS", "--media-poll-ms",
       "how often the media worker looks for due processing jobs (a confirm wakes it at once)", "1000"},
      {"POSTFUZE_MEDIA_LEASE_MS", "--media-lease-ms",
       "how long a claimed media job stays with one process between steps (must exceed one download or tool run)",
       "600000"},
      {"POSTFUZE_MEDIA_WORK_DIR", "--media-work-dir", "scratch space for media processing (emptied at start)",
       "<data dir>/media-work"},
      {"POSTFUZE_MEDIA_PROCESS_DELAY_MS", "--media-process-delay-ms",
       "test knob: wait this long after claiming each media job before working on it", "0"},
      {"POSTFUZE_MEDIA_STORE", "--media-store",
       "where media bytes live: disk (files under <data dir>/media, served by this server) or s3://BUCKET", "disk"},
      {"POSTFUZE_S3_ENDPOINT", "--s3-endpoint", "S3-compatible endpoint, path-style (http(s)://host[:port])",
       "https://s3.<region>.amazonaws.com"},
      {"POSTFUZE_S3_REGION", "--s3-region", "S3 region used in request signatures", "us-east-1"},
      {"POSTFUZE_S3_ACCESS_KEY_ID", "--s3-access-key-id", "S3 access key id (required with s3://)", "none"},
      {"POSTFUZE_S3_SECRET_ACCESS_KEY", "--s3-secret-access-key",
       "S3 secret access key (required with s3://; never logged)", "none"},
  };
  return vars;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::string> normalize_origin(std::string_view text) {
  auto u = boost::urls::parse_absolute_uri(text);
  if (!u) return std::nullopt;
  boost::urls::url url = *u;
  if (url.has_userinfo() || url.has_query() || url.has_fragment()) return std::nullopt;
  if (!(url.encoded_path().empty() || url.encoded_path() == "/")) return std::nullopt;
  url.normalize_scheme();
  url.normalize_authority();
  const std::string scheme(url.scheme());
  if (scheme != "http" && scheme != "https") return std::nullopt;
  if (url.encoded_host().empty()) return std::nullopt;
  std::string out = scheme + "://" + std::string(url.encoded_host());
  // An empty port means the default (RFC 3986 §6.2.3); write the number without leading zeros.
  if (!url.port().empty()) {
    const auto port = parse_number<std::uint32_t>(url.port(), 0, 65535);
    if (!port) return std::nullopt;
    if (*port != (scheme == "http" ? 80u : 443u)) out += ":" + std::to_string(*port);
  }
  return out;
}

core::Result<Config> load_config(const EnvLookup& env, const std::vector<std::string>& args) {
  std::map<std::string, std::string> values;  // env name -> value
  for (const auto& v : config_variables())
    if (auto e = env(v.env)) values[v.env] = *e;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    const auto eq = flag.find('=');
    if (eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return config_error(flag, "needs a value");
    }
    const ConfigVariable* var = nullptr;
    for (const auto& v : config_variables())
      if (v.flag == flag) var = &v;
    if (!var) return config_error(flag, "unknown option");
    values[var->env] = value;
  }
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };

  Config c;
  if (auto v = get("POSTFUZE_LISTEN"); v && !parse_listen(*v, c.listen_host, c.listen_port))
    return config_error("POSTFUZE_LISTEN", "expected ADDRESS:PORT (e.g. 127.0.0.1:8080), got '" + *v + "'");

  c.data_dir = get("POSTFUZE_DATA_DIR").value_or("./data");
  if (c.data_dir.empty()) return config_error("POSTFUZE_DATA_DIR", "must not be empty");

  const std::string host_part = c.listen_host.find(':') != std::string::npos ? "[" + c.listen_host + "]" : c.listen_host;
  if (auto v = get("POSTFUZE_PUBLIC_URL")) {
    auto u = boost::urls::parse_absolute_uri(*v);
    if (!u || u->has_query() || u->has_fragment() || u->has_userinfo() ||
        !normalize_origin(std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port())))
      return config_error("POSTFUZE_PUBLIC_URL", "expected an absolute http(s) URL without query, got '" + *v + "'");
    c.public_url = *v;
    while (c.public_url.ends_with('/')) c.public_url.pop_back();
  } else {
    // Port 0 is resolved once bound (see serve); until then the URL names the configured port.
    c.public_url = "http://" + host_part + ":" + std::to_string(c.listen_port);
  }

  if (auto v = get("POSTFUZE_APP_URL")) {
    std::string_view rest = *v;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      auto origin = normalize_origin(item);
      if (!origin) return config_error("POSTFUZE_APP_URL", "'" + std::string(item) + "' is not an http(s) origin");
      c.app_origins.push_back(*origin);
    }
    if (c.app_origins.empty()) return config_error("POSTFUZE_APP_URL", "must list at least one origin");
  }

  c.database_url = get("POSTFUZE_DATABASE_URL").value_or("sqlite:" + c.data_dir + "/postfuze.db");
  if (!c.database_url.starts_with("sqlite:") && !c.database_url.starts_with("postgresql://") &&
      !c.database_url.starts_with("postgres://"))
    return config_error("POSTFUZE_DATABASE_URL", "expected sqlite:PATH or postgresql://…");
  if (c.database_url == "sqlite:") return config_error("POSTFUZE_DATABASE_URL", "sqlite: needs a file path");

  if (auto v = get("POSTFUZE_ENCRYPTION_KEYS")) {
    if (v->empty()) return config_error("POSTFUZE_ENCRYPTION_KEYS", "is set but empty");
    c.encryption_keys = *v;  // parsed by the key ring, which names the faulty entry
  }

  if (auto v = get("POSTFUZE_LOG_LEVEL")) {
    auto level = core::parse_log_level(*v);
    if (!level) return config_error("POSTFUZE_LOG_LEVEL", "expected debug, info, warn or error, got '" + *v + "'");
    c.log_level = *level;
  }

  auto number = [&](const char* var, auto min, auto max, auto& out) -> core::Status {
    using T = std::remove_reference_t<decltype(out)>;
    if (auto v = get(var)) {
      auto n = parse_number<std::int64_t>(*v, min, max);
      if (!n)
        return config_error(var, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                                     ", got '" + *v + "'");
      out = static_cast<T>(*n);
    }
    return core::Ok{};
  };
  std::int64_t body = static_cast<std::int64_t>(c.server.body_limit), read = c.server.read_timeout.count(),
               idle = c.server.idle_timeout.count(), grace = c.server.shutdown_grace.count();
  c.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // More blocking threads than cores only adds context switches: measured on
  // 2 cores, 2 threads serve about twice the requests 8 do (docs/benchmarks.md).
  c.db_pool_size = std::max(2, c.threads);
  for (auto s : {number("POSTFUZE_BODY_LIMIT", 1024LL, 1LL << 30, body),
                 number("POSTFUZE_READ_TIMEOUT_MS", 100LL, 600000LL, read),
                 number("POSTFUZE_IDLE_TIMEOUT_MS", 100LL, 3600000LL, idle),
                 number("POSTFUZE_SHUTDOWN_GRACE_MS", 0LL, 600000LL, grace),
                 number("POSTFUZE_THREADS", 1LL, 256LL, c.threads),
                 number("POSTFUZE_DB_POOL_SIZE", 1LL, 256LL, c.db_pool_size),
                 number("POSTFUZE_RATE_LIMIT_MULTIPLIER", 1LL, 1000000LL, c.rate_limit_multiplier)})
    if (!s) return std::move(s).error();
  if (auto v = get("POSTFUZE_ALLOW_PRIVATE_WEBHOOKS")) {
    if (*v != "true" && *v != "false")
      return config_error("POSTFUZE_ALLOW_PRIVATE_WEBHOOKS", "expected true or false, got '" + *v + "'");
    c.allow_private_webhooks = *v == "true";
  }
  if (auto v = get("POSTFUZE_CA_FILE")) {
    if (v->empty() || !std::filesystem::is_regular_file(*v))
      return config_error("POSTFUZE_CA_FILE", "'" + *v + "' is not a readable file");
    c.ca_file = *v;
  }
  for (const auto& [var, target] : {std::pair{"POSTFUZE_SHARED_APPS", &c.shared_apps_json},
                                   std::pair{"POSTFUZE_PROVIDER_OVERRIDES", &c.provider_overrides_json}}) {
    auto v = get(var);
    if (!v) continue;
    std::ifstream in(*v, std::ios::binary);
    std::ostringstream text;
    if (v->empty() || !in || !(text << in.rdbuf())) return config_error(var, "'" + *v + "' is not a readable file");
    *target = text.str();
  }
  if (c.shared_apps_json)
    if (auto apps = connect::SharedApps::parse(*c.shared_apps_json); !apps)
      return config_error("POSTFUZE_SHARED_APPS", apps.error().fields.empty()
                                                      ? apps.error().detail
                                                      : apps.error().fields.front().field + " " +
                                                            apps.error().fields.front().message);
  if (c.provider_overrides_json) {
    providers::Catalog probe = providers::builtin_catalog();
    if (auto s = providers::apply_overrides(probe, *c.provider_overrides_json); !s)
      return config_error("POSTFUZE_PROVIDER_OVERRIDES", s.error().fields.empty()
                                                             ? s.error().detail
                                                             : s.error().fields.front().field + " " +
                                                                   s.error().fields.front().message);
  }
  std::int64_t platform_timeout = c.platform_timeout.count();
  if (auto s = number("POSTFUZE_PLATFORM_TIMEOUT_MS", 100LL, 300000LL, platform_timeout); !s) return std::move(s).error();
  c.platform_timeout = std::chrono::milliseconds(platform_timeout);
  std::int64_t key_reload = c.key_reload_interval.count();
  if (auto s = number("POSTFUZE_KEY_RELOAD_MS", 10LL, 3600000LL, key_reload); !s) return std::move(s).error();
  c.key_reload_interval = std::chrono::milliseconds(key_reload);
  std::int64_t refresh_poll = c.token_refresh_poll.count();
  if (auto s = number("POSTFUZE_TOKEN_REFRESH_POLL_MS", 10LL, 86400000LL, refresh_poll); !s) return std::move(s).error();
  c.token_refresh_poll = std::chrono::milliseconds(refresh_poll);
  std::int64_t publish_poll = c.publish_poll.count();
  if (auto s = number("POSTFUZE_PUBLISH_POLL_MS", 10LL, 60000LL, publish_poll); !s) return std::move(s).error();
  c.publish_poll = std::chrono::milliseconds(publish_poll);
  if (get("POSTFUZE_PUBLISH_LEASE_MS")) {
    std::int64_t lease = 0;
    if (auto s = number("POSTFUZE_PUBLISH_LEASE_MS", 1000LL, 3600000LL, lease); !s) return std::move(s).error();
    c.publish_lease = std::chrono::milliseconds(lease);
  }
  std::int64_t retry_base = c.publish_retry_base.count();
  if (auto s = number("POSTFUZE_PUBLISH_RETRY_BASE_MS", 10LL, 3600000LL, retry_base); !s) return std::move(s).error();
  c.publish_retry_base = std::chrono::milliseconds(retry_base);
  std::int64_t max_failures = c.publish_max_failures;
  if (auto s = number("POSTFUZE_PUBLISH_MAX_ATTEMPTS", 1LL, 20LL, max_failures); !s) return std::move(s).error();
  c.publish_max_failures = static_cast<int>(max_failures);
  for (const auto& [var, target] : {std::pair{"POSTFUZE_BLUESKY_SERVICE", &c.bluesky_service},
                                   std::pair{"POSTFUZE_PLC_URL", &c.plc_url}}) {
    auto v = get(var);
    if (!v) continue;
    auto u = boost::urls::parse_absolute_uri(*v);
    if (!u || u->has_query() || u->has_fragment() || u->has_userinfo() || u->encoded_host().empty() ||
        (u->scheme() != "http" && u->scheme() != "https"))
      return config_error(var, "expected an absolute http(s) URL without query, got '" + *v + "'");
    *target = *v;
    while (target->ends_with('/')) target->pop_back();
  }
  if (auto v = get("POSTFUZE_WEBHOOK_RETRY_SCHEDULE")) {
    auto schedule = webhooks::parse_retry_schedule(*v);
    if (!schedule)
      return config_error("POSTFUZE_WEBHOOK_RETRY_SCHEDULE",
                          "expected comma-separated seconds (each 0 to 604800), got '" + *v + "'");
    c.webhooks.retry_schedule = std::move(*schedule);
  }
  std::int64_t wh_timeout = c.webhooks.timeout.count(), wh_lease = c.webhooks.lease.count(),
               wh_poll = c.webhooks.poll_interval.count(), wh_disable = c.webhooks.disable_after.count() / 1000;
  for (auto s : {number("POSTFUZE_WEBHOOK_TIMEOUT_MS", 100LL, 120000LL, wh_timeout),
                 number("POSTFUZE_WEBHOOK_LEASE_MS", 200LL, 3600000LL, wh_lease),
                 number("POSTFUZE_WEBHOOK_POLL_MS", 10LL, 60000LL, wh_poll),
                 number("POSTFUZE_WEBHOOK_CONCURRENCY", 1LL, 100000LL, c.webhooks.concurrency),
                 number("POSTFUZE_WEBHOOK_DISABLE_AFTER_S", 1LL, 365LL * 86400, wh_disable)})
    if (!s) return std::move(s).error();
  if (wh_lease <= wh_timeout)
    return config_error("POSTFUZE_WEBHOOK_LEASE_MS", "must be longer than POSTFUZE_WEBHOOK_TIMEOUT_MS");
  c.webhooks.timeout = std::chrono::milliseconds(wh_timeout);
  c.webhooks.lease = std::chrono::milliseconds(wh_lease);
  c.webhooks.poll_interval = std::chrono::milliseconds(wh_poll);
  c.webhooks.disable_after = std::chrono::milliseconds(wh_disable * 1000);
  for (auto s : {number("POSTFUZE_MEDIA_MAX_IMAGE_BYTES", 1LL, 1LL << 40, c.media_limits.image_bytes),
                 number("POSTFUZE_MEDIA_MAX_GIF_BYTES", 1LL, 1LL << 40, c.media_limits.gif_bytes),
                 number("POSTFUZE_MEDIA_MAX_VIDEO_BYTES", 1LL, 1LL << 40, c.media_limits.video_bytes),
                 number("POSTFUZE_MEDIA_MAX_AUDIO_BYTES", 1LL, 1LL << 40, c.media_limits.audio_bytes),
                 number("POSTFUZE_MEDIA_MAX_DOCUMENT_BYTES", 1LL, 1LL << 40, c.media_limits.document_bytes)})
    if (!s) return std::move(s).error();
  std::int64_t media_poll = c.media_poll.count(), media_lease = c.media_lease.count(),
               media_delay = c.media_process_delay.count();
  for (auto s : {number("POSTFUZE_MEDIA_POLL_MS", 10LL, 60000LL, media_poll),
                 number("POSTFUZE_MEDIA_LEASE_MS", 1000LL, 86400000LL, media_lease),
                 number("POSTFUZE_MEDIA_PROCESS_DELAY_MS", 0LL, 3600000LL, media_delay)})
    if (!s) return std::move(s).error();
  c.media_poll = std::chrono::milliseconds(media_poll);
  c.media_lease = std::chrono::milliseconds(media_lease);
  c.media_process_delay = std::chrono::milliseconds(media_delay);
  c.media_work_dir = get("POSTFUZE_MEDIA_WORK_DIR").value_or(c.data_dir + "/media-work");
  if (c.media_work_dir.empty()) return config_error("POSTFUZE_MEDIA_WORK_DIR", "must not be empty");
  auto objects = media::parse_object_store_settings(get("POSTFUZE_MEDIA_STORE"), get("POSTFUZE_S3_ENDPOINT"),
                                                    get("POSTFUZE_S3_REGION"), get("POSTFUZE_S3_ACCESS_KEY_ID"),
                                                    get("POSTFUZE_S3_SECRET_ACCESS_KEY"));
  if (!objects) return std::move(objects).error();
  c.media_objects = std::move(*objects);

  c.server.body_limit = static_cast<std::size_t>(body);
  c.server.read_timeout = std::chrono::milliseconds(read);
  c.server.idle_timeout = std::chrono::milliseconds(idle);
  c.server.shutdown_grace = std::chrono::milliseconds(grace);

  if (c.app_origins.empty()) {
    auto origin = normalize_origin(c.public_url);
    if (!origin) {
      auto u = boost::urls::parse_absolute_uri(c.public_url);
      origin = normalize_origin(std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port()));
    }
    if (origin) c.app_origins.push_back(*origin);
  }
  return c;
}

}  // namespace postfuze::app
