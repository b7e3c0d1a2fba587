#include "publishers/container_poll.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "publishers/http_outcome.hpp"
#include "publishers/media_by_url.hpp"

namespace postfuze::publishers {

boost::asio::awaitable<std::optional<PublishResult>> wait_for_container(
    const std::function<boost::asio::awaitable<ContainerCheck>()>& check) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  std::chrono::milliseconds delay = kFirstPollDelay;
  std::string last;
  for (int attempt = 0; attempt < kContainerPolls; ++attempt) {
    timer.expires_after(delay);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec) break;  // cancelled (shutdown): the container is unpublished, a retry makes a new one
    delay = std::min(delay * 2, kMaxPollDelay);
    ContainerCheck c = co_await check();
    if (c.failed) co_return std::move(c.failed);
    if (c.state == ContainerState::finished) co_return std::nullopt;
    if (c.state == ContainerState::failed)
      co_return media_failure(kMediaProcessingFailed,
                              "The platform could not process the media" +
                                  (c.detail.empty() ? std::string(".") : ": " + safe_message(c.detail)));
    last = c.detail;
  }
  PublishResult out;
  out.outcome = Outcome::transient;
  out.error_code = std::string(kMediaNotReady);
  out.message = "The platform was still processing the media (" + safe_message(last) + ").";
  co_return out;
}

}  // namespace postfuze::publishers
