// What the connect flow runs on: the shared infrastructure (store, keys,
// clock, randomness, log, blocking pool, webhook wake-up) plus the
// connect-specific parts wired once by the composition root — the provider
// catalogue (with overrides applied), shared apps, the redirect allow-list,
// the outbound HTTP client for platform calls and this server's callback URL.
// Plain references: the composition root owns every object.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "connect/redirect_allow_list.hpp"
#include "connect/shared_apps.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"
#include "net/http_client.hpp"
#include "providers/catalog.hpp"
#include "store/database.hpp"

namespace postfuze::connect {

struct ConnectConfig {
  const providers::Catalog& catalog;
  const SharedApps& shared_apps;
  const RedirectAllowList& redirects;
  net::HttpClient& http;
  std::string callback_url;  // <public URL>/api/v1/connect/callback; set before the server starts
  std::string public_origin;  // the origin the hosted page's form posts from
  std::chrono::milliseconds platform_timeout{15'000};
  // Bluesky connect (bluesky_connect.hpp): the service that resolves handles
  // and logs in email identifiers, and the PLC directory. No trailing '/'.
  std::string bluesky_service = "https://bsky.social";
  std::string plc_url = "https://plc.directory";
};

struct ConnectDeps {
  store::Database& db;
  const crypto::KeyRing& keys;
  const core::Clock& clock;
  core::Random& random;
  core::Logger& log;
  boost::asio::thread_pool& blocking;
  std::function<void()> wake_webhooks;
  const ConnectConfig& config;
};

}  // namespace postfuze::connect
