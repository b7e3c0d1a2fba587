// KeyedLimiter: at most N holders per key at once (per account, per platform
// app: contract §14 "bounded per platform app and per account"), for
// coroutines. Waiters park on a timer that a release cancels, so no thread
// ever blocks; all bookkeeping runs on one strand.
#pragma once

#include <atomic>
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
  struct Shared;

 public:
  explicit KeyedLimiter(boost::asio::any_io_executor executor);
  // Slots may outlive the limiter (coroutine frames destroyed with their
  // io_context at shutdown): their release then does nothing.
  ~KeyedLimiter();
  KeyedLimiter(const KeyedLimiter&) = delete;
  KeyedLimiter& operator=(const KeyedLimiter&) = delete;

  // Held until destroyed (or moved from); releasing hands the slot to the
  // longest waiter of the same key.
  class Slot {
   public:
    Slot() = default;
    Slot(std::shared_ptr<Shared> owner, std::string key) : owner_(std::move(owner)), key_(std::move(key)) {}
    Slot(Slot&& o) noexcept = default;
    Slot& operator=(Slot&& o) noexcept;
    ~Slot();

   private:
    std::shared_ptr<Shared> owner_;
    std::string key_;
  };

  boost::asio::awaitable<Slot> acquire(std::string key, int limit);

 private:
  struct Entry {
    int holders = 0;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiters;
  };
  struct Shared : std::enable_shared_from_this<Shared> {
    explicit Shared(boost::asio::any_io_executor executor);
    void release(const std::string& key);
    boost::asio::strand<boost::asio::any_io_executor> strand;
    std::unordered_map<std::string, Entry> entries;  // touched on `strand` only
    std::atomic<bool> closed{false};
  };
  std::shared_ptr<Shared> shared_;
};

}  // namespace postfuze::publish
