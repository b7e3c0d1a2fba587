#include "webhooks/dispatcher.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/blocking.hpp"
#include "webhooks/endpoint_store.hpp"
#include "webhooks/signing.hpp"

namespace postfuze::webhooks {

namespace asio = boost::asio;
using std::chrono::milliseconds;

Dispatcher::Dispatcher(asio::io_context& io, store::Database& db, asio::thread_pool& blocking,
                       const crypto::KeyRing& keys, const core::Clock& clock, core::Random& random, core::Logger& log,
                       net::HttpClient& client, DispatcherOptions options)
    : io_(io),
      db_(db),
      blocking_(blocking),
      keys_(keys),
      clock_(clock),
      random_(random),
      log_(log),
      client_(client),
      options_(std::move(options)),
      policy_(options_.retry_schedule),
      owner_(core::new_uuid(random)),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

void Dispatcher::start() {
  asio::co_spawn(strand_, run(), [this](std::exception_ptr e) {
    if (e) log_.error("webhook dispatcher stopped by an exception");
  });
}

void Dispatcher::wake() {
  woken_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

void Dispatcher::stop() {
  stopping_ = true;
  wake();
}

asio::awaitable<void> Dispatcher::run() {
  while (!stopping_) {
    woken_ = false;
    const int free_slots = options_.concurrency - in_flight_.load();
    std::vector<DueDelivery> jobs;
    if (free_slots > 0) {
      const auto now = clock_.now();
      auto status = co_await core::run_blocking(blocking_, [&] {
        return db_.transaction([&](store::Connection& c) -> core::Status {
          auto claimed = claim_due_deliveries(c, db_.dialect(), owner_, now, now + options_.lease, free_slots);
          if (!claimed) return std::move(claimed).error();
          jobs = std::move(*claimed);
          return core::Ok{};
        });
      });
      if (!status) log_.warn("webhook claim failed", {{"error", status.error().internal}});
    }
    for (auto& job : jobs) {
      ++in_flight_;
      asio::co_spawn(io_, deliver(std::move(job)), [this](std::exception_ptr e) {
        if (e) log_.error("webhook delivery ended by an exception");
        // A freed slot may let the loop claim more at once.
        if (in_flight_.fetch_sub(1) == options_.concurrency) wake();
      });
    }
    // A full batch suggests more are due: claim again at once.
    if (free_slots > 0 && static_cast<int>(jobs.size()) == free_slots) continue;
    if (woken_) continue;
    timer_.expires_after(options_.poll_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> Dispatcher::deliver(DueDelivery job) {
  AttemptOutcome outcome;
  if (!job.endpoint_enabled) {
    outcome.error_class = "endpoint_disabled";
    co_await finish(job, outcome);
    co_return;
  }
  const auto aad = secret_aad(job.org, job.endpoint_id);
  auto current = keys_.open(job.secret, aad);
  if (!current) {
    log_.error("webhook secret cannot be opened", {{"endpoint_id", job.endpoint_id}, {"error", current.error().internal}});
    outcome.error_class = "secret_unavailable";
    co_await finish(job, outcome);
    co_return;
  }
  std::vector<std::string> secrets{current->reveal()};
  const auto now = clock_.now();
  if (job.previous_secret && job.previous_secret_expires_at && *job.previous_secret_expires_at > now)
    if (auto previous = keys_.open(*job.previous_secret, aad)) secrets.push_back(previous->reveal());

  const std::int64_t timestamp = core::to_unix_ms(now) / 1000;
  net::OutboundRequest req;
  req.url = job.url;
  req.body = job.payload;
  req.timeout = options_.timeout;
  req.enforce_address_policy = true;
  req.headers = {{"Content-Type", "application/json"},
                 {"webhook-id", job.event_id},
                 {"webhook-timestamp", std::to_string(timestamp)},
                 {"webhook-signature", signature_header(secrets, job.event_id, timestamp, job.payload)}};
  const auto result = co_await client_.send(std::move(req));

  const auto verdict = policy_.judge(result, job.attempts_before + 1, random_);
  outcome.latency_ms = result.elapsed.count();
  outcome.error_class = verdict.error_class;
  outcome.disable_endpoint = verdict.disable_endpoint;
  if (result.response) outcome.response_status = result.response->status;
  switch (verdict.kind) {
    case AttemptVerdict::Kind::succeeded: outcome.status = AttemptOutcome::Status::succeeded; break;
    case AttemptVerdict::Kind::retry:
      outcome.status = AttemptOutcome::Status::retrying;
      outcome.next_attempt_at = clock_.now() + verdict.delay;
      break;
    case AttemptVerdict::Kind::failed: outcome.status = AttemptOutcome::Status::failed; break;
  }
  co_await finish(job, outcome);
}

asio::awaitable<void> Dispatcher::finish(const DueDelivery& job, const AttemptOutcome& outcome) {
  bool recorded = false;
  const auto now = clock_.now();
  auto status = co_await core::run_blocking(blocking_, [&] {
    return db_.transaction([&](store::Connection& c) -> core::Status {
      auto r = finish_attempt(c, random_, job, owner_, outcome, now, options_.disable_after);
      if (!r) return std::move(r).error();
      recorded = *r;
      return core::Ok{};
    });
  });
  if (!status) {
    // The lease runs out and the job is tried again: at-least-once.
    log_.error("webhook attempt not recorded", {{"delivery_id", job.delivery_id}, {"error", status.error().internal}});
    co_return;
  }
  log_.info("webhook attempt",
            {{"delivery_id", job.delivery_id},
             {"endpoint_id", job.endpoint_id},
             {"event_type", job.event_type},
             {"attempt", job.attempts_before + 1},
             {"outcome", outcome.status == AttemptOutcome::Status::succeeded ? "succeeded"
                         : outcome.status == AttemptOutcome::Status::retrying ? "retrying"
                                                                              : "failed"},
             {"error_class", outcome.error_class},
             {"latency_ms", outcome.latency_ms},
             {"recorded", recorded}});
}

}  // namespace postfuze::webhooks
