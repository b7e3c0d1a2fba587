#include "connect/connect_state.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "connect/pkce.hpp"
#include "crypto/encoding.hpp"
#include "crypto/secure_random.hpp"
#include "support/manual_clock.hpp"

namespace postfuze::connect {
namespace {

using std::chrono::milliseconds;

crypto::KeyRing ring(std::string_view key_id, char fill) {
  auto r = crypto::KeyRing::parse(std::string(key_id) + ":" + crypto::base64_encode(std::string(32, fill)));
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

class ConnectStateTest : public ::testing::Test {
 protected:
  ConnectState full_state() const {
    ConnectState s;
    s.org.value = "0b6f5a52-3c1e-4d8a-9f27-5e8c1d2b4a61";
    s.platform = "x";
    s.network_id = "7d1e2f30-4b5c-4d6e-8f70-8192a3b4c5d6";
    s.redirect_uri = "https://app.example.com/connected?from=settings";
    s.tenant_id = "customer-42";
    s.code_verifier = verifier_;
    s.nonce = nonce_;
    s.expires_at = clock_.now() + kStateLifetime;
    return s;
  }
  ConnectState minimal_state() const {
    ConnectState s = full_state();
    s.redirect_uri.reset();
    s.tenant_id.reset();
    s.code_verifier.reset();
    return s;
  }
  // Every field at the largest size validate_state allows.
  ConnectState largest_state() const {
    ConnectState s = full_state();
    s.platform = std::string(kMaxPlatformLength, 'p');
    s.redirect_uri = "https://app.example.com/" + std::string(kMaxRedirectUriLength - 24, 'r');
    s.tenant_id = std::string(kMaxTenantIdLength, '\xff');
    return s;
  }
  std::string seal(const ConnectState& s) { return seal_state(keys_, random_, s); }
  core::Result<ConnectState> open(std::string_view text) const { return open_state(keys_, clock_, text); }
  // The payload bytes inside a sealed state (a test-only peek through the ring).
  std::string payload_of(const std::string& text) const {
    auto opened = keys_.open(core::Sealed::from_storage(text), kStateAad);
    EXPECT_TRUE(opened.ok());
    return opened.ok() ? opened->reveal() : std::string();
  }
  // A state text around an arbitrary payload, sealed as seal_state would.
  std::string seal_payload(std::string_view payload, std::string_view aad = kStateAad) {
    return keys_.seal(random_, aad, payload).text();
  }

  crypto::SecureRandom random_;
  test::ManualClock clock_;
  crypto::KeyRing keys_ = ring("k1", 'A');
  std::string verifier_ = generate_verifier(random_);
  std::string nonce_ = new_state_nonce(random_);
};

void expect_code(const core::Result<ConnectState>& r, std::string_view code) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::ErrorCode::bad_request);
  EXPECT_EQ(r.error().status(), 400);
  EXPECT_EQ(state_error_code(r.error()), code) << r.error().internal;
  EXPECT_EQ(r.error().internal.rfind(std::string(code) + ": ", 0), 0u) << r.error().internal;
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "state");
  EXPECT_EQ(r.error().fields[0].code, code);
}

void expect_invalid(const core::Result<ConnectState>& r) { expect_code(r, kInvalidState); }

// --- round trips -------------------------------------------------------------

TEST_F(ConnectStateTest, RoundTripsAllFields) {
  const ConnectState s = full_state();
  const auto opened = open(seal(s));
  ASSERT_TRUE(opened.ok()) << opened.error().internal;
  EXPECT_EQ(*opened, s);
}

TEST_F(ConnectStateTest, RoundTripsWithoutOptionalFields) {
  const ConnectState s = minimal_state();
  const auto opened = open(seal(s));
  ASSERT_TRUE(opened.ok()) << opened.error().internal;
  EXPECT_EQ(*opened, s);
  EXPECT_FALSE(opened->redirect_uri.has_value());
  EXPECT_FALSE(opened->tenant_id.has_value());
  EXPECT_FALSE(opened->code_verifier.has_value());
}

TEST_F(ConnectStateTest, RoundTripsEachOptionalFieldAlone) {
  const ConnectState full = full_state();
  for (int which = 0; which < 3; ++which) {
    ConnectState s = minimal_state();
    if (which == 0) s.redirect_uri = full.redirect_uri;
    if (which == 1) s.tenant_id = full.tenant_id;
    if (which == 2) s.code_verifier = full.code_verifier;
    const auto opened = open(seal(s));
    ASSERT_TRUE(opened.ok()) << which;
    EXPECT_EQ(*opened, s) << which;
  }
}

