// PooledDatabase: the Database both backends share. It borrows a connection
// from a ConnectionPool per call and runs transactions with the backend's BEGIN
// statement; the backends differ only in their DriverConnection.
#pragma once

#include <string>

#include "store/connection_pool.hpp"
#include "store/database.hpp"

namespace postfuze::store {

class PooledDatabase final : public Database {
 public:
  PooledDatabase(Dialect dialect, std::string begin_sql, int pool_size, std::chrono::milliseconds pool_wait,
                 ConnectionPool::Factory factory);

  ConnectionPool& pool() { return pool_; }

  Dialect dialect() const override { return dialect_; }
  core::Status transaction(const std::function<core::Status(Connection&)>& fn) override;
  core::Status with_connection(const std::function<core::Status(Connection&)>& fn) override;
  core::Status ping() override;

 private:
  const Dialect dialect_;
  const std::string begin_sql_;  // "BEGIN IMMEDIATE" on SQLite, "BEGIN" on PostgreSQL
  ConnectionPool pool_;
};

}  // namespace postfuze::store
