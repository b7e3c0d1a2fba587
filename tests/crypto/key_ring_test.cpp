#include "crypto/key_ring.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "crypto/aead.hpp"
#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "crypto/secure_random.hpp"

namespace postfuze::crypto {
namespace {

// Deterministic bytes 0, 1, 2, ... so tests can predict nonces.
class CountingRandom final : public core::Random {
 public:
  void fill(std::span<unsigned char> out) override {
    for (auto& b : out) b = next_++;
  }

 private:
  unsigned char next_ = 0;
};

const std::string kKeyA(32, 'A');
const std::string kKeyB(32, 'B');
const std::string kKeyA64 = base64_encode(kKeyA);
const std::string kKeyB64 = base64_encode(kKeyB);

KeyRing ring(const std::string& spec) {
  auto r = KeyRing::parse(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().fields.at(0).message);
  return std::move(r).value();
}

std::string body_of(const core::Sealed& s) {
  return base64url_decode(std::string_view(s.text()).substr(4 + s.key_id().size() + 1)).value();
}

core::Sealed with_body(std::string_view key_id, std::string_view body) {
  return core::Sealed::from_storage("pf1." + std::string(key_id) + "." + base64url_encode(body));
}

TEST(KeyRing, SealThenOpenRoundTrips) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  SecureRandom random;
  const core::Sealed sealed = keys.seal(random, "account.token|org_1|acc_1|access", "top secret token");
  EXPECT_EQ(sealed.key_id(), "k1");
  EXPECT_EQ(sealed.text().rfind("pf1.k1.", 0), 0u);
  EXPECT_EQ(body_of(sealed).size(), kAeadNonceSize + std::string("top secret token").size() + kAeadTagSize);
  const auto opened = keys.open(sealed, "account.token|org_1|acc_1|access");
  ASSERT_TRUE(opened.ok()) << opened.error().internal;
  EXPECT_EQ(opened->reveal(), "top secret token");
}

TEST(KeyRing, RoundTripsEmptyAndBinaryPlaintexts) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  SecureRandom random;
  for (const std::string& plain : {std::string(), std::string("\0\xff\x01", 3)}) {
    const auto opened = keys.open(keys.seal(random, "p", plain), "p");
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(opened->reveal(), plain);
  }
}

TEST(KeyRing, SealedTextNeverContainsThePlaintext) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  SecureRandom random;
  const std::string plain = "pf1-looking-plaintext-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  const core::Sealed sealed = keys.seal(random, "aad", plain);
  EXPECT_EQ(sealed.text().find(plain), std::string::npos);
  EXPECT_EQ(sealed.text().find(base64url_encode(plain).substr(0, 12)), std::string::npos);
  EXPECT_EQ(body_of(sealed).find(plain.substr(0, 8)), std::string::npos);
}

TEST(KeyRing, NonceComesFromTheInjectedRandomAndChangesPerSeal) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  CountingRandom random;
  const core::Sealed first = keys.seal(random, "aad", "same");
  const core::Sealed second = keys.seal(random, "aad", "same");
  EXPECT_EQ(hex_encode(body_of(first).substr(0, 12)), "000102030405060708090a0b");
  EXPECT_EQ(hex_encode(body_of(second).substr(0, 12)), "0c0d0e0f1011121314151617");
  EXPECT_NE(first.text(), second.text());
  // The body is exactly AES-256-GCM under the documented associated data.
  const std::string body = body_of(first);
  EXPECT_EQ(aes256gcm_open(kKeyA, body.substr(0, 12), "pf1|k1|aad", body.substr(12)), "same");
}

TEST(KeyRing, OpenFailsWithWrongAad) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  SecureRandom random;
  const core::Sealed sealed = keys.seal(random, "account.token|org_1|acc_1|access", "token-value");
  for (const char* aad : {"account.token|org_2|acc_1|access", "account.token|org_1|acc_1|refresh", ""}) {
    const auto opened = keys.open(sealed, aad);
    ASSERT_FALSE(opened.ok()) << aad;
    EXPECT_EQ(opened.error().code, core::ErrorCode::internal);
    EXPECT_EQ(opened.error().internal.find("token-value"), std::string::npos);
  }
}

TEST(KeyRing, OpenFailsWhenTextIsMovedToAnotherKeyId) {
  // Both ids hold the same key, so only the key id bound into the aad can
  // tell the relabelled text apart.
  const KeyRing keys = ring("k1:" + kKeyA64 + ",k2:" + kKeyA64);
  SecureRandom random;
  const core::Sealed sealed = keys.seal(random, "aad", "secret");
  ASSERT_TRUE(keys.open(sealed, "aad").ok());
  const auto moved = keys.open(with_body("k2", body_of(sealed)), "aad");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.error().code, core::ErrorCode::internal);
}

