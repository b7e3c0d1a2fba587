#include "store/connection_pool.hpp"

#include <algorithm>

namespace postfuze::store {

ConnectionPool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

ConnectionPool::ConnectionPool(int size, std::chrono::milliseconds wait, Factory factory)
    : size_(std::max(size, 1)), wait_(wait), factory_(std::move(factory)) {}

void ConnectionPool::adopt(std::unique_ptr<DriverConnection> conn) {
  std::lock_guard lk(mu_);
  idle_.push_back(std::move(conn));
  ++open_;
  cv_.notify_one();
}

core::Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  std::unique_lock lk(mu_);
  bool free = cv_.wait_for(lk, wait_, [&] { return !idle_.empty() || open_ < size_; });
  if (!free) {
    return core::Error::unavailable(
        "The database is busy; try again later.",
        "store: no pooled connection came free within " + std::to_string(wait_.count()) + " ms");
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    lk.unlock();
    if (auto st = conn->revive(); !st) {
      conn.reset();
      lk.lock();
      --open_;
      cv_.notify_one();
      return std::move(st).error();
    }
    return Lease(this, std::move(conn));
  }
  // Open a new one outside the lock: connecting may take seconds.
  ++open_;
  lk.unlock();
  auto made = factory_();
  if (!made) {
    lk.lock();
    --open_;
    cv_.notify_one();
    return std::move(made).error();
  }
  return Lease(this, std::move(made).value());
}

void ConnectionPool::release(std::unique_ptr<DriverConnection> conn) {
  bool keep = conn->recycle();
  if (!keep) conn.reset();
  std::lock_guard lk(mu_);
  if (keep) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

}  // namespace postfuze::store
