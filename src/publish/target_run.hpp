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
#include "media/object_store.hpp"
#include "publish/object_media_bytes.hpp"
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
  // Media: where the bytes are, how long the public URLs handed to
  // platforms stay valid, and how soon a target whose video is still
  // processing is looked at again.
  media::ObjectStore* objects = nullptr;
  std::chrono::seconds media_url_ttl{6 * 3600};
  std::chrono::milliseconds media_wait{5'000};
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

  // The container's media as publishers get it: every item ready (public
  // URLs signed now), or wait (a video still processing), or gone (failed,
  // deleted, or no store to read it from).
  struct PreparedMedia {
    enum class State { ready, wait, gone } state = State::ready;
    std::vector<publishers::MediaItem> items;
    std::string message;
  };
  PreparedMedia prepare_media(const Container& container) const;
  // Puts the target back in the queue until settings_.media_wait from now,
  // without counting an attempt.
  boost::asio::awaitable<void> wait_for_media(int position);

  const connect::ConnectDeps& deps_;
  const RunSettings& settings_;
  Work work_;
  PostTarget& t_;
  accounts::SocialAccount account_;
  const providers::ProviderSpec& spec_;
  const publishers::Publisher* publisher_;  // null only for fail_target()
  std::optional<ObjectMediaBytes> media_bytes_;  // set when settings_.objects is
};

}  // namespace postfuze::publish
