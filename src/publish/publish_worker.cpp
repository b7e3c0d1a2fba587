#include "publish/publish_worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "accounts/account_store.hpp"
#include "core/blocking.hpp"
#include "core/ids.hpp"
#include "publish/rollup.hpp"
#include "publish/target_queue.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publish {

namespace asio = boost::asio;

PublishWorker::PublishWorker(asio::io_context& io, connect::ConnectDeps deps, PublishWorkerOptions options)
    : io_(io),
      deps_(std::move(deps)),
      options_(options),
      settings_{"publish-" + core::new_uuid(deps_.random), options.lease, options.retry, options.objects,
                options.media_url_ttl, options.media_wait},
      strand_(asio::make_strand(io)),
      timer_(strand_),
      limiter_(io.get_executor()) {}

void PublishWorker::start() {
  asio::co_spawn(strand_, run(), [this](std::exception_ptr e) {
    if (e) deps_.log.error("publish worker stopped by an exception");
  });
}

void PublishWorker::stop() {
  stopping_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

void PublishWorker::wake() {
  asio::post(strand_, [this] { timer_.cancel(); });
}

asio::awaitable<void> PublishWorker::run() {
  while (!stopping_) {
    const int claimed = co_await claim_and_spawn(false);
    if (claimed > 0 && in_flight_ < options_.max_in_flight) continue;  // more may be due
    timer_.expires_after(options_.poll_interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<int> PublishWorker::drain() { co_return co_await claim_and_spawn(true); }

asio::awaitable<int> PublishWorker::claim_and_spawn(bool wait_for_all) {
  const int room = options_.max_in_flight - in_flight_.load();
  if (room <= 0) co_return 0;
  const auto now = deps_.clock.now();
  Claimed claimed;
  auto s = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.transaction([&](store::Connection& c) -> core::Status {
      auto r = claim_due_targets(c, deps_.db.dialect(), settings_.owner, now, now + options_.lease, std::min(room, 256));
      if (!r) return std::move(r).error();
      claimed = std::move(*r);
      for (const auto& post_id : claimed.post_ids) {
        auto u = roll_up(c, deps_.clock, deps_.random, post_id, {});
        if (!u) return std::move(u).error();
      }
      return core::Ok{};
    });
  });
  if (!s) {
    deps_.log.warn("publish claim failed", {{"error", s.error().internal}});
    co_return 0;
  }
  const auto n = claimed.target_ids.size();
  if (n == 0) co_return 0;
  in_flight_ += static_cast<int>(n);
  auto executor = co_await asio::this_coro::executor;
  asio::experimental::channel<void(boost::system::error_code)> done(executor, n);
  for (auto& id : claimed.target_ids) {
    asio::co_spawn(io_, publish_target(std::move(id)),
                   [this, &done, wait_for_all, executor](std::exception_ptr e) {
                     if (e) deps_.log.error("publish target stopped by an exception");
                     --in_flight_;
                     if (wait_for_all) asio::post(executor, [&done] { done.try_send(boost::system::error_code{}); });
                   });
  }
  if (wait_for_all)
    for (std::size_t i = 0; i < n; ++i) co_await done.async_receive(asio::as_tuple(asio::use_awaitable));
  co_return static_cast<int>(n);
}

asio::awaitable<void> PublishWorker::publish_target(std::string target_id) {
  std::optional<Work> work;
  std::optional<accounts::SocialAccount> account;
  auto loaded = co_await core::run_blocking(deps_.blocking, [&] {
    return deps_.db.with_connection([&](store::Connection& c) -> core::Status {
      auto w = load_work(c, target_id);
      if (!w) return std::move(w).error();
      work = std::move(*w);
      if (!work) return core::Ok{};
      auto a = accounts::find_account(c, work->target.org, work->target.social_account_id);
      if (!a) return std::move(a).error();
      account = std::move(*a);
      return core::Ok{};
    });
  });
  if (!loaded) {
    deps_.log.warn("publish: loading a target failed", {{"target_id", target_id}, {"error", loaded.error().internal}});
    co_return;  // the lease runs out and the target is claimed again
  }
  if (!work) co_return;
  const auto* spec = deps_.config.catalog.find(work->target.platform);
  const publishers::Publisher* publisher = publishers::publisher_for(work->target.platform);
  if (!spec) {
    deps_.log.warn("publish: a queued target's platform is not in the catalogue", {{"target_id", target_id}});
    co_return;
  }
  const std::string account_status = account ? account->status : "missing";
  const std::string account_id = account ? account->id : std::string{};
  const std::string app_id = account ? account->social_network_id : std::string{};
  TargetRun run(deps_, settings_, std::move(*work), account ? std::move(*account) : accounts::SocialAccount{}, *spec,
                publisher);
  // Preflight refuses both at create time; a catalogue or an account that
  // changed since still ends the target cleanly.
  if (!publisher || !spec->publish.supported) {
    co_await run.fail_target("publishing_not_supported", "Publishing to this platform is not supported yet.");
    co_return;
  }
  if (account_status != accounts::kActive) {
    co_await run.fail_target("account_not_active",
                             "The account is " + account_status + "; reconnect it and retry the post.");
    co_return;
  }
  auto account_slot = co_await limiter_.acquire("account:" + account_id, spec->publish.per_account_concurrency);
  auto app_slot = co_await limiter_.acquire("app:" + app_id, spec->publish.per_app_concurrency);
  co_await run.run(stopping_);
}

}  // namespace postfuze::publish
