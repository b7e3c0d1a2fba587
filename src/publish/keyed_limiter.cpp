#include "publish/keyed_limiter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace postfuze::publish {

namespace asio = boost::asio;

KeyedLimiter::KeyedLimiter(asio::any_io_executor executor) : strand_(asio::make_strand(std::move(executor))) {}

KeyedLimiter::Slot& KeyedLimiter::Slot::operator=(Slot&& o) noexcept {
  if (this != &o) {
    if (owner_) owner_->release(key_);
    owner_ = std::exchange(o.owner_, nullptr);
    key_ = std::move(o.key_);
  }
  return *this;
}

KeyedLimiter::Slot::~Slot() {
  if (owner_) owner_->release(key_);
}

asio::awaitable<KeyedLimiter::Slot> KeyedLimiter::acquire(std::string key, int limit) {
  const auto resume_on = co_await asio::this_coro::executor;
  co_await asio::dispatch(asio::bind_executor(strand_, asio::use_awaitable));
  auto& e = entries_[key];
  if (e.holders < std::max(1, limit)) {
    ++e.holders;
  } else {
    // Parked until a release cancels the timer; the slot is handed over then.
    auto timer = std::make_shared<asio::steady_timer>(strand_, asio::steady_timer::time_point::max());
    e.waiters.push_back(timer);
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_await asio::dispatch(asio::bind_executor(resume_on, asio::use_awaitable));
  co_return Slot(this, std::move(key));
}

void KeyedLimiter::release(const std::string& key) {
  asio::post(strand_, [this, key] {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    auto& e = it->second;
    if (!e.waiters.empty()) {
      auto next = e.waiters.front();
      e.waiters.pop_front();
      next->cancel();  // the waiter now holds this slot
      return;
    }
    if (--e.holders <= 0) entries_.erase(it);
  });
}

int KeyedLimiter::holders(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.holders;
}

}  // namespace postfuze::publish
