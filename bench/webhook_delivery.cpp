// Webhook delivery throughput and latency, printed as figures (never pass/fail).
//
//   deliveries/s   N endpoints × M events queued in the outbox, then the real
//                  Dispatcher + HttpClient deliver them to a loopback receiver
//                  (SQLite store in a temp dir) — with 1 and with 100 endpoints.
//   emit → first   time from the committing emit to the receiver seeing the
//   attempt        request, at idle: with an in-process wake (what the API does)
//                  and without (another process emitted: the poll interval).
//
// Usage: webhook_delivery_bench [deliveries per case, default 2000]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"
#include "webhooks/dispatcher.hpp"
#include "webhooks/endpoint_store.hpp"
#include "webhooks/outbox.hpp"

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace postfuze;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A loopback receiver answering 200 to everything, on its own thread.
class Receiver {
 public:
  Receiver() : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Receiver() {
    io_.stop();
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::atomic<long> received{0};
  std::atomic<Clock::rep> last_at{0};

 private:
  asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket socket) {
    boost::beast::tcp_stream stream(std::move(socket));
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, use_tuple);
      if (ec) co_return;
      last_at = Clock::now().time_since_epoch().count();
      ++received;
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      res.body() = "ok";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
      if (wec || !res.keep_alive()) co_return;
    }
  }
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
};

struct Harness {
  explicit Harness(std::chrono::milliseconds poll)
      : dir(std::filesystem::temp_directory_path() / ("pf-wh-bench-" + std::to_string(::getpid()))),
        ring(*crypto::KeyRing::parse(crypto::KeyRing::generate_entry(random, "k1"))),
        log(clock, core::LogLevel::warn) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    db = store::open_database("sqlite:" + (dir / "bench.db").string(), {static_cast<int>(std::max(2u, std::thread::hardware_concurrency())), 5000, 5}).value();
    (void)store::migrate(*db);
    org = *orgs::ensure_organization(*db, clock, random, "bench");
    client.emplace(io.get_executor(), clock, net::HttpClientOptions{"bench", true, std::nullopt});
    webhooks::DispatcherOptions options;
    options.poll_interval = poll;
    dispatcher.emplace(io, *db, blocking, ring, clock, random, log, *client, options);
  }
  ~Harness() {
    dispatcher->stop();
    io.stop();
    for (auto& t : threads) t.join();
    blocking.join();
    std::filesystem::remove_all(dir);
  }
  void add_endpoints(int n, unsigned short port) {
    (void)db->transaction([&](store::Connection& c) -> core::Status {
      for (int i = 0; i < n; ++i) {
        webhooks::Endpoint e;
        e.id = core::new_uuid(random);
        e.org = org.id;
        e.url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
        e.events = {"post.published"};
        e.secret = ring.seal(random, webhooks::secret_aad(e.org, e.id), "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNA==");
        e.created_at = e.updated_at = clock.now();
        if (auto s = webhooks::insert_endpoint(c, e); !s) return s;
      }
      return core::Ok{};
    });
  }
  void emit(int events) {
    (void)db->transaction([&](store::Connection& c) -> core::Status {
      for (int i = 0; i < events; ++i) {
        auto r = webhooks::emit(c, clock, random, org.id, "post.published", {{"post_id", core::new_uuid(random)}});
        if (!r) return std::move(r).error();
      }
      return core::Ok{};
    });
  }
  void start() {
    dispatcher->start();
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { io.run(); });
  }

  core::SystemClock clock;
  crypto::SecureRandom random;
  std::filesystem::path dir;
  crypto::KeyRing ring;
  core::Logger log;
  std::unique_ptr<store::Database> db;
  orgs::Organization org;
  asio::io_context io{2};
  // Sized like the server's default: one blocking thread per core, at least 2.
  asio::thread_pool blocking{std::max(2u, std::thread::hardware_concurrency())};
  std::optional<net::HttpClient> client;
  std::optional<webhooks::Dispatcher> dispatcher;
  std::vector<std::thread> threads;
};

void throughput(int endpoints, int deliveries) {
  Receiver receiver;
  Harness h(std::chrono::milliseconds(50));
  h.add_endpoints(endpoints, receiver.port());
  h.emit(deliveries / endpoints);
  const long expected = (deliveries / endpoints) * endpoints;
  const auto start = Clock::now();
  h.start();
  while (receiver.received < expected && Clock::now() - start < std::chrono::minutes(5))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double seconds =
      std::chrono::duration<double>(Clock::time_point(Clock::duration(receiver.last_at.load())) - start).count();
  std::printf("%-28s %6d endpoints  %6ld deliveries  %8.2f s  %9.0f deliveries/s\n", "throughput", endpoints,
              receiver.received.load(), seconds, static_cast<double>(receiver.received.load()) / seconds);
}

void latency(bool wake, int samples) {
  Receiver receiver;
  Harness h(std::chrono::milliseconds(500));
  h.add_endpoints(1, receiver.port());
  h.start();
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    const long before = receiver.received;
    const auto t0 = Clock::now();
    h.emit(1);
    if (wake) h.dispatcher->wake();
    while (receiver.received == before) std::this_thread::sleep_for(std::chrono::microseconds(200));
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::time_point(Clock::duration(receiver.last_at.load())) - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-28s %s  median %7.2f ms  p90 %7.2f ms  max %7.2f ms  (%d samples)\n", "emit -> first attempt",
              wake ? "wake  " : "poll 500 ms", ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back(), samples);
}

}  // namespace

int main(int argc, char** argv) {
  const int deliveries = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::printf("webhook delivery (SQLite store, loopback receiver, %u cores)\n", std::thread::hardware_concurrency());
  throughput(1, deliveries);
  throughput(100, deliveries);
  latency(true, 30);
  latency(false, 10);
  return 0;
}
