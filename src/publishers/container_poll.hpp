// Waiting for a media container to be processed (Instagram and Threads:
// create the container, poll its status until FINISHED, then publish). The
// first check comes after a short pause and the pauses double up to a cap,
// within a bounded number of checks (kContainerPolls); each pause is an
// asio steady_timer on the caller's executor, so no thread waits.
//
// A container that ends in ERROR (or EXPIRED) is permanent
// media_processing_failed; one still IN_PROGRESS after the last check is
// transient media_not_ready — containers are unpublished, so the retry simply
// makes a new one. A status call that fails answers its own result.
// Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "publishers/publisher.hpp"

namespace postfuze::publishers {

// Meta suggests polling about once a minute for up to five minutes (Instagram)
// and ~30 s for a Threads video; a target holds a worker slot meanwhile, so
// PostFuze checks sooner and gives up earlier: at most kContainerPolls checks,
// 0.5 s after creation, then doubling to 15 s (about 2 minutes in all).
inline constexpr int kContainerPolls = 12;
inline constexpr std::chrono::milliseconds kFirstPollDelay{500};
inline constexpr std::chrono::milliseconds kMaxPollDelay{15'000};

enum class ContainerState { finished, in_progress, failed };

// One status check: the state with the platform's words for it, or the
// result to return (the status call itself failed).
struct ContainerCheck {
  ContainerState state = ContainerState::in_progress;
  std::string detail;                  // the platform's status / error message
  std::optional<PublishResult> failed;  // set when the call failed
};

// Calls `check` until the container is finished (nullopt: go on and publish)
// or the result to return instead.
boost::asio::awaitable<std::optional<PublishResult>> wait_for_container(
    const std::function<boost::asio::awaitable<ContainerCheck>()>& check);

}  // namespace postfuze::publishers
