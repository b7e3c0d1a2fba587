// DriverConnection: what the pool and the transaction runner need from a
// backend connection beyond the public Connection interface. Internal to store/.
#pragma once

#include "store/database.hpp"

namespace postfuze::store {

class DriverConnection : public Connection {
 public:
  // Called before each borrow: repairs a connection that broke while idle
  // (PostgreSQL reconnects); an error means the store cannot be reached.
  virtual core::Status revive() { return core::Ok{}; }
  // Called after each borrow: ends any transaction left open. False when the
  // connection is no longer usable and should be dropped from the pool.
  virtual bool recycle() = 0;
  // True when the open transaction already failed, so COMMIT would not commit.
  virtual bool transaction_failed() const { return false; }
};

}  // namespace postfuze::store
