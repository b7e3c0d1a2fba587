// KeyReloader: a running server picks up a key rotation without a restart
// (docs/decisions.md D21). When the keys come from the key file
// (<data dir>/encryption.keys, POSTFUZE_ENCRYPTION_KEYS unset) it checks the
// file's identity, size and modification time every POSTFUZE_KEY_RELOAD_MS
// on an Asio timer, and re-reads it at once on reload_now() (SIGHUP). A
// changed file is handed to KeyRing::reload(); a refused one (invalid, or
// without the current active key) is logged and the ring is left as it was.
// A reload that changes the key list is logged (key ids only, never key
// material) and reported to `on_changed` (serve wakes the re-encryption job).
//
// With POSTFUZE_ENCRYPTION_KEYS set the keys cannot change under a running
// process: nothing is polled, and reload_now() logs that a restart is needed.
//
// Thread safety: start() once; reload_now() and stop() from any thread. All
// work runs on one strand of `io`.
#pragma once

#include <ctime>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "app/config.hpp"
#include "core/log.hpp"
#include "crypto/key_ring.hpp"

namespace postfuze::app {

class KeyReloader {
 public:
  KeyReloader(boost::asio::io_context& io, const Config& config, crypto::KeyRing& keys, core::Logger& log,
              std::function<void()> on_changed);

  void start();
  void reload_now(std::string reason);
  void stop();

 private:
  struct Stamp {
    unsigned long long inode = 0;
    long long size = -1;
    std::timespec modified{};
    bool operator==(const Stamp& o) const {
      return inode == o.inode && size == o.size && modified.tv_sec == o.modified.tv_sec &&
             modified.tv_nsec == o.modified.tv_nsec;
    }
  };
  void arm();                                    // on strand_
  void check(bool force, const std::string& reason);  // on strand_

  const Config& config_;
  crypto::KeyRing& keys_;
  core::Logger& log_;
  std::function<void()> on_changed_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;  // on strand_
  Stamp seen_;                       // on strand_: the file as last read (none yet: the first check reads it)
  bool stopped_ = false;             // on strand_
};

}  // namespace postfuze::app