TEST(KeyRing, OpenFailsForUnknownKeyId) {
  SecureRandom random;
  const core::Sealed sealed = ring("k1:" + kKeyA64).seal(random, "aad", "secret");
  const auto opened = ring("k2:" + kKeyA64).open(sealed, "aad");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, core::ErrorCode::internal);
  EXPECT_NE(opened.error().internal.find("unknown key id 'k1'"), std::string::npos) << opened.error().internal;
}

TEST(KeyRing, OpenFailsForAnyTamperedByte) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  SecureRandom random;
  const core::Sealed sealed = keys.seal(random, "aad", "secret value");
  const std::string body = body_of(sealed);
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string altered = body;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_FALSE(keys.open(with_body("k1", altered), "aad").ok()) << "byte " << i;
  }
}

TEST(KeyRing, OpenRejectsMalformedText) {
  const KeyRing keys = ring("k1:" + kKeyA64);
  SecureRandom random;
  const std::string good = keys.seal(random, "aad", "x").text();
  for (const std::string& bad :
       {std::string(), std::string("pf1."), std::string("pf1.k1."), std::string("pf1.k1"), "pf2" + good.substr(3),
        good + "=", good.substr(0, good.size() - 1), std::string("pf1.k1.") + "!!!!",
        "pf1.k1." + base64url_encode(std::string(27, 'x')), "pf1.k!1." + good.substr(7)}) {
    const auto opened = keys.open(core::Sealed::from_storage(bad), "aad");
    EXPECT_FALSE(opened.ok()) << bad;
  }
}

TEST(KeyRing, RotationSealsWithNewKeyAndStillOpensOldText) {
  SecureRandom random;
  const KeyRing before = ring("k1:" + kKeyA64);
  const core::Sealed old_text = before.seal(random, "aad", "old secret");

  const KeyRing after = ring("k2:" + kKeyB64 + ",k1:" + kKeyA64);
  EXPECT_EQ(after.active_key_id(), "k2");
  const auto old_opened = after.open(old_text, "aad");
  ASSERT_TRUE(old_opened.ok());
  EXPECT_EQ(old_opened->reveal(), "old secret");

  const core::Sealed new_text = after.seal(random, "aad", "new secret");
  EXPECT_EQ(new_text.key_id(), "k2");
  EXPECT_TRUE(after.open(new_text, "aad").ok());
  EXPECT_FALSE(before.open(new_text, "aad").ok());
}

TEST(KeyRing, ParseAcceptsValidSpecs) {
  const std::string id32(32, 'x');
  const KeyRing keys = ring(" Prod_2024-a:" + kKeyA64 + " ,\t" + id32 + ":" + kKeyB64 + "\n");
  EXPECT_EQ(keys.active_key_id(), "Prod_2024-a");
  EXPECT_EQ(keys.key_ids(), (std::vector<std::string>{"Prod_2024-a", id32}));
  EXPECT_TRUE(keys.has_key(id32));
  EXPECT_FALSE(keys.has_key("k3"));
}

struct ParseError {
  std::string spec;
  std::string message_part;
};

