#include "jobs/reencrypt.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/blocking.hpp"

namespace postfuze::jobs {

namespace asio = boost::asio;

namespace {

struct Change {
  std::string id;
  std::string old_text;
  core::Sealed sealed;
};

}  // namespace

core::Result<BatchResult> reencrypt_batch(store::Database& db, const crypto::KeyRing& keys, core::Random& random,
                                          const SealedColumn& column, std::string_view old_key_id,
                                          std::string_view after_id, int limit, const BeforeWriteHook& before_write) {
  const std::string table(column.table), id_col(column.id_column), col(column.column);
  std::vector<store::Row> rows;
  auto read = db.with_connection([&](store::Connection& c) -> core::Status {
    auto r = c.query("SELECT " + id_col + ", " + std::string(column.org_column) + ", " + col + " FROM " + table +
                         " WHERE " + names_key_condition(column, old_key_id, 1) + " AND " + id_col + " > $2 ORDER BY " +
                         id_col + " LIMIT " + std::to_string(limit),
                     {key_prefix(old_key_id), after_id});
    if (!r) return std::move(r).error();
    rows = std::move(*r);
    return core::Ok{};
  });
  if (!read) return std::move(read).error();

  BatchResult result;
  result.selected = static_cast<int>(rows.size());
  std::vector<Change> changes;
  for (const auto& row : rows) {
    std::string id = row.text(0);
    const core::OrgId org{row.text(1)};
    std::string old_text = row.text(2);
    result.last_id = id;
    const std::string aad = column.aad(org, id);
    auto plain = keys.open(core::Sealed::from_storage(old_text), aad);
    if (!plain) {
      ++result.failed;
      result.failed_ids.push_back(std::move(id));
      continue;
    }
    core::Sealed sealed = keys.seal(random, aad, plain->reveal());
    changes.push_back({std::move(id), std::move(old_text), std::move(sealed)});
  }
  if (changes.empty()) return result;
  if (before_write) before_write(column);

  int rewritten = 0;
  auto written = db.transaction([&](store::Connection& c) -> core::Status {
    rewritten = 0;  // a retried transaction counts afresh
    for (const auto& ch : changes) {
      auto n = c.execute("UPDATE " + table + " SET " + col + " = $1 WHERE " + id_col + " = $2 AND " + col + " = $3",
                         {ch.sealed, ch.id, ch.old_text});
      if (!n) return std::move(n).error();
      rewritten += static_cast<int>(*n);
    }
    return core::Ok{};
  });
  if (!written) return std::move(written).error();
  result.rewritten = rewritten;
  result.lost_race = static_cast<int>(changes.size()) - rewritten;
  return result;
}

core::Result<std::int64_t> count_naming(store::Database& db, const SealedColumn& column,
                                        const std::vector<std::string>& key_ids) {
  std::int64_t total = 0;
  auto s = db.with_connection([&](store::Connection& c) -> core::Status {
    for (const auto& id : key_ids) {
      auto rows = c.query("SELECT COUNT(*) FROM " + std::string(column.table) + " WHERE " +
                              names_key_condition(column, id, 1),
                          {key_prefix(id)});
      if (!rows) return std::move(rows).error();
      total += rows->at(0).integer(0);
    }
    return core::Ok{};
  });
  if (!s) return std::move(s).error();
  return total;
}

Reencryptor::Reencryptor(asio::io_context& io, store::Database& db, asio::thread_pool& blocking,
                         const crypto::KeyRing& keys, core::Random& random, core::Logger& log, ReencryptOptions options)
    : db_(db),
      blocking_(blocking),
      keys_(keys),
      random_(random),
      log_(log),
      options_(std::move(options)),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

void Reencryptor::start(std::function<void(const ReencryptSummary&)> done) {
  done_ = std::move(done);
  asio::post(strand_, [this] { spawn(std::chrono::milliseconds(0)); });
}

void Reencryptor::wake() {
  asio::post(strand_, [this] {
    if (stopping_) return;
    reruns_ = 0;
    if (running_) {
      woken_ = true;  // the pass in progress took its key list before the change
      return;
    }
    spawn(options_.settle);
  });
}

void Reencryptor::spawn(std::chrono::milliseconds delay) {
  if (stopping_) return;
  running_ = true;
  woken_ = false;
  asio::co_spawn(strand_, run(delay),
                 asio::bind_executor(strand_, [this](std::exception_ptr e, ReencryptSummary summary) {
                   running_ = false;
                   if (e) log_.error("re-encryption stopped by an exception");
                   if (done_) done_(summary);
                   if (stopping_) return;
                   if (woken_) return spawn(options_.settle);
                   // Values left that did not fail to open: a writer was still on the previous key.
                   if (!e && summary.completed && summary.remaining > summary.failed && reruns_ < options_.max_reruns) {
                     ++reruns_;
                     return spawn(options_.settle);
                   }
                   reruns_ = 0;
                 }));
}

void Reencryptor::stop() {
  stopping_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> Reencryptor::pause(std::chrono::milliseconds d) {
  if (stopping_) co_return;
  timer_.expires_after(d);
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<std::int64_t> Reencryptor::remaining(const SealedColumn& column,
                                                     const std::vector<std::string>& old_ids) {
  auto n = co_await core::run_blocking(blocking_, [&] { return count_naming(db_, column, old_ids); });
  if (!n) {
    log_.warn("re-encryption: counting failed", {{"table", column.table}, {"error", n.error().internal}});
    co_return -1;
  }
  co_return *n;
}

asio::awaitable<ReencryptSummary> Reencryptor::run(std::chrono::milliseconds delay) {
  ReencryptSummary summary;
  if (delay.count() > 0) co_await pause(delay);
  if (stopping_) co_return summary;
  // One snapshot of the key ids for the whole pass; a reload meanwhile wakes another pass.
  const crypto::KeyRing::Ids ids = keys_.ids();
  const std::string& active = ids.active;
  const std::vector<std::string>& old_ids = ids.others;
  if (old_ids.empty()) {
    summary.remaining = 0;
    summary.completed = true;
    co_return summary;
  }
  std::string old_list;
  for (const auto& id : old_ids) old_list += (old_list.empty() ? "" : ",") + id;

  std::int64_t total = 0;
  for (const auto& column : sealed_columns()) {
    const std::int64_t n = co_await remaining(column, old_ids);
    total += n < 0 ? 1 : n;  // a failed count: go through the column anyway
  }
  if (total == 0) {
    log_.info("re-encryption: no sealed value names an old key; the old keys can be removed",
              {{"active_key", active}, {"old_keys", old_list}});
    summary.remaining = 0;
    summary.completed = true;
    co_return summary;
  }
  log_.info("re-encryption started",
            {{"active_key", active}, {"old_keys", old_list}, {"values", total}});

  int batches = 0;
  const auto out_of_batches = [&] { return options_.max_batches > 0 && batches >= options_.max_batches; };
  for (const auto& column : sealed_columns()) {
    BatchResult column_total;
    for (const auto& old_id : old_ids) {
      std::string after;
      while (true) {
        if (stopping_ || out_of_batches()) co_return summary;
        auto batch = co_await core::run_blocking(blocking_, [&] {
          return reencrypt_batch(db_, keys_, random_, column, old_id, after, options_.batch_size,
                                 options_.before_write);
        });
        ++batches;
        if (!batch) {
          log_.warn("re-encryption batch failed; retrying",
                    {{"table", column.table}, {"column", column.column}, {"error", batch.error().internal}});
          co_await pause(options_.retry_after);
          continue;
        }
        for (const auto& id : batch->failed_ids)
          log_.error("re-encryption: a sealed value does not open; left as it is",
                     {{"table", column.table}, {"column", column.column}, {"id", id}, {"key_id", old_id}});
        column_total.rewritten += batch->rewritten;
        column_total.lost_race += batch->lost_race;
        column_total.failed += batch->failed;
        if (batch->selected < options_.batch_size) break;
        after = batch->last_id;
        if (batches % 50 == 0) {
          const std::int64_t left = co_await remaining(column, old_ids);
          log_.info("re-encryption progress", {{"table", column.table},
                                               {"column", column.column},
                                               {"rewritten", column_total.rewritten},
                                               {"remaining", left}});
        }
        co_await pause(options_.pause);
      }
    }
    summary.rewritten += column_total.rewritten;
    summary.lost_race += column_total.lost_race;
    summary.failed += column_total.failed;
    const std::int64_t left = co_await remaining(column, old_ids);
    log_.info("re-encryption progress", {{"table", column.table},
                                         {"column", column.column},
                                         {"rewritten", column_total.rewritten},
                                         {"concurrently_changed", column_total.lost_race},
                                         {"failed", column_total.failed},
                                         {"remaining", left}});
  }

  summary.remaining = 0;
  for (const auto& column : sealed_columns()) {
    const auto n = co_await remaining(column, old_ids);
    summary.remaining = (n < 0 || summary.remaining < 0) ? -1 : summary.remaining + n;
  }
  summary.completed = true;
  log_.info(summary.remaining == 0 ? "re-encryption finished: no sealed value names an old key; the old keys can be removed"
                                   : "re-encryption finished with values left under old keys (see the errors above); "
                                     "the next start tries again",
            {{"active_key", active},
             {"old_keys", old_list},
             {"rewritten", summary.rewritten},
             {"concurrently_changed", summary.lost_race},
             {"failed", summary.failed},
             {"remaining", summary.remaining}});
  co_return summary;
}

}  // namespace postfuze::jobs
