#include "connect/refresh_job.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "accounts/refresh_store.hpp"
#include "connect/token_service.hpp"
#include "core/blocking.hpp"

namespace postfuze::connect {

namespace asio = boost::asio;

RefreshJob::RefreshJob(asio::io_context& io, ConnectDeps deps, RefreshJobOptions options)
    : io_(io), deps_(std::move(deps)), options_(options), strand_(asio::make_strand(io)), timer_(strand_) {}

void RefreshJob::start() {
  asio::co_spawn(strand_, run(), [this](std::exception_ptr e) {
    if (e) deps_.log.error("token refresh job stopped by an exception");
  });
}

void RefreshJob::stop() {
  stopping_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> RefreshJob::run() {
  while (!stopping_) {
    const int renewed = co_await sweep();
    if (renewed >= options_.batch) continue;  // a full batch: more may be due (margins are uniform today)
    timer_.expires_after(options_.poll_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<int> RefreshJob::sweep() {
  std::vector<std::string> platforms;
  std::chrono::seconds margin{0};
  for (const auto& spec : deps_.config.catalog.providers())
    if ((spec.oauth && spec.refresh.supported) || spec.auth == providers::AuthKind::app_password) {
      platforms.push_back(spec.platform);
      margin = std::max(margin, spec.refresh.margin);
    }
  const auto now = deps_.clock.now();
  std::vector<std::pair<core::OrgId, std::string>> due;
  auto s = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
      auto r = accounts::due_for_refresh(c, platforms, now + margin, now, options_.batch);
      if (!r) return std::move(r).error();
      due = std::move(*r);
      return core::Ok{};
    });
  });
  if (!s) {
    deps_.log.warn("token refresh sweep failed", {{"error", s.error().internal}});
    co_return 0;
  }
  // Run the renewals with bounded concurrency; wait for the whole batch.
  std::size_t next = 0;
  int running = 0;
  asio::experimental::channel<void(boost::system::error_code)> done(co_await asio::this_coro::executor, due.size());
  while (next < due.size() || running > 0) {
    while (running < options_.concurrency && next < due.size()) {
      auto [org, id] = due[next++];
      ++running;
      asio::co_spawn(
          io_,
          [this, org, id]() -> asio::awaitable<void> {
            // Each account is renewed with its own platform margin inside access_token().
            auto r = co_await access_token(deps_, org, id);
            if (!r && r.error().code != core::ErrorCode::conflict)
              deps_.log.debug("proactive refresh did not renew", {{"account_id", id}, {"reason", r.error().internal}});
          },
          // The channel lives on this strand: signal completion there.
          [this, &done](std::exception_ptr) {
            asio::post(strand_, [&done] { done.try_send(boost::system::error_code{}); });
          });
    }
    co_await done.async_receive(asio::as_tuple(asio::use_awaitable));
    --running;
  }
  co_return static_cast<int>(due.size());
}

}  // namespace postfuze::connect
