// Micro-benchmarks for the per-request hot paths of the foundation: API-key
// hashing (every authenticated call), cursor signing, sealing secrets, and
// routing. Prints figures; never a pass/fail test.
#include <benchmark/benchmark.h>

#include <boost/asio/awaitable.hpp>
#include <boost/url/parse.hpp>

#include "api/cursor.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "http/router.hpp"
#include "orgs/api_key.hpp"

namespace pf = postfuze;

static void BM_HashApiKey(benchmark::State& state) {
  pf::crypto::SecureRandom random;
  const auto key = pf::orgs::generate_api_key(pf::orgs::KeyMode::live, random);
  for (auto _ : state) benchmark::DoNotOptimize(pf::orgs::hash_api_key(key.plaintext.reveal()));
}
BENCHMARK(BM_HashApiKey);

static void BM_KeyRingSealOpen(benchmark::State& state) {
  pf::crypto::SecureRandom random;
  auto ring = pf::crypto::KeyRing::parse(pf::crypto::KeyRing::generate_entry(random, "k1"));
  const std::string plaintext(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto sealed = ring->seal(random, "account.token|org|row|access", plaintext);
    benchmark::DoNotOptimize(ring->open(sealed, "account.token|org|row|access"));
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_KeyRingSealOpen)->Arg(64)->Arg(1024)->Arg(16384);

static void BM_CursorRoundTrip(benchmark::State& state) {
  pf::api::CursorCodec codec(std::string(32, 'k'));
  const pf::store::KeysetPosition pos{1780999200000, "3f00045f-a0ad-41b9-a189-693899a7c344"};
  for (auto _ : state) benchmark::DoNotOptimize(codec.decode(codec.encode(pos, "api-keys"), "api-keys"));
}
BENCHMARK(BM_CursorRoundTrip);

static void BM_RouterMatch(benchmark::State& state) {
  pf::http::Router router;
  auto handler = [](pf::http::Request&) -> boost::asio::awaitable<pf::http::Response> { co_return pf::http::Response{}; };
  // A route table of the size the full API will have (about 60 routes).
  for (const char* resource : {"posts", "media", "webhooks", "social-accounts", "social-networks", "api-keys",
                               "imports", "profiles", "team", "scheduling"}) {
    const std::string base = std::string("/api/v1/") + resource;
    router.add(boost::beast::http::verb::get, base, handler);
    router.add(boost::beast::http::verb::post, base, handler);
    router.add(boost::beast::http::verb::get, base + "/{id}", handler);
    router.add(boost::beast::http::verb::patch, base + "/{id}", handler);
    router.add(boost::beast::http::verb::delete_, base + "/{id}", handler);
    router.add(boost::beast::http::verb::get, base + "/{id}/events", handler);
  }
  const auto target = boost::urls::parse_origin_form("/api/v1/scheduling/3f00045f-a0ad-41b9-a189-693899a7c344/events");
  for (auto _ : state) benchmark::DoNotOptimize(router.match(boost::beast::http::verb::get, *target));
}
BENCHMARK(BM_RouterMatch);
