#include "crypto/secure_random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <thread>

namespace postfuze::crypto {
namespace {

TEST(SecureRandom, FillsRequestedLength) {
  SecureRandom random;
  EXPECT_EQ(random.bytes(0), "");
  EXPECT_EQ(random.bytes(1).size(), 1u);
  EXPECT_EQ(random.bytes(33).size(), 33u);
}

TEST(SecureRandom, SuccessiveOutputsDiffer) {
  // A collision of 256-bit values means a broken generator, not bad luck.
  SecureRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(random.bytes(32)).second);
}

TEST(SecureRandom, OverwritesTheWholeBuffer) {
  // 4 MiB spans several internal chunks; every byte value should appear and
  // no 4 KiB block should stay zero.
  SecureRandom random;
  std::string buf(4 << 20, '\0');
  random.fill({reinterpret_cast<unsigned char*>(buf.data()), buf.size()});
  std::array<bool, 256> present{};
  for (const char c : buf) present[static_cast<unsigned char>(c)] = true;
  for (int v = 0; v < 256; ++v) EXPECT_TRUE(present[v]) << "byte value " << v << " never produced";
  const std::string zeros(4096, '\0');
  for (std::size_t off = 0; off < buf.size(); off += zeros.size())
    EXPECT_NE(buf.compare(off, zeros.size(), zeros), 0) << "zero block at " << off;
}

TEST(SecureRandom, IsUsableFromManyThreads) {
  SecureRandom random;
  std::vector<std::string> out(8);
  std::vector<std::thread> threads;
  for (auto& s : out)
    threads.emplace_back([&random, &s] {
      for (int i = 0; i < 200; ++i) s = random.bytes(32);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(out.begin(), out.end()).size(), out.size());
}

}  // namespace
}  // namespace postfuze::crypto
