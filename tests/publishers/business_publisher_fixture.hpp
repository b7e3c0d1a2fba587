// BusinessPublisherTest: one platform simulator per test, the built-in
// catalogue pointed at it (its provider overrides), and an HttpClient on the
// test's own io_context; create()/find() run to completion on the test
// thread. Used by the LinkedIn, Facebook and Google Business publisher tests.
#pragma once

#include <chrono>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "providers/catalog.hpp"
#include "publishers/publisher.hpp"
#include "support/http_client.hpp"
#include "support/platform_sim.hpp"
#include "support/sim_logins.hpp"

namespace postfuze::test {

class BusinessPublisherTest : public ::testing::Test {
 protected:
  BusinessPublisherTest() : catalog_(providers::builtin_catalog()), http_(io_.get_executor(), clock_, {}) {
    auto applied = providers::apply_overrides(catalog_, sim_.overrides_json());
    if (!applied) throw std::runtime_error("overrides: " + applied.error().detail);
  }

  const providers::ProviderSpec& spec(const std::string& platform) const { return *catalog_.find(platform); }

  publishers::PublishContext context(const std::string& platform, publishers::PublishAccount account,
                                     std::string token, boost::json::object config = {}) {
    account.platform = platform;
    return publishers::PublishContext{spec(platform), http_,   timeout_, clock_, std::move(account),
                                      core::Secret(std::move(token)), std::move(config)};
  }

  template <class T>
  T run(boost::asio::awaitable<T> task) {
    auto result = boost::asio::co_spawn(io_, std::move(task), boost::asio::use_future);
    io_.restart();
    io_.run();
    return result.get();
  }

  publishers::PublishResult create(const publishers::Publisher& p, const publishers::PublishContext& ctx,
                                   const publishers::PublishItem& item) {
    return run(p.create(ctx, item));
  }
  publishers::LookupResult find(const publishers::Publisher& p, const publishers::PublishContext& ctx,
                                const publishers::PublishItem& item) {
    return run(p.find(ctx, item, since_));
  }

  static publishers::PublishItem root(std::string text) { return {0, std::move(text), std::nullopt, std::nullopt}; }
  static publishers::PublishItem comment(int position, std::string text, const publishers::PlatformRef& root) {
    return {position, std::move(text), root, root};
  }

  // The simulator's stored posts of `platform` (GET /_sim/posts).
  boost::json::array posts(const std::string& platform) const {
    const auto r = http_request(sim_.port(), boost::beast::http::verb::get, "/_sim/posts?platform=" + platform);
    return r.json().as_array();
  }

  void knobs(const std::string& platform, boost::json::object k) const { sim_.scenario(platform, std::move(k)); }

  PlatformSim sim_;
  providers::Catalog catalog_;
  core::SystemClock clock_;
  core::TimePoint since_ = clock_.now() - std::chrono::minutes(1);
  boost::asio::io_context io_;
  net::HttpClient http_;
  std::chrono::milliseconds timeout_{5000};
};

}  // namespace postfuze::test
