#include "store/pooled_database.hpp"

namespace postfuze::store {

PooledDatabase::PooledDatabase(Dialect dialect, std::string begin_sql, int pool_size,
                               std::chrono::milliseconds pool_wait, ConnectionPool::Factory factory)
    : dialect_(dialect), begin_sql_(std::move(begin_sql)), pool_(pool_size, pool_wait, std::move(factory)) {}

core::Status PooledDatabase::transaction(const std::function<core::Status(Connection&)>& fn) {
  auto lease = pool_.acquire();
  if (!lease) return std::move(lease).error();
  DriverConnection& c = **lease;

  if (auto begun = c.execute(begin_sql_); !begun) return std::move(begun).error();
  // Rollback failures are ignored: the caller's error matters more, and
  // recycle() drops a connection still stuck in a transaction.
  core::Status result = core::Ok{};
  try {
    result = fn(c);
  } catch (...) {
    (void)c.execute("ROLLBACK");
    throw;
  }
  if (!result) {
    (void)c.execute("ROLLBACK");
    return result;
  }
  if (c.transaction_failed()) {
    // PostgreSQL would turn this COMMIT into a silent ROLLBACK.
    (void)c.execute("ROLLBACK");
    return core::Error::internal_error("store: transaction aborted by an earlier failed statement");
  }
  if (auto committed = c.execute("COMMIT"); !committed) {
    (void)c.execute("ROLLBACK");
    return std::move(committed).error();
  }
  return core::Ok{};
}

core::Status PooledDatabase::with_connection(const std::function<core::Status(Connection&)>& fn) {
  auto lease = pool_.acquire();
  if (!lease) return std::move(lease).error();
  return fn(**lease);
}

core::Status PooledDatabase::ping() {
  auto st = with_connection([](Connection& c) -> core::Status {
    auto rows = c.query("SELECT 1");
    if (!rows) return std::move(rows).error();
    if (rows->size() != 1 || rows->front().size() != 1 || rows->front().optional_text(0) != "1") {
      return core::Error::internal_error("store: SELECT 1 returned an unexpected result");
    }
    return core::Ok{};
  });
  if (st || st.error().code == core::ErrorCode::unavailable) return st;
  return core::Error::unavailable("The database is unavailable.", st.error().internal);
}

}  // namespace postfuze::store
