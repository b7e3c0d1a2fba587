// TargetRun: one claimed target's turn (docs/decisions.md D26), step by step
// — the root post, then each reply or comment — until it is done, must wait
// for a retry, or fails for good:
//   intent left by a lost answer? → ask the platform (Publisher::find) first
//   record intent → create → record the platform's id at once
//   transient / 429 / ambiguous → back off (Retry-After honoured), release
//   auth → renew the token once (token_service), else fail for good and mark
//          the account reauth_required
//   permanent → the target (or that reply) fails for good
// Every write is one transaction under the worker's lease, with the attempt
// row, the post's rollup and its events. Lives only inside one coroutine.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "accounts/social_account.hpp"
#include "connect/connect_services.hpp"
#include "connect/token_service.hpp"
#include "publish/post_store.hpp"
#include "publish/retry_policy.hpp"
#include "publish/rollup.hpp"
#include "publish/target_queue.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publish {

struct RunSettings {
  std::string owner;  // the worker's lease owner id
  std::chrono::milliseconds lease;
  RetryPolicy retry;
};

class TargetRun {
 public:
  TargetRun(const connect::ConnectDeps& deps, const RunSettings& settings, Work work,
            accounts::SocialAccount account, const providers::ProviderSpec& spec,
            const publishers::Publisher* publisher);
  TargetRun(const TargetRun&) = delete;  // t_ refers into work_
  TargetRun& operator=(const TargetRun&) = delete;

  // Precondition: a publisher was given.
  boost::asio::awaitable<void> run(const std::atomic<bool>& stopping);

  // Ends the target for good before any step (platform not supported,
  // account not active): one write with post.target.failed.
  boost::asio::awaitable<void> fail_target(std::string code, std::string message);

 private:
  using Ms = std::chrono::milliseconds;

  // Each returns whether the run may go on with the next step.
  boost::asio::awaitable<bool> succeeded(int position, const publishers::PlatformRef& ref, std::string_view outcome,
                                         const publishers::PublishResult& result, Ms latency);
  boost::asio::awaitable<bool> failed_for_good(int position, TargetError error, std::optional<AttemptRecord> attempt);
  boost::asio::awaitable<bool> transient(int position, const publishers::PublishResult& result, std::string_view outcome,
                                         Ms latency);
  boost::asio::awaitable<bool> save(std::optional<core::TimePoint> keep_until, std::vector<TargetEvent> events,
                                    std::optional<AttemptRecord> attempt);
  AttemptRecord attempt_row(int position, std::string_view outcome, const publishers::PublishResult* result,
                            std::optional<core::TimePoint> retry_at, Ms latency) const;
  boost::asio::awaitable<std::optional<connect::AccessToken>> token_or_wait(int position);

  const connect::ConnectDeps& deps_;
  const RunSettings& settings_;
  Work work_;
  PostTarget& t_;
  accounts::SocialAccount account_;
  const providers::ProviderSpec& spec_;
  const publishers::Publisher* publisher_;  // null only for fail_target()
};

}  // namespace postfuze::publish
