// ApiContext: what every API handler may use, wired once in app/. Plain
// references, no locator: each object is owned by the composition root and
// outlives the server.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "api/cursor.hpp"
#include "api/rate_limiter.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"
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
};

}  // namespace postfuze::api