TEST(KeyRing, ParseRejectsBadSpecsWithoutEchoingKeyMaterial) {
  const std::string short_key = base64_encode(std::string(16, 'S'));
  const std::string long_key = base64_encode(std::string(33, 'L'));
  const std::string unpadded = kKeyB64.substr(0, kKeyB64.size() - 1);
  const ParseError cases[] = {
      {"", "no encryption keys"},
      {"  ", "no encryption keys"},
      {"k1:" + kKeyA64 + ",k2:" + kKeyB64.substr(1) + "*", "key 'k2' is not 32 bytes of base64"},
      {"k1:" + kKeyA64 + ",k2:" + unpadded, "key 'k2' is not 32 bytes of base64"},
      {"k1:-" + kKeyA64.substr(1), "key 'k1' is not 32 bytes of base64"},
      {"k1:" + short_key, "key 'k1' is not 32 bytes of base64"},
      {"k1:" + long_key, "key 'k1' is not 32 bytes of base64"},
      {"k1:", "key 'k1' is not 32 bytes of base64"},
      {"k1:" + kKeyA64 + ",k1:" + kKeyB64, "key id 'k1' is listed twice"},
      {"k1:" + kKeyA64 + ",", "entry 2 is empty"},
      {",k1:" + kKeyA64, "entry 1 is empty"},
      {kKeyA64, "entry 1 is not of the form KEYID:base64"},
      {"k.1:" + kKeyA64, "entry 1 has a key id"},
      {"k1:" + kKeyA64 + ",k 2:" + kKeyB64, "entry 2 has a key id"},
      {"k|1:" + kKeyA64, "entry 1 has a key id"},
      {":" + kKeyA64, "entry 1 has a key id"},
      {std::string(33, 'x') + ":" + kKeyA64, "entry 1 has a key id"},
      {kKeyB64.substr(0, 10) + "\xc3\xa9:" + kKeyA64, "entry 1 has a key id"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spec);
    const auto parsed = KeyRing::parse(c.spec);
    ASSERT_FALSE(parsed.ok());
    const core::Error& error = parsed.error();
    EXPECT_EQ(error.code, core::ErrorCode::validation_failed);
    ASSERT_EQ(error.fields.size(), 1u);
    EXPECT_EQ(error.fields[0].field, "POSTFUZE_ENCRYPTION_KEYS");
    EXPECT_NE(error.fields[0].message.find(c.message_part), std::string::npos) << error.fields[0].message;
    for (const std::string* text : {&error.detail, &error.internal, &error.fields[0].message}) {
      for (const std::string& secret : {kKeyA64, kKeyB64, short_key, long_key})
        EXPECT_EQ(text->find(secret.substr(0, 8)), std::string::npos) << *text;
    }
  }
}

TEST(KeyRing, GenerateEntryMakesAParsableFreshKey) {
  CountingRandom random;
  const std::string entry = KeyRing::generate_entry(random, "k9");
  std::string expected_key;
  for (int i = 0; i < 32; ++i) expected_key += static_cast<char>(i);
  EXPECT_EQ(entry, "k9:" + base64_encode(expected_key));
  const KeyRing keys = ring(entry + "," + KeyRing::generate_entry(random, "k8"));
  EXPECT_EQ(keys.active_key_id(), "k9");
  EXPECT_TRUE(keys.has_key("k8"));

  SecureRandom secure;
  EXPECT_NE(KeyRing::generate_entry(secure, "k"), KeyRing::generate_entry(secure, "k"));
}

TEST(KeyRing, DeriveIsHkdfOfTheActiveKeyPerPurpose) {
  const KeyRing keys = ring("k1:" + kKeyA64 + ",k2:" + kKeyB64);
  const std::string cursor = keys.derive("api.cursor");
  EXPECT_EQ(cursor.size(), 32u);
  EXPECT_EQ(cursor, hkdf_sha256(kKeyA, "postfuze", "api.cursor", 32));
  EXPECT_NE(cursor, keys.derive("webhooks.signing"));
  EXPECT_NE(cursor, ring("k2:" + kKeyB64 + ",k1:" + kKeyA64).derive("api.cursor"));
}

// --- reload (live rotation, docs/decisions.md D21) ---------------------------

const std::string kKeyC64 = base64_encode(std::string(32, 'C'));

TEST(KeyRing, ReloadMakesNewWritesUseTheNewKeyAtOnceAndOldTextStillOpens) {
  SecureRandom random;
  KeyRing owner = ring("k1:" + kKeyA64);
  const KeyRing& keys = owner;  // how the server's modules hold it
  const core::Sealed before = keys.seal(random, "aad", "sealed before");
  const std::string cursor_key = keys.derive("api.cursor");  // derived once at start, kept by its holder

  ASSERT_TRUE(owner.reload("k2:" + kKeyB64 + ",k1:" + kKeyA64));
  EXPECT_EQ(keys.active_key_id(), "k2");
  EXPECT_EQ(keys.key_ids(), (std::vector<std::string>{"k1", "k2"}));
  const KeyRing::Ids ids = keys.ids();
  EXPECT_EQ(ids.active, "k2");
  EXPECT_EQ(ids.others, (std::vector<std::string>{"k1"}));
  const core::Sealed after = keys.seal(random, "aad", "sealed after");
  EXPECT_EQ(after.key_id(), "k2");
  ASSERT_TRUE(keys.open(before, "aad"));
  EXPECT_EQ(keys.open(before, "aad")->reveal(), "sealed before");
  EXPECT_EQ(keys.open(after, "aad")->reveal(), "sealed after");
  EXPECT_EQ(keys.derive("api.cursor"), hkdf_sha256(kKeyB, "postfuze", "api.cursor", 32));
  EXPECT_EQ(cursor_key, hkdf_sha256(kKeyA, "postfuze", "api.cursor", 32));

  // Once nothing names k1 any more it may be dropped (k2 stays: it is active).
  ASSERT_TRUE(owner.reload("k2:" + kKeyB64));
  EXPECT_EQ(keys.key_ids(), (std::vector<std::string>{"k2"}));
  EXPECT_TRUE(keys.open(after, "aad"));
  EXPECT_FALSE(keys.open(before, "aad"));
}

