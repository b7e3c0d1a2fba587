#include "publish/keyed_limiter.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace postfuze::publish {

namespace asio = boost::asio;

KeyedLimiter::Shared::Shared(asio::any_io_executor executor) : strand(asio::make_strand(std::move(executor))) {}

KeyedLimiter::KeyedLimiter(asio::any_io_executor executor) : shared_(std::make_shared<Shared>(std::move(executor))) {}

KeyedLimiter::~KeyedLimiter() { shared_->closed = true; }

KeyedLimiter::Slot& KeyedLimiter::Slot::operator=(Slot&& o) noexcept {
  if (this != &o) {
    if (owner_) owner_->release(key_);
    owner_ = std::move(o.owner_);
    key_ = std::move(o.key_);
  }
  return *this;
}

KeyedLimiter::Slot::~Slot() {
  if (owner_) owner_->release(key_);
}

asio::awaitable<KeyedLimiter::Slot> KeyedLimiter::acquire(std::string key, int limit) {
  const auto resume_on = co_await asio::this_coro::executor;
  co_await asio::dispatch(asio::bind_executor(shared_->strand, asio::use_awaitable));
  auto& e = shared_->entries[key];
  if (e.holders < std::max(1, limit)) {
    ++e.holders;
  } else {
    // Parked until a release cancels the timer; the slot is handed over then.
    auto timer = std::make_shared<asio::steady_timer>(shared_->strand, asio::steady_timer::time_point::max());
    e.waiters.push_back(timer);
    co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_await asio::dispatch(asio::bind_executor(resume_on, asio::use_awaitable));
  co_return Slot(shared_, std::move(key));
}

void KeyedLimiter::Shared::release(const std::string& key) {
  if (closed) return;  // shutting down: nobody waits any more
  asio::post(strand, [this, self = shared_from_this(), key] {
    auto it = entries.find(key);
    if (it == entries.end()) return;
    auto& e = it->second;
    if (!e.waiters.empty()) {
      auto next = e.waiters.front();
      e.waiters.pop_front();
      next->cancel();  // the waiter now holds this slot
      return;
    }
    if (--e.holders <= 0) entries.erase(it);
  });
}

}  // namespace postfuze::publish