TEST_F(ConnectStateTest, RoundTripsLargestFieldsAndNonAsciiTenant) {
  const ConnectState s = largest_state();
  const auto opened = open(seal(s));
  ASSERT_TRUE(opened.ok()) << opened.error().internal;
  EXPECT_EQ(*opened, s);
}

TEST_F(ConnectStateTest, RoundTripsRfc7636Verifier) {
  ConnectState s = full_state();
  s.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const auto opened = open(seal(s));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->code_verifier, s.code_verifier);
}

TEST_F(ConnectStateTest, OpensUnderARotatedRingThatStillHoldsTheKey) {
  const std::string text = seal(full_state());
  auto rotated = crypto::KeyRing::parse("k2:" + crypto::base64_encode(std::string(32, 'Z')) +
                                        ",k1:" + crypto::base64_encode(std::string(32, 'A')));
  ASSERT_TRUE(rotated.ok());
  const auto opened = open_state(*rotated, clock_, text);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, full_state());
}

// --- nonce and randomness ----------------------------------------------------

TEST_F(ConnectStateTest, SealFillsAnEmptyNonce) {
  ConnectState s = full_state();
  s.nonce.clear();
  const auto a = open(seal(s));
  const auto b = open(seal(s));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(crypto::base64url_decode(a->nonce).value_or("").size(), 16u);
  EXPECT_NE(a->nonce, b->nonce);
  s.nonce = a->nonce;
  EXPECT_EQ(*a, s);
}

TEST_F(ConnectStateTest, NewNonceIs16BytesOfBase64url) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string n = new_state_nonce(random_);
    EXPECT_EQ(n.size(), 22u);
    EXPECT_EQ(crypto::base64url_decode(n).value_or("").size(), 16u);
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST_F(ConnectStateTest, TwoSealsOfTheSameStateDiffer) {
  const ConnectState s = full_state();
  const std::string a = seal(s);
  const std::string b = seal(s);
  EXPECT_NE(a, b);
  ASSERT_TRUE(open(a).ok() && open(b).ok());
  EXPECT_EQ(*open(a), *open(b));
}

// --- text shape ----------------------------------------------------------------

TEST_F(ConnectStateTest, TextIsUrlSafe) {
  for (const ConnectState& s : {full_state(), minimal_state(), largest_state()}) {
    for (int i = 0; i < 20; ++i) {
      const std::string text = seal(s);
      EXPECT_EQ(text.rfind("pf1.k1.", 0), 0u);
      // RFC 3986 §2.3 unreserved characters need no escaping anywhere in a URL.
      EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"),
                std::string::npos)
          << text;
    }
  }
}

TEST_F(ConnectStateTest, LargestStateIsUnder500CharactersWithTheLongestKeyId) {
  const crypto::KeyRing keys = ring(std::string(32, 'K'), 'C');  // KeyRing allows key ids of 1-32 chars
  const std::string text = seal_state(keys, random_, largest_state());
  EXPECT_EQ(text.size(), kMaxStateLength) << "the size budget in connect_state.cpp is worked out exactly";
  EXPECT_LT(text.size(), 500u);
  const auto opened = open_state(keys, clock_, text);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, largest_state());
}

TEST_F(ConnectStateTest, TypicalStateIsShort) {
  ConnectState s = full_state();
  s.tenant_id = "0b6f5a52-3c1e-4d8a-9f27-5e8c1d2b4a61";
  EXPECT_LT(seal(s).size(), 300u);
}

// --- tampering and foreign texts -----------------------------------------------

TEST_F(ConnectStateTest, ChangingAnyCharacterMakesItInvalid) {
  const std::string text = seal(full_state());
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (const char replacement : {'A', 'B', '-', '_'}) {
      if (text[i] == replacement) continue;
      std::string altered = text;
      altered[i] = replacement;
      const auto r = open(altered);
      ASSERT_FALSE(r.ok()) << "position " << i;
      EXPECT_EQ(state_error_code(r.error()), kInvalidState) << "position " << i;
    }
  }
}

