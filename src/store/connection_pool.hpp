// ConnectionPool: up to `size` driver connections, opened on demand and kept
// for reuse. A borrower waits at most `wait` for one to come free, then gets
// unavailable, so a saturated store sheds load instead of queueing forever.
// Thread-safe. Every Lease must be gone before the pool is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.hpp"
#include "store/driver_connection.hpp"

namespace postfuze::store {

class ConnectionPool {
 public:
  using Factory = std::function<core::Result<std::unique_ptr<DriverConnection>>()>;

  // A borrowed connection; returns it to the pool (after recycle()) when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<DriverConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    DriverConnection& operator*() const { return *conn_; }
    DriverConnection* operator->() const { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<DriverConnection> conn_;
  };

  ConnectionPool(int size, std::chrono::milliseconds wait, Factory factory);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Adds a connection opened up front (the one open_database uses to fail fast).
  void adopt(std::unique_ptr<DriverConnection> conn);

  core::Result<Lease> acquire();

 private:
  void release(std::unique_ptr<DriverConnection> conn);

  const int size_;
  const std::chrono::milliseconds wait_;
  const Factory factory_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<DriverConnection>> idle_;  // LIFO keeps statement caches warm
  int open_ = 0;                                         // idle + borrowed + being opened
};

}  // namespace postfuze::store