TEST(KeyRing, ReloadRefusesAListWithoutTheActiveKeyAndKeepsTheRing) {
  SecureRandom random;
  KeyRing keys = ring("k2:" + kKeyB64 + ",k1:" + kKeyA64);
  const core::Sealed sealed = keys.seal(random, "aad", "x");
  struct Case {
    std::string spec;
    std::string message;
  };
  const std::vector<Case> cases{
      {"k3:" + kKeyC64 + ",k1:" + kKeyA64, "does not contain the active key 'k2'"},
      {"k3:" + kKeyC64 + ",k2:" + kKeyA64, "other key bytes under the active key id 'k2'"},
      {"", "no encryption keys are configured"},
      {"k3:" + kKeyC64 + ",k2", "entry 2 is not of the form KEYID:base64"},
  };
  for (const auto& c : cases) {
    const auto s = keys.reload(c.spec);
    ASSERT_FALSE(s) << c.spec;
    ASSERT_FALSE(s.error().fields.empty());
    EXPECT_NE(s.error().fields.front().message.find(c.message), std::string::npos) << s.error().fields.front().message;
    EXPECT_EQ(s.error().fields.front().message.find(kKeyC64.substr(0, 8)), std::string::npos) << "no key material";
    EXPECT_EQ(keys.active_key_id(), "k2");
    EXPECT_EQ(keys.key_ids(), (std::vector<std::string>{"k1", "k2"}));
    EXPECT_TRUE(keys.open(sealed, "aad"));
  }
}

TEST(KeyRing, ACopyKeepsItsSnapshotWhenTheOriginalReloads) {
  SecureRandom random;
  KeyRing keys = ring("k1:" + kKeyA64);
  const KeyRing copy = keys;
  ASSERT_TRUE(keys.reload("k2:" + kKeyB64 + ",k1:" + kKeyA64));
  EXPECT_EQ(copy.active_key_id(), "k1");
  EXPECT_EQ(keys.active_key_id(), "k2");
  EXPECT_EQ(copy.seal(random, "aad", "x").key_id(), "k1");
}

// Several threads seal and open while another reloads back and forth between
// two lists (each holding the other's active key): every call sees one whole
// key list, so nothing ever fails, and both keys are used.
TEST(KeyRing, ConcurrentSealAndOpenDuringReloadsNeverFail) {
  KeyRing owner = ring("k1:" + kKeyA64 + ",k2:" + kKeyB64);
  const KeyRing& keys = owner;
  const std::string one_first = "k1:" + kKeyA64 + ",k2:" + kKeyB64;
  const std::string two_first = "k2:" + kKeyB64 + ",k1:" + kKeyA64;
  SecureRandom setup_random;
  const core::Sealed old_text = keys.seal(setup_random, "aad|old", "sealed before the threads");

  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, sealed_k1{0}, sealed_k2{0}, calls{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      SecureRandom random;
      const std::string plain = "secret of thread " + std::to_string(t);
      while (!done.load()) {
        const core::Sealed s = keys.seal(random, "aad|" + std::to_string(t), plain);
        (s.key_id() == "k1" ? sealed_k1 : sealed_k2)++;
        const auto opened = keys.open(s, "aad|" + std::to_string(t));
        if (!opened || opened->reveal() != plain) ++failures;
        const auto old = keys.open(old_text, "aad|old");
        if (!old || old->reveal() != "sealed before the threads") ++failures;
        if (keys.derive("p").size() != 32 || !keys.has_key(keys.active_key_id())) ++failures;
        ++calls;
      }
    });
  }
  // Until both keys were sealed with too: on a loaded machine the workers may
  // run a whole time slice while the reloader is descheduled on one list.
  int reloads = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (; (reloads < 2000 || calls.load() < 2000 || sealed_k1.load() == 0 || sealed_k2.load() == 0) &&
         std::chrono::steady_clock::now() < deadline;
       ++reloads)
    if (!owner.reload(reloads % 2 == 0 ? two_first : one_first)) ++failures;
  done = true;
  for (auto& w : workers) w.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(reloads, 2000);
  EXPECT_GT(sealed_k1.load(), 0);
  EXPECT_GT(sealed_k2.load(), 0);
}

}  // namespace
}  // namespace postfuze::crypto
