// KeyedLimiter: at most N holders per key at once (per account, per platform
// app: contract §14 "bounded per platform app and per account"), for
// coroutines. Waiters park on a timer that a release cancels, so no thread
// ever blocks; all bookkeeping runs on one strand.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

namespace postfuze::publish {

class KeyedLimiter {
 public:
  explicit KeyedLimiter(boost::asio::any_io_executor executor);

  // Held until destroyed (or moved from); releasing hands the slot to the
  // longest waiter of the same key.
  class Slot {
   public:
    Slot() = default;
    Slot(KeyedLimiter* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    Slot(Slot&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), key_(std::move(o.key_)) {}
    Slot& operator=(Slot&& o) noexcept;
    ~Slot();

   private:
    KeyedLimiter* owner_ = nullptr;
    std::string key_;
  };

  boost::asio::awaitable<Slot> acquire(std::string key, int limit);
  // Holders of `key` right now (tests).
  int holders(const std::string& key) const;

 private:
  void release(const std::string& key);

  struct Entry {
    int holders = 0;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters;
  };
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace postfuze::publish