TEST_F(ConnectStateTest, TruncatedOrExtendedTextIsInvalid) {
  const std::string text = seal(full_state());
  for (std::size_t n = 0; n < text.size(); ++n) {
    const auto r = open(std::string_view(text).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(state_error_code(r.error()), kInvalidState) << n;
  }
  expect_invalid(open(text + "A"));
  expect_invalid(open(text + "AAAA"));
  expect_invalid(open(text + "."));
  expect_invalid(open(" " + text));
}

TEST_F(ConnectStateTest, GarbageIsInvalid) {
  const std::vector<std::string> texts = {"",
                                           "x",
                                           "pf1.",
                                           "pf1.k1.",
                                           "pf1.k1.!!!!",
                                           "pf1..AAAA",
                                           "pf2.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                           "pf1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                           std::string(5000, 'A')};
  for (const std::string& text : texts)
    expect_invalid(open(text));
}

TEST_F(ConnectStateTest, SealedUnderAnotherKeyIsInvalid) {
  const ConnectState s = full_state();
  const crypto::KeyRing same_id_other_key = ring("k1", 'B');
  expect_invalid(open(seal_state(same_id_other_key, random_, s)));
  const crypto::KeyRing other_id = ring("k9", 'A');  // the same key bytes under an unknown id
  expect_invalid(open(seal_state(other_id, random_, s)));
}

TEST_F(ConnectStateTest, RelabelledKeyIdIsInvalid) {
  // Both keys are in the ring; the key id is bound into the AEAD's associated data.
  auto both = crypto::KeyRing::parse("k1:" + crypto::base64_encode(std::string(32, 'A')) +
                                     ",k2:" + crypto::base64_encode(std::string(32, 'A')));
  ASSERT_TRUE(both.ok());
  std::string text = seal_state(*both, random_, full_state());
  ASSERT_EQ(text.rfind("pf1.k1.", 0), 0u);
  text[5] = '2';
  expect_invalid(open_state(*both, clock_, text));
}

TEST_F(ConnectStateTest, CiphertextSealedForAnotherPurposeIsInvalid) {
  const std::string payload = payload_of(seal(full_state()));
  ASSERT_TRUE(open(seal_payload(payload)).ok()) << "control: the same payload under connect.state opens";
  for (const std::string_view aad : {"api.cursor", "", "connect.state|", "connect.stat", "account.token|x|y|access"})
    expect_invalid(open(seal_payload(payload, aad)));
}

TEST_F(ConnectStateTest, AuthenticButMalformedPayloadsAreInvalid) {
  const std::string good = payload_of(seal(full_state()));
  ASSERT_GT(good.size(), 60u);
  const auto with = [&](std::size_t at, char byte) {
    std::string p = good;
    p[at] = byte;
    return p;
  };
  expect_invalid(open(seal_payload("")));
  expect_invalid(open(seal_payload(with(0, 2))));                    // unknown version
  expect_invalid(open(seal_payload(with(1, char(good[1] | 8)))));    // unknown flag
  expect_invalid(open(seal_payload(with(1, 0))));                    // flags say nothing optional follows
  expect_invalid(open(seal_payload(good.substr(0, good.size() - 1))));  // truncated
  expect_invalid(open(seal_payload(good + '\0')));                   // trailing byte
  // Platform length byte sits after version, flags, expiry, nonce and two UUIDs.
  const std::size_t platform_at = 1 + 1 + 8 + 16 + 16 + 16;
  ASSERT_EQ(good[platform_at], 1);
  expect_invalid(open(seal_payload(with(platform_at, 0))));        // empty platform is not a platform
  expect_invalid(open(seal_payload(with(platform_at + 1, 'X'))));  // not [a-z0-9_]
}

// --- expiry ----------------------------------------------------------------------

TEST_F(ConnectStateTest, ValidUntilJustBeforeTenMinutes) {
  const std::string text = seal(full_state());
  clock_.advance(kStateLifetime - milliseconds(1));
  EXPECT_TRUE(open(text).ok());
}

TEST_F(ConnectStateTest, ExpiredAfterTenMinutes) {
  const std::string text = seal(full_state());
  clock_.advance(kStateLifetime);
  expect_code(open(text), kStateExpired);
  clock_.advance(std::chrono::hours(24));
  expect_code(open(text), kStateExpired);
}

TEST_F(ConnectStateTest, ExpiredErrorKeepsInternalsOutOfTheDetail) {
  const std::string text = seal(full_state());
  clock_.advance(kStateLifetime + milliseconds(1));
  const auto r = open(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().detail.find("ms"), std::string::npos);
  EXPECT_NE(r.error().internal.find("expired at"), std::string::npos);
}

TEST_F(ConnectStateTest, TamperedAndExpiredIsInvalidNotExpired) {
  std::string text = seal(full_state());
  text[text.size() - 5] = text[text.size() - 5] == 'A' ? 'B' : 'A';
  clock_.advance(kStateLifetime + milliseconds(1));
  expect_invalid(open(text));
}

TEST_F(ConnectStateTest, LifetimeIsTenMinutes) { EXPECT_EQ(kStateLifetime, std::chrono::minutes(10)); }

// --- validation ------------------------------------------------------------------

std::string first_bad_field(const ConnectState& s) {
  const auto status = validate_state(s);
  if (status.ok()) return "";
  EXPECT_EQ(status.error().code, core::ErrorCode::validation_failed);
  return status.error().fields.at(0).field;
}

TEST_F(ConnectStateTest, ValidStatesPassValidation) {
  EXPECT_EQ(first_bad_field(full_state()), "");
  EXPECT_EQ(first_bad_field(minimal_state()), "");
  EXPECT_EQ(first_bad_field(largest_state()), "");
  ConnectState s = full_state();
  s.nonce.clear();
  EXPECT_EQ(first_bad_field(s), "") << "seal_state fills an empty nonce";
  s.platform = "google_business";
  EXPECT_EQ(first_bad_field(s), "");
}

TEST_F(ConnectStateTest, ValidationNamesTheBadField) {
  struct Row {
    void (*mutate)(ConnectState&);
    std::string field;
  };
  const std::vector<Row> rows = {
      {[](ConnectState& s) { s.org.value = "org_1"; }, "org"},
      {[](ConnectState& s) { s.org.value = "0B6F5A52-3C1E-4D8A-9F27-5E8C1D2B4A61"; }, "org"},
      {[](ConnectState& s) { s.org.value.clear(); }, "org"},
      {[](ConnectState& s) { s.platform.clear(); }, "platform"},
      {[](ConnectState& s) { s.platform = std::string(kMaxPlatformLength + 1, 'p'); }, "platform"},
      {[](ConnectState& s) { s.platform = "X"; }, "platform"},
      {[](ConnectState& s) { s.platform = "google-business"; }, "platform"},
      {[](ConnectState& s) { s.network_id = "shared"; }, "network_id"},
      {[](ConnectState& s) { s.redirect_uri = ""; }, "redirect_uri"},
      {[](ConnectState& s) { s.redirect_uri = std::string(kMaxRedirectUriLength + 1, 'r'); }, "redirect_uri"},
      {[](ConnectState& s) { s.tenant_id = ""; }, "tenant_id"},
      {[](ConnectState& s) { s.tenant_id = std::string(kMaxTenantIdLength + 1, 't'); }, "tenant_id"},
      {[](ConnectState& s) { s.tenant_id = std::string(255, 't'); }, "tenant_id"},
      {[](ConnectState& s) { s.code_verifier = std::string(43, '~'); }, "code_verifier"},
      {[](ConnectState& s) { s.code_verifier = std::string(128, 'a'); }, "code_verifier"},
      {[](ConnectState& s) { s.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl"; }, "code_verifier"},
      {[](ConnectState& s) { s.nonce = "not a nonce"; }, "nonce"},
      {[](ConnectState& s) { s.nonce = std::string(22, '.'); }, "nonce"},
      {[](ConnectState& s) { s.nonce = crypto::base64url_encode(std::string(15, 'n')); }, "nonce"},
  };
  for (const Row& row : rows) {
    ConnectState s = full_state();
    row.mutate(s);
    EXPECT_EQ(first_bad_field(s), row.field);
    EXPECT_THROW((void)seal(s), std::invalid_argument) << row.field;
  }
}

TEST_F(ConnectStateTest, TooLongFieldsUseTheTooLongRule) {
  ConnectState s = full_state();
  s.tenant_id = std::string(kMaxTenantIdLength + 1, 't');
  s.redirect_uri = std::string(kMaxRedirectUriLength + 1, 'r');
  const auto status = validate_state(s);
  ASSERT_FALSE(status.ok());
  ASSERT_EQ(status.error().fields.size(), 2u);
  EXPECT_EQ(status.error().fields[0].field, "redirect_uri");
  EXPECT_EQ(status.error().fields[0].code, "too_long");
  EXPECT_EQ(status.error().fields[1].field, "tenant_id");
  EXPECT_EQ(status.error().fields[1].code, "too_long");
}

TEST(ConnectStateErrors, StateErrorCodeIgnoresOtherErrors) {
  EXPECT_EQ(state_error_code(core::Error::bad_request("x")), "");
  EXPECT_EQ(state_error_code(core::Error::validation("state", "bad", std::string(kInvalidState))), "");
  core::Error e = core::Error::bad_request("x");
  e.fields.push_back(core::FieldError{"state", "x", "something_else"});
  EXPECT_EQ(state_error_code(e), "");
}

}  // namespace
}  // namespace postfuze::connect
