// The test receiver itself (receiver.py), checked without the server: its
// signature verification against the example published with the Standard
// Webhooks specification, and its answer plan. The delivery tests rely on both.
#include <gtest/gtest.h>

#include <ctime>

#include "support/http_client.hpp"
#include "webhook_fixture.hpp"

namespace postfuze::test {
namespace {

using boost::beast::http::verb;

// The Standard Webhooks example: secret, id, timestamp, body and the expected signature.
constexpr const char* kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr const char* kSpecTimestamp = "1614265330";
constexpr const char* kSpecBody = R"({"test": 2432232314})";
constexpr const char* kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

Headers spec_headers(const std::string& signature_header, const std::string& timestamp = kSpecTimestamp) {
  return {{"Content-Type", "application/json"},
          {"webhook-id", kSpecId},
          {"webhook-timestamp", timestamp},
          {"webhook-signature", signature_header}};
}

TEST(WebhookReceiver, VerifiesTheStandardWebhooksExampleAndNothingElse) {
  Receiver receiver({.secrets = {kDecoySecret, kSpecSecret}});
  const std::string header =
      std::string("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ") + kSpecSignature + " v2,whatever";
  ASSERT_EQ(http_request(receiver.port(), verb::post, "/hook", kSpecBody, spec_headers(header)).status, 200);
  // The same signature over a body with one character changed.
  ASSERT_EQ(http_request(receiver.port(), verb::post, "/hook", R"({"test": 2432232315})", spec_headers(kSpecSignature))
                .status,
            200);
  // The same signature with another timestamp (now: fresh, but the signature no longer fits).
  const std::string now = std::to_string(std::time(nullptr));
  ASSERT_EQ(http_request(receiver.port(), verb::post, "/hook", kSpecBody, spec_headers(kSpecSignature, now)).status,
            200);

  ASSERT_TRUE(receiver.wait_for(3));
  const auto got = receiver.records();
  ASSERT_EQ(got.size(), 3u);
  ASSERT_EQ(got[0].signatures.size(), 3u);
  EXPECT_TRUE(got[0].signatures[0].verified_by.empty());
  EXPECT_EQ(got[0].signatures[1].verified_by, std::vector<int>{1});
  EXPECT_EQ(got[0].signatures[2].version, "v2");
  EXPECT_TRUE(got[0].signatures[2].verified_by.empty()) << "only v1 signatures are checked";
  EXPECT_FALSE(got[0].every_signature_verifies());
  EXPECT_TRUE(got[0].verifies_with(1));
  EXPECT_FALSE(got[0].verifies_with(0));
  EXPECT_FALSE(got[0].timestamp_fresh) << "2021 is more than 5 minutes ago";
  EXPECT_EQ(got[0].webhook_id, kSpecId);
  EXPECT_EQ(got[0].body, kSpecBody);
  EXPECT_EQ(got[0].type, std::nullopt);

  EXPECT_FALSE(got[1].verifies_with(1)) << "a changed body must not verify";
  EXPECT_FALSE(got[2].verifies_with(1)) << "a changed timestamp must not verify";
  EXPECT_TRUE(got[2].timestamp_fresh);
}

TEST(WebhookReceiver, AnswersByPlanThenWithTheDefault) {
  Receiver receiver({.plan = "500,429:7,302,410,200/70000"});
  const std::string body = R"({"type":"webhook.test","timestamp":"x","data":{}})";
  const auto a = http_request(receiver.port(), verb::post, "/hook", body);
  const auto b = http_request(receiver.port(), verb::post, "/hook", body);
  const auto c = http_request(receiver.port(), verb::post, "/hook", body);
  const auto d = http_request(receiver.port(), verb::post, "/hook", body);
  const auto e = http_request(receiver.port(), verb::post, "/hook", body);
  const auto f = http_request(receiver.port(), verb::post, "/hook", body);
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(b.status, 429);
  EXPECT_EQ(b.header("retry-after"), "7");
  EXPECT_FALSE(a.has_header("retry-after"));
  EXPECT_EQ(c.status, 302);
  EXPECT_EQ(c.header("location"), "/redirected");
  EXPECT_EQ(d.status, 410);
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.body.size(), 70000u);
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.body, R"({"ok":true})");
  const auto got = receiver.records();
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[1].responded, 429);
  EXPECT_EQ(got[5].responded, 200);
  EXPECT_EQ(got[0].type, std::optional<std::string>("webhook.test"));
  EXPECT_LE(got[0].received_at, got[4].received_at);
  EXPECT_TRUE(got[0].signatures.empty());
  EXPECT_FALSE(got[0].every_signature_verifies()) << "no signature is not a valid signature";
}

}  // namespace
}  // namespace postfuze::test
