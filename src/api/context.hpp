// ApiContext: what every API handler may use, wired once in app/. Plain
// references, no locator: each object is owned by the composition root and
// outlives the server.
#pragma once

#include <filesystem>
#include <functional>

#include <boost/asio/thread_pool.hpp>

#include "api/cursor.hpp"
#include "api/rate_limiter.hpp"
#include "connect/connect_services.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"
#include "media/media_types.hpp"
#include "media/object_store.hpp"
#include "media/processing.hpp"
#include "store/database.hpp"

namespace postfuze::api {

struct ApiContext {
  store::Database& db;
  const crypto::KeyRing& keys;
  const core::Clock& clock;
  core::Random& random;
  core::Logger& log;
  boost::asio::thread_pool& blocking;  // every store call runs here
  RateLimiter& limiter;
  const CursorCodec& cursors;
  // Webhooks: whether endpoints may point at private addresses
  // (POSTFUZE_ALLOW_PRIVATE_WEBHOOKS), and how to tell this process's
  // dispatcher that new deliveries are waiting.
  bool allow_private_webhooks = false;
  std::function<void()> wake_webhooks = [] {};
  // The connect flow's own wiring (catalogue, shared apps, allow-list,
  // platform HTTP client, callback URL). Required: set before mount_all().
  const connect::ConnectConfig* connect = nullptr;
  // Tells this process's publish worker that a post is due now.
  std::function<void()> wake_publisher = [] {};

  // Media (contract §19): where the bytes live (null until app/ wires a
  // store: the media endpoints then answer 503), the per-kind caps, scratch
  // space for processing, and how to wake this process's media worker.
  media::ObjectStore* objects = nullptr;
  media::MediaLimits media_limits;
  std::filesystem::path media_work_dir;
  std::function<void()> wake_media_worker = [] {};

  connect::ConnectDeps connect_deps() const {
    return {db, keys, clock, random, log, blocking, wake_webhooks, *connect};
  }
  // Precondition: objects is set.
  media::MediaDeps media_deps() const {
    return {db, blocking, *objects, clock, random, log, media_limits, media_work_dir, wake_media_worker};
  }
};

}  // namespace postfuze::api
