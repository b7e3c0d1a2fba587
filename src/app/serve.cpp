#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/routes.hpp"
#include "app/cli.hpp"
#include "app/key_reload.hpp"
#include "app/key_source.hpp"
#include "connect/connect_services.hpp"
#include "connect/refresh_job.hpp"
#include "crypto/secure_random.hpp"
#include "http/server.hpp"
#include "jobs/reencrypt.hpp"
#include "media/media_file_routes.hpp"
#include "media/media_worker.hpp"
#include "media/object_store_factory.hpp"
#include "net/http_client.hpp"
#include "webhooks/dispatcher.hpp"
#include "orgs/api_key_store.hpp"
#include "publish/publish_worker.hpp"
#include "orgs/organization.hpp"

namespace postfuze::app {

namespace {

std::string database_kind(const std::string& url) { return url.starts_with("sqlite:") ? "sqlite" : "postgresql"; }

// On a store without organisations, create one and a full-access live key,
// and print the key once on stdout (never to the log).
core::Status bootstrap_first_key(store::Database& db, const core::Clock& clock, core::Random& random,
                                 const std::string& base_url) {
  std::int64_t orgs_count = 0;
  auto s = db.with_connection([&](store::Connection& c) -> core::Status {
    auto n = orgs::count_organizations(c);
    if (!n) return std::move(n).error();
    orgs_count = *n;
    return core::Ok{};
  });
  if (!s || orgs_count > 0) return s;
  auto org = orgs::ensure_organization(db, clock, random, "default");
  if (!org) return std::move(org).error();
  std::optional<orgs::IssuedApiKey> issued;
  s = db.transaction([&](store::Connection& c) -> core::Status {
    auto r = orgs::issue_api_key(c, clock, random, org->id, {"first key", orgs::KeyMode::live, {"*"}, std::nullopt});
    if (!r) return std::move(r).error();
    issued.emplace(std::move(*r));
    return core::Ok{};
  });
  if (!s) return s;
  const std::string& key = issued->plaintext.reveal();
  std::cout << "\nPostFuze: created organisation \"default\" and its first API key. It is shown only this once:\n\n"
            << "    " << key << "\n\nTry it:\n\n    curl -H \"Authorization: Bearer " << key << "\" "
            << base_url << "/api/v1/api-keys\n\n"
            << std::flush;
  return core::Ok{};
}

}  // namespace

int serve(const Config& config) {
  core::SystemClock clock;
  crypto::SecureRandom random;
  core::Logger log(clock, config.log_level);

  auto ring = load_key_ring(config, log, random);
  if (!ring) {
    std::cerr << ring.error().detail << "\n";
    return 2;
  }
  auto db = store::open_database(config.database_url, {config.db_pool_size, 5000, 5});
  if (!db) {
    std::cerr << "POSTFUZE_DATABASE_URL: " << db.error().detail << "\n";
    return 1;
  }
  auto applied = store::migrate(**db);
  if (!applied) {
    log.error("migration failed", {{"error", applied.error().internal.empty() ? applied.error().detail
                                                                             : applied.error().internal}});
    return 1;
  }
  log.info("store ready", {{"database", database_kind(config.database_url)}, {"migrations_applied", *applied}});

  boost::asio::io_context io(config.threads);
  boost::asio::thread_pool blocking(static_cast<std::size_t>(config.db_pool_size));
  api::RateLimiter limiter(clock, api::scaled_bucket_rules(config.rate_limit_multiplier));
  api::CursorCodec cursors(ring->derive("api.cursor"));
  net::HttpClient outbound(io.get_executor(), clock,
                           {"PostFuze-Server/1.0 (+webhooks)", config.allow_private_webhooks, config.ca_file});
  webhooks::Dispatcher dispatcher(io, **db, blocking, *ring, clock, random, log, outbound, config.webhooks);
  // Key rotation: rewrites values sealed with an old key under the active one (D21).
  jobs::Reencryptor reencryptor(io, **db, blocking, *ring, random, log);
  // Live rotation: a changed key file (or SIGHUP) reloads the ring in place
  // and runs the re-encryption pass again.
  KeyReloader key_reloader(io, config, *ring, log, [&reencryptor] { reencryptor.wake(); });
  // Connect: the catalogue with the operator's overrides, shared apps, the
  // redirect allow-list and a client for platform calls (config.cpp has
  // already validated both files).
  providers::Catalog catalog = providers::builtin_catalog();
  if (config.provider_overrides_json) (void)providers::apply_overrides(catalog, *config.provider_overrides_json);
  connect::SharedApps shared_apps;
  if (config.shared_apps_json) shared_apps = connect::SharedApps::parse(*config.shared_apps_json).value();
  const connect::RedirectAllowList redirects(config.app_origins);
  net::HttpClient platform_http(io.get_executor(), clock, {"PostFuze-Server/1.0", true, config.ca_file});
  connect::ConnectConfig connect_config{catalog, shared_apps, redirects, platform_http, {}, {}, config.platform_timeout};
  connect_config.bluesky_service = config.bluesky_service;
  connect_config.plc_url = config.plc_url;
  api::ApiContext ctx{**db,      *ring,   clock,   random, log, blocking, limiter, cursors, config.allow_private_webhooks,
                      [&dispatcher] { dispatcher.wake(); }, &connect_config};
  connect::RefreshJob refresh_job(io, ctx.connect_deps(), {config.token_refresh_poll});
  // Media (docs/media.md): per-kind caps, the processing scratch space and
  // the object store, which the publish worker reads media from too.
  ctx.media_limits = config.media_limits;
  ctx.media_work_dir = config.media_work_dir;
  // Media storage (docs/decisions.md "Media storage"): the disk store is
  // served by this server at /media-files/; S3 is reached through its own client.
  net::HttpClient object_http(io.get_executor(), clock, {"PostFuze-Server/1.0 (+media)", true, config.ca_file});
  media::BuiltObjectStore objects = media::make_object_store(config.media_objects, config.data_dir, config.public_url,
                                                             ring->derive("media-url"), object_http, clock, random);
  ctx.objects = objects.store.get();
  // Publishing: the durable queue's worker; a created post wakes it at once.
  publish::PublishWorkerOptions publish_options;
  publish_options.objects = ctx.objects;
  publish_options.poll_interval = config.publish_poll;
  publish_options.lease = config.publish_lease.value_or(2 * config.platform_timeout + std::chrono::seconds(30));
  publish_options.retry = {config.publish_retry_base, config.publish_max_failures};
  publish::PublishWorker publish_worker(io, ctx.connect_deps(), publish_options);
  ctx.wake_publisher = [&publish_worker] { publish_worker.wake(); };
  http::Router router;
  api::mount_all(router, ctx);
  http::Server server(io, config.server, http::make_dispatcher(router), clock, log, random);
  if (objects.disk)
    server.add_stream_route(std::string(media::kMediaFilesPrefix), media::media_file_handler(*objects.disk, log));

  auto bound = server.listen(config.listen_host, config.listen_port);
  if (!bound) {
    std::cerr << "POSTFUZE_LISTEN: " << bound.error().detail << "\n";
    return 1;
  }
  const std::string host = bound->address().is_v6() ? "[" + bound->address().to_string() + "]"
                                                     : bound->address().to_string();
  const std::string base_url = config.listen_port == 0 && config.public_url.ends_with(":0")
                                   ? "http://" + host + ":" + std::to_string(bound->port())
                                   : config.public_url;
  connect_config.callback_url = base_url + "/api/v1/connect/callback";
  if (objects.disk) objects.disk->set_public_url(base_url);
  connect_config.public_origin = normalize_origin(base_url).value_or(base_url);
  if (auto s = bootstrap_first_key(**db, clock, random, base_url); !s) {
    log.error("bootstrap failed", {{"error", s.error().internal}});
    return 1;
  }

  // Media processing (docs/decisions.md "Media processing"): the worker
  // finishes confirmed videos and thumbnail requests and purges expired
  // media; it needs the object store, so a server without one runs none.
  std::optional<media::MediaWorker> media_worker;
  if (ctx.objects) {
    media::MediaWorkerOptions media_options;
    media_options.poll_interval = config.media_poll;
    media_options.lease = config.media_lease;
    media_options.process_delay = config.media_process_delay;
    media_worker.emplace(io, ctx.media_deps(), media_options);
    ctx.wake_media_worker = [&media_worker] { media_worker->wake(); };
  }

  // SIGHUP re-reads the key file and waits again; SIGINT/SIGTERM shut down.
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          key_reloader.reload_now("SIGHUP");
          signals.async_wait(on_signal);
          return;
        }
        log.info("shutting down", {{"signal", signo}});
        key_reloader.stop();
        dispatcher.stop();
        reencryptor.stop();
        refresh_job.stop();
        publish_worker.stop();
        if (media_worker) media_worker->stop();
        server.shutdown([&io] { io.stop(); });
      };
  signals.async_wait(on_signal);
  server.start();
  dispatcher.start();
  reencryptor.start();
  key_reloader.start();
  refresh_job.start();
  publish_worker.start();
  if (media_worker) media_worker->start();
  log.info("listening", {{"address", bound->address().to_string()}, {"port", bound->port()}, {"url", base_url},
                         {"shared_apps", shared_apps.size()}, {"provider_overrides", config.provider_overrides_json.has_value()}});

  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  blocking.join();
  log.info("stopped");
  return 0;
}

}  // namespace postfuze::app
