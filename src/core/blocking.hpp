// run_blocking: moves a blocking call (the store, a file) off the I/O threads.
// The call runs on the given thread pool and the awaiting coroutine resumes on
// its own executor afterwards, so an I/O thread never waits on a database.
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace postfuze::core {

template <typename F>
boost::asio::awaitable<std::invoke_result_t<F&>> run_blocking(boost::asio::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  // co_spawn needs a default-constructible result type; Result<T> is not.
  std::optional<R> out = co_await boost::asio::co_spawn(
      pool, [&fn]() -> boost::asio::awaitable<std::optional<R>> { co_return std::optional<R>(fn()); },
      boost::asio::use_awaitable);
  co_return std::move(*out);
}

}  // namespace postfuze::core
