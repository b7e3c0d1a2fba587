// Re-encryption after a key rotation (docs/decisions.md D21): rewrites every
// sealed value (sealed_columns.hpp) whose key id is a configured key other
// than the active one, so that the old key can then be removed.
//
// reencrypt_batch() is one step: read up to `limit` rows of one column that
// name one old key id (after a keyset position, in id order), open each with
// its associated data, seal it again with the active key, and write every
// change in one transaction as a compare-and-swap
//   UPDATE <table> SET <column> = $new WHERE <id> = $id AND <column> = $old
// so a writer that changed the value meanwhile wins (its value is already
// sealed with whatever key it holds; a later pass sees it if that is old).
// The value's resource is not otherwise touched (no updated_at change).
//
// Reencryptor is the background job `postfuze serve` starts: one coroutine
// on its own strand that runs batches on the blocking pool (never on an I/O
// thread), waits `pause` on a timer between full batches, and logs progress
// per column (rewritten, remaining). Nothing is kept between runs: the rows
// still naming old key ids are the work left, so a crash or restart simply
// continues. Several processes may run it at once; compare-and-swap keeps
// them from undoing each other's or anyone's writes.
//
// wake() (after a live key reload) runs the pass again: at once when idle,
// else right after the current pass, and always after `settle`, so requests
// that sealed with the previous active key just before the reload have
// committed. A pass that ends with values left under old keys that did not
// fail to open (a writer still on the previous key) runs again, up to
// `max_reruns` times in a row.
//
// Thread safety: start() once; wake() and stop() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/log.hpp"
#include "core/random.hpp"
#include "crypto/key_ring.hpp"
#include "jobs/sealed_columns.hpp"
#include "store/database.hpp"

namespace postfuze::jobs {

// Called on the blocking pool between a batch's read and its writes (tests
// use it to play a concurrent writer).
using BeforeWriteHook = std::function<void(const SealedColumn&)>;

struct BatchResult {
  int selected = 0;     // rows read that named the old key id
  int rewritten = 0;    // now sealed with the active key
  int lost_race = 0;    // changed by another writer between read and write: left to it
  int failed = 0;       // did not open (wrong associated data or damaged): logged by the caller, left as is
  std::vector<std::string> failed_ids;
  std::string last_id;  // keyset position for the next batch
};

// Precondition: old_key_id is a key of `keys` other than the active one.
// Errors: store errors (nothing of the batch is written then).
core::Result<BatchResult> reencrypt_batch(store::Database& db, const crypto::KeyRing& keys, core::Random& random,
                                          const SealedColumn& column, std::string_view old_key_id,
                                          std::string_view after_id, int limit,
                                          const BeforeWriteHook& before_write = {});

// Values of `column` naming any of `key_ids`. Blocking.
core::Result<std::int64_t> count_naming(store::Database& db, const SealedColumn& column,
                                        const std::vector<std::string>& key_ids);

struct ReencryptOptions {
  int batch_size = 100;                          // rows per transaction
  std::chrono::milliseconds pause{200};          // between full batches
  std::chrono::milliseconds retry_after{5'000};  // after a store error
  int max_batches = 0;                           // stop after this many batches (0: none); for tests
  BeforeWriteHook before_write;                  // for tests
  std::chrono::milliseconds settle{1'000};       // wait after wake() before a pass starts
  int max_reruns = 3;                            // passes in a row while values are left (see above)
};

struct ReencryptSummary {
  std::int64_t rewritten = 0;
  std::int64_t lost_race = 0;
  std::int64_t failed = 0;
  std::int64_t remaining = -1;  // values still naming an old key when the run ended (-1: not counted)
  bool completed = false;       // went through every column (not stopped early)
};

class Reencryptor {
 public:
  Reencryptor(boost::asio::io_context& io, store::Database& db, boost::asio::thread_pool& blocking,
              const crypto::KeyRing& keys, core::Random& random, core::Logger& log, ReencryptOptions options = {});

  // Spawns the pass; `done` (optional) receives the summary of every pass on the strand.
  void start(std::function<void(const ReencryptSummary&)> done = {});
  // Another pass (the active key changed): see above.
  void wake();
  void stop();

 private:
  void spawn(std::chrono::milliseconds delay);  // on strand_
  boost::asio::awaitable<ReencryptSummary> run(std::chrono::milliseconds delay);
  boost::asio::awaitable<void> pause(std::chrono::milliseconds d);
  boost::asio::awaitable<std::int64_t> remaining(const SealedColumn& column, const std::vector<std::string>& old_ids);

  store::Database& db_;
  boost::asio::thread_pool& blocking_;
  const crypto::KeyRing& keys_;
  core::Random& random_;
  core::Logger& log_;
  ReencryptOptions options_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // used on strand_ only
  std::atomic<bool> stopping_{false};
  std::function<void(const ReencryptSummary&)> done_;
  bool running_ = false;  // on strand_: a pass is in progress
  bool woken_ = false;    // on strand_: wake() came during the pass
  int reruns_ = 0;        // on strand_: passes in a row because values were left
};

}  // namespace postfuze::jobs
