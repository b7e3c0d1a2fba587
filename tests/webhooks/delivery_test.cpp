// End to end: webhook deliveries from the real server binary to an
// independent receiver (receiver.py) that verifies Standard Webhooks
// signatures with its own code — signing and body shape, dual signatures
// after rotation, retries with Retry-After, 410 Gone, final 4xx, redirects,
// timeouts, recover and resend, and the address policy at delivery time — on
// every store backend.
#include <gtest/gtest.h>

#include <ctime>
#include <set>

#include <boost/json/parse.hpp>

#include "webhook_fixture.hpp"

namespace postfuze::test {
namespace {

using WebhookDelivery = WebhookTest;
using std::chrono::milliseconds;

std::vector<std::string> column(const std::vector<boost::json::object>& rows, const char* key) {
  std::vector<std::string> out;
  for (const auto& r : rows) {
    const auto& v = r.at(key);
    out.push_back(v.is_null() ? "null" : v.is_string() ? std::string(v.as_string()) : json_text(v));
  }
  return out;
}

std::int64_t unix_seconds(const std::string& text) { return std::stoll(text); }

TEST_P(WebhookDelivery, TestEventIsSignedAndShapedPerStandardWebhooks) {
  const auto created = create_webhook(kNowhere);
  const std::string id = str(created, "id");
  const std::string secret = str(created, "signing_secret");
  // The receiver knows a decoy secret (index 0) and the real one (index 1).
  Receiver receiver({.secrets = {kDecoySecret, secret}});
  set_url(id, receiver.url());

  const auto before = std::time(nullptr);
  const auto r = wh(verb::post, "/" + id + "/test");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto accepted = r.json().as_object();
  EXPECT_EQ(str(accepted, "type"), "webhook.test");
  const std::string event_id = str(accepted, "event_id");
  const std::string delivery_id = str(accepted, "delivery_id");
  ASSERT_FALSE(event_id.empty());
  ASSERT_FALSE(delivery_id.empty());

  ASSERT_TRUE(receiver.wait_for(1)) << receiver.stderr_text() << server_->log_text();
  const auto got = receiver.records().at(0);
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.path, "/hook");
  EXPECT_EQ(got.webhook_id, event_id);
  // webhook-timestamp: integer Unix seconds of the attempt.
  ASSERT_FALSE(got.webhook_timestamp.empty());
  EXPECT_EQ(got.webhook_timestamp.find_first_not_of("0123456789"), std::string::npos) << got.webhook_timestamp;
  EXPECT_GE(unix_seconds(got.webhook_timestamp), before - 1);
  EXPECT_LE(unix_seconds(got.webhook_timestamp), std::time(nullptr) + 1);
  EXPECT_TRUE(got.timestamp_fresh);
  // One signature (one active secret), verifying with the real secret only.
  ASSERT_EQ(got.signatures.size(), 1u) << got.signature_header;
  EXPECT_EQ(got.signatures[0].version, "v1");
  EXPECT_EQ(got.signatures[0].verified_by, std::vector<int>{1}) << got.signature_header;
  EXPECT_EQ(got.content_type, "application/json");
  EXPECT_NE(got.user_agent.find("PostFuze"), std::string::npos) << got.user_agent;
  // Body: exactly {"type","timestamp","data"}.
  const auto body = boost::json::parse(got.body).as_object();
  std::set<std::string> keys;
  for (const auto& kv : body) keys.insert(std::string(kv.key()));
  EXPECT_EQ(keys, (std::set<std::string>{"type", "timestamp", "data"})) << got.body;
  EXPECT_EQ(got.type, std::optional<std::string>("webhook.test"));
  EXPECT_EQ(str(body, "type"), "webhook.test");
  EXPECT_TRUE(str(body, "timestamp").ends_with("Z")) << got.body;
  ASSERT_TRUE(body.at("data").is_object()) << got.body;
  EXPECT_EQ(str(body.at("data").as_object(), "webhook_id"), id);
  // No secret in the payload.
  EXPECT_EQ(got.body.find(secret.substr(6)), std::string::npos);

  // The delivery log shows the one successful attempt.
  ASSERT_TRUE(wait_final(id, delivery_id, 1));
  const auto log = attempts(id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(str(log[0], "delivery_id"), delivery_id);
  EXPECT_EQ(str(log[0], "event_id"), event_id);
  EXPECT_EQ(str(log[0], "event_type"), "webhook.test");
  EXPECT_EQ(log[0].at("attempt").as_int64(), 1);
  EXPECT_EQ(str(log[0], "outcome"), "succeeded");
  EXPECT_EQ(log[0].at("response_status").as_int64(), 200);
  EXPECT_TRUE(log[0].at("error_class").is_null());
  EXPECT_EQ(receiver.records().size(), 1u);
}

TEST_P(WebhookDelivery, AfterRotationDeliveriesCarryOldAndNewSignatures) {
  // Created with a raw (non-whsec_) secret: its UTF-8 bytes are the key.
  const std::string id = str(create_webhook(kNowhere, kRawSecret), "id");
  {
    Receiver before({.secrets = {kRawSecret}});
    set_url(id, before.url());
    const auto sent = send_test(id);
    ASSERT_TRUE(before.wait_for(1)) << before.stderr_text();
    // The receiver records before it answers: let the answer reach the server before it goes.
    ASSERT_TRUE(wait_final(id, sent.delivery_id, 1));
    const auto got = before.records().at(0);
    EXPECT_EQ(got.webhook_id, sent.event_id);
    ASSERT_EQ(got.signatures.size(), 1u) << "one secret, one signature: " << got.signature_header;
    EXPECT_EQ(got.signatures[0].verified_by, std::vector<int>{0});
  }

  const auto rotated = wh(verb::post, "/" + id + "/rotate-secret");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const auto rj = rotated.json().as_object();
  const std::string fresh = str(rj, "signing_secret");
  EXPECT_TRUE(fresh.starts_with("whsec_")) << fresh;
  EXPECT_NE(fresh, kRawSecret);
  EXPECT_FALSE(str(rj, "previous_secret_expires_at").empty()) << rotated.body;
  EXPECT_EQ(wh(verb::get, "/" + id).body.find(fresh.substr(6)), std::string::npos);
  {
    Receiver after({.secrets = {kRawSecret, fresh}});
    set_url(id, after.url());
    const auto sent = send_test(id);
    ASSERT_TRUE(after.wait_for(1)) << after.stderr_text();
    // The receiver records before it answers: let the answer reach the server before it goes.
    ASSERT_TRUE(wait_final(id, sent.delivery_id, 1));
    const auto got = after.records().at(0);
    EXPECT_EQ(got.webhook_id, sent.event_id);
    EXPECT_NE(got.signature_header.find(' '), std::string::npos) << got.signature_header;
    ASSERT_EQ(got.signatures.size(), 2u) << got.signature_header;
    // One signature verifies with the old secret only, the other with the new one only.
    std::multiset<std::vector<int>> verified;
    for (const auto& s : got.signatures) verified.insert(s.verified_by);
    EXPECT_EQ(verified, (std::multiset<std::vector<int>>{{0}, {1}})) << got.signature_header;
  }

  // Rotating again (to a supplied secret) keeps only the last previous secret.
  const auto again =
      wh(verb::post, "/" + id + "/rotate-secret", json_text(boost::json::object{{"signing_secret", kSecretB}}));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json().as_object(), "signing_secret"), kSecretB);
  {
    Receiver third({.secrets = {kRawSecret, fresh, kSecretB}});
    set_url(id, third.url());
    const auto sent = send_test(id);
    ASSERT_TRUE(third.wait_for(1)) << third.stderr_text();
    // The receiver records before it answers: let the answer reach the server before it goes.
    ASSERT_TRUE(wait_final(id, sent.delivery_id, 1));
    const auto got = third.records().at(0);
    EXPECT_EQ(got.webhook_id, sent.event_id);
    ASSERT_EQ(got.signatures.size(), 2u) << got.signature_header;
    std::multiset<std::vector<int>> verified;
    for (const auto& s : got.signatures) verified.insert(s.verified_by);
    EXPECT_EQ(verified, (std::multiset<std::vector<int>>{{1}, {2}})) << got.signature_header;
    EXPECT_FALSE(got.verifies_with(0)) << "the secret from before the first rotation still signs";
  }
  // A bad supplied secret is refused and the current secret stays.
  const auto bad = wh(verb::post, "/" + id + "/rotate-secret", R"({"signing_secret":"too short"})");
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(error_fields(bad), std::vector<std::string>{"signing_secret"});
}

TEST_P(WebhookDelivery, RetriesKeepOneWebhookIdAndHonourRetryAfter) {
  Receiver receiver({.secrets = {kSecretA}, .plan = "500,500,429:7,200"});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");
  const auto sent = send_test(id);

  // While it waits out the Retry-After, the delivery is still pending: no resend.
  ASSERT_TRUE(poll([&] { return attempts(id, sent.delivery_id).size() == 3; })) << server_->log_text();
  const auto early = wh(verb::post, "/" + id + "/deliveries/" + sent.delivery_id + "/resend");
  EXPECT_EQ(early.status, 409) << early.body;

  ASSERT_TRUE(receiver.wait_for(4, milliseconds(25000))) << receiver.records().size() << " attempts arrived\n"
                                                         << server_->log_text();
  ASSERT_TRUE(wait_final(id, sent.delivery_id, 4));
  const auto got = receiver.records();
  ASSERT_EQ(got.size(), 4u) << "exactly four attempts";
  std::vector<int> answered;
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("attempt " + std::to_string(i + 1));
    EXPECT_EQ(got[i].webhook_id, sent.event_id) << "one webhook-id for every attempt";
    EXPECT_TRUE(got[i].every_signature_verifies()) << got[i].signature_header;
    EXPECT_TRUE(got[i].verifies_with(0));
    EXPECT_TRUE(got[i].timestamp_fresh);
    EXPECT_EQ(got[i].body, got[0].body) << "the same event body every time";
    if (i > 0) {
      // Fresh timestamps: taken at each attempt, so never going back (equal within a second).
      EXPECT_GE(unix_seconds(got[i].webhook_timestamp), unix_seconds(got[i - 1].webhook_timestamp));
    }
    answered.push_back(got[i].responded);
  }
  EXPECT_EQ(answered, (std::vector<int>{500, 500, 429, 200}));
  // The short schedule (0.2 s) is used between the first attempts…
  EXPECT_LT(got[1].received_at - got[0].received_at, 3.0);
  EXPECT_LT(got[2].received_at - got[1].received_at, 3.0);
  // …and Retry-After: 7 wins over it: the fourth attempt comes at least 7 s after the third,
  // with a timestamp (and so a signature) made for that attempt.
  EXPECT_GE(got[3].received_at - got[2].received_at, 7.0);
  EXPECT_GE(unix_seconds(got[3].webhook_timestamp) - unix_seconds(got[2].webhook_timestamp), 7);
  EXPECT_NE(got[3].signature_header, got[2].signature_header);

  const auto log = attempts(id, sent.delivery_id);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(column(log, "attempt"), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(column(log, "response_status"), (std::vector<std::string>{"500", "500", "429", "200"}));
  EXPECT_EQ(column(log, "outcome"), (std::vector<std::string>{"retrying", "retrying", "retrying", "succeeded"}));
  EXPECT_EQ(column(log, "error_class"), (std::vector<std::string>{"http_500", "http_500", "http_429", "null"}));
  for (const auto& a : log) EXPECT_EQ(str(a, "event_id"), sent.event_id);
  // Success cleared the failing mark.
  EXPECT_TRUE(get_webhook(id).at("failing_since").is_null());
  EXPECT_EQ(receiver.records().size(), 4u);
}

TEST_P(WebhookDelivery, GoneDisablesTheEndpoint) {
  Receiver receiver({.secrets = {kSecretA}, .plan = "410"});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");
  const auto sent = send_test(id);
  ASSERT_TRUE(wait_final(id, sent.delivery_id, 1)) << server_->log_text();
  const auto log = attempts(id, sent.delivery_id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(str(log[0], "outcome"), "failed");
  EXPECT_EQ(log[0].at("response_status").as_int64(), 410);
  EXPECT_EQ(str(log[0], "error_class"), "http_410");

  const auto e = get_webhook(id);
  EXPECT_EQ(e.at("is_enabled").as_bool(), false);
  EXPECT_EQ(str(e, "status"), "disabled");
  EXPECT_NE(str(e, "disabled_reason").find("410"), std::string::npos) << json_text(e);
  const auto refused = wh(verb::post, "/" + id + "/test");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(str(refused.json().as_object(), "code"), "conflict");
  EXPECT_EQ(receiver.records().size(), 1u);

  // Enabled again, it gets deliveries again (the receiver now answers 200).
  const auto on = wh(verb::patch, "/" + id, R"({"is_enabled":true})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json().as_object().at("disabled_reason").is_null());
  const auto next = send_test(id);
  ASSERT_TRUE(wait_final(id, next.delivery_id, 1));
  EXPECT_EQ(str(attempts(id, next.delivery_id).at(0), "outcome"), "succeeded");
  ASSERT_EQ(receiver.records().size(), 2u);
  EXPECT_EQ(receiver.records()[1].webhook_id, next.event_id);
}

TEST_P(WebhookDelivery, OtherClientErrorsAreFinalAndRedirectsAreNotFollowed) {
  Receiver receiver({.secrets = {kSecretA}, .plan = "400,302,408"});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");

  const auto bad_request = send_test(id);
  ASSERT_TRUE(wait_final(id, bad_request.delivery_id, 1)) << server_->log_text();
  auto log = attempts(id, bad_request.delivery_id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(str(log[0], "outcome"), "failed");
  EXPECT_EQ(log[0].at("response_status").as_int64(), 400);

  const auto redirected = send_test(id);
  ASSERT_TRUE(wait_final(id, redirected.delivery_id, 1));
  log = attempts(id, redirected.delivery_id);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(str(log[0], "outcome"), "failed");
  EXPECT_EQ(log[0].at("response_status").as_int64(), 302);

  // 408 Request Timeout, unlike other 4xx, is retried; the retry gets 200. By
  // then a retry of the first two would have come too.
  const auto ok = send_test(id);
  ASSERT_TRUE(wait_final(id, ok.delivery_id, 2));
  log = attempts(id, ok.delivery_id);
  EXPECT_EQ(column(log, "outcome"), (std::vector<std::string>{"retrying", "succeeded"}));
  EXPECT_EQ(column(log, "response_status"), (std::vector<std::string>{"408", "200"}));
  const auto got = receiver.records();
  ASSERT_EQ(got.size(), 4u) << "one attempt each for the 400 and 302 events, two for the 408 one, no redirect followed";
  EXPECT_EQ(got[0].webhook_id, bad_request.event_id);
  EXPECT_EQ(got[1].webhook_id, redirected.event_id);
  EXPECT_EQ(got[2].webhook_id, ok.event_id);
  EXPECT_EQ(got[3].webhook_id, ok.event_id);
  for (const auto& g : got) EXPECT_EQ(g.path, "/hook");
  EXPECT_EQ(attempts(id, bad_request.delivery_id).size(), 1u);
  EXPECT_EQ(attempts(id, redirected.delivery_id).size(), 1u);
  // Neither a 400 nor a 302 disables the endpoint.
  EXPECT_EQ(get_webhook(id).at("is_enabled").as_bool(), true);
}

TEST_P(WebhookDelivery, TimeoutsAndRefusedConnectionsAreRetried) {
  Receiver receiver({.secrets = {kSecretA}, .plan = "hang"});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");
  const auto sent = send_test(id);
  ASSERT_TRUE(wait_final(id, sent.delivery_id, 2, milliseconds(15000))) << server_->log_text();
  const auto log = attempts(id, sent.delivery_id);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(str(log[0], "outcome"), "retrying");
  EXPECT_EQ(str(log[0], "error_class"), "timeout");
  EXPECT_TRUE(log[0].at("response_status").is_null());
  EXPECT_GE(log[0].at("latency_ms").as_int64(), 900);  // POSTFUZE_WEBHOOK_TIMEOUT_MS=1000
  EXPECT_EQ(str(log[1], "outcome"), "succeeded");
  const auto got = receiver.records();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].webhook_id, sent.event_id);
  EXPECT_EQ(got[1].webhook_id, sent.event_id);

  // Nothing listening: each attempt is a connection error, retried until the schedule ends.
  set_url(id, kNowhere);
  const auto lost = send_test(id);
  ASSERT_TRUE(wait_final(id, lost.delivery_id, 4)) << server_->log_text();
  const auto refused = attempts(id, lost.delivery_id);
  ASSERT_EQ(refused.size(), 4u) << "1 + 3 retries (POSTFUZE_WEBHOOK_RETRY_SCHEDULE=0.2,0.2,0.2)";
  EXPECT_EQ(column(refused, "outcome"), (std::vector<std::string>{"retrying", "retrying", "retrying", "failed"}));
  EXPECT_EQ(column(refused, "error_class"), (std::vector<std::string>{"connect", "connect", "connect", "connect"}));
  EXPECT_FALSE(get_webhook(id).at("failing_since").is_null());
}

TEST_P(WebhookDelivery, RecoverRequeuesFailedDeliveriesAndResendRedelivers) {
  // Two events × four attempts answered 500, then 200 for everything.
  Receiver receiver({.secrets = {kSecretA}, .plan = "500,500,500,500,500,500,500,500"});
  const auto created = create_webhook(receiver.url(), kSecretA);
  const std::string id = str(created, "id");
  const auto first = send_test(id);
  ASSERT_TRUE(wait_final(id, first.delivery_id, 4)) << server_->log_text();
  const auto second = send_test(id);
  ASSERT_TRUE(wait_final(id, second.delivery_id, 4)) << server_->log_text();
  for (const auto* d : {&first, &second}) {
    const auto log = attempts(id, d->delivery_id);
    ASSERT_EQ(log.size(), 4u);
    EXPECT_EQ(str(log.back(), "outcome"), "failed");
    EXPECT_EQ(log.back().at("response_status").as_int64(), 500);
  }
  ASSERT_EQ(receiver.records().size(), 8u);
  EXPECT_FALSE(get_webhook(id).at("failing_since").is_null());
  EXPECT_EQ(get_webhook(id).at("is_enabled").as_bool(), true);

  // Nothing failed after a future time.
  const auto none = wh(verb::post, "/" + id + "/recover", R"({"since":"2999-01-01T00:00:00Z"})");
  ASSERT_EQ(none.status, 202) << none.body;
  EXPECT_EQ(none.json().as_object().at("requeued").as_int64(), 0);

  const auto rec =
      wh(verb::post, "/" + id + "/recover", json_text(boost::json::object{{"since", str(created, "created_at")}}));
  ASSERT_EQ(rec.status, 202) << rec.body;
  EXPECT_EQ(rec.json().as_object().at("requeued").as_int64(), 2);
  ASSERT_TRUE(poll([&] {
    return attempts(id, first.delivery_id).size() == 5 && attempts(id, second.delivery_id).size() == 5;
  })) << server_->log_text();
  for (const auto* d : {&first, &second}) {
    SCOPED_TRACE(d->event_id);
    const auto log = attempts(id, d->delivery_id);
    ASSERT_EQ(log.size(), 5u);
    EXPECT_EQ(str(log.back(), "outcome"), "succeeded");
    EXPECT_EQ(log.back().at("attempt").as_int64(), 1) << "attempts are counted afresh";
    const auto got = receiver.records_for(d->event_id);
    ASSERT_EQ(got.size(), 5u);
    EXPECT_EQ(got.back().responded, 200);
    EXPECT_TRUE(got.back().verifies_with(0));
    EXPECT_TRUE(got.back().timestamp_fresh);
  }
  EXPECT_TRUE(get_webhook(id).at("failing_since").is_null());
  const auto again =
      wh(verb::post, "/" + id + "/recover", json_text(boost::json::object{{"since", str(created, "created_at")}}));
  ASSERT_EQ(again.status, 202);
  EXPECT_EQ(again.json().as_object().at("requeued").as_int64(), 0) << "nothing failed any more";

  // Resend a delivered event: same webhook-id, new attempt, valid signature.
  const auto resent = wh(verb::post, "/" + id + "/deliveries/" + first.delivery_id + "/resend");
  ASSERT_EQ(resent.status, 202) << resent.body;
  EXPECT_EQ(str(resent.json().as_object(), "delivery_id"), first.delivery_id);
  ASSERT_TRUE(poll([&] { return receiver.records_for(first.event_id).size() == 6; }));
  const auto redelivered = receiver.records_for(first.event_id).back();
  EXPECT_EQ(redelivered.webhook_id, first.event_id);
  EXPECT_TRUE(redelivered.every_signature_verifies());
  EXPECT_EQ(redelivered.body, receiver.records_for(first.event_id).front().body);
  ASSERT_TRUE(wait_final(id, first.delivery_id, 6));
  EXPECT_EQ(str(attempts(id, first.delivery_id).back(), "outcome"), "succeeded");
  EXPECT_EQ(receiver.records_for(second.event_id).size(), 5u);

  EXPECT_EQ(wh(verb::post, "/" + id + "/deliveries/00000000-0000-4000-8000-000000000000/resend").status, 404);
}

TEST_P(WebhookDelivery, AddressPolicyIsCheckedAgainAtDeliveryTime) {
  Receiver receiver({.secrets = {kSecretA}});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");
  // The same database, now served without POSTFUZE_ALLOW_PRIVATE_WEBHOOKS: the
  // stored loopback URL must not be reached.
  restart(webhook_env({{"POSTFUZE_ALLOW_PRIVATE_WEBHOOKS", ""}}));
  const auto sent = send_test(id);
  ASSERT_TRUE(wait_final(id, sent.delivery_id, 1)) << server_->log_text();
  const auto log = attempts(id, sent.delivery_id);
  ASSERT_EQ(log.size(), 1u) << "a refused address is not retried";
  EXPECT_EQ(str(log[0], "outcome"), "failed");
  EXPECT_EQ(str(log[0], "error_class"), "blocked_address");
  EXPECT_TRUE(log[0].at("response_status").is_null());
  EXPECT_TRUE(receiver.records().empty());
}

TEST_P(WebhookDelivery, AnyTwoHundredIsSuccessWhateverTheBodySize) {
  // docs/openapi.yaml: "any 2xx within 15 s is success". A receiver answering
  // 200 with a long body (an HTML page, say) has received the event.
  Receiver receiver({.secrets = {kSecretA}, .plan = "200/100000"});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");
  const auto sent = send_test(id);
  ASSERT_TRUE(receiver.wait_for(1)) << receiver.stderr_text();
  ASSERT_TRUE(poll([&] { return !attempts(id, sent.delivery_id).empty(); }));
  const auto first = attempts(id, sent.delivery_id).front();
  EXPECT_EQ(str(first, "outcome"), "succeeded")
      << "a 200 answer whose body exceeds 64 KiB is logged as " << json_text(first)
      << " and the event is sent again (src/net/http_client.cpp:248-254 fails the call as response_too_large "
         "instead of returning the truncated response; src/webhooks/retry_policy.cpp judge() then retries it)";
  EXPECT_EQ(first.at("response_status").is_null() ? 0 : first.at("response_status").as_int64(), 200);
  // A retry would come 0.2 s later (POSTFUZE_WEBHOOK_RETRY_SCHEDULE); allow a second.
  EXPECT_FALSE(poll([&] { return receiver.records_for(sent.event_id).size() > 1; }, milliseconds(1000)))
      << "the receiver answered 200 yet got the event again";
}

TEST_P(WebhookDelivery, DeletingTheEndpointCancelsItsPendingDeliveries) {
  Receiver receiver({.secrets = {kSecretA}, .plan = "503:2"});
  const std::string id = str(create_webhook(receiver.url(), kSecretA), "id");
  const auto sent = send_test(id);
  ASSERT_TRUE(poll([&] { return attempts(id, sent.delivery_id).size() == 1; }));
  EXPECT_EQ(str(attempts(id, sent.delivery_id).at(0), "outcome"), "retrying");
  ASSERT_EQ(wh(verb::delete_, "/" + id).status, 204);
  // The retry was due 2 s after the first attempt (Retry-After: 2); give it a second more.
  EXPECT_FALSE(receiver.wait_for(2, milliseconds(3000))) << "a deleted endpoint still got a delivery";
  EXPECT_EQ(receiver.records().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookDelivery, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test

namespace postfuze::test {
namespace {

// Auto-disable after continuous failure, with the 5 days shortened to 1 s.
class WebhookAutoDisable : public WebhookTest {
 protected:
  Env extra_env() const override {
    return webhook_env({{"POSTFUZE_WEBHOOK_DISABLE_AFTER_S", "1"},
                        {"POSTFUZE_WEBHOOK_RETRY_SCHEDULE", "0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3"}});
  }
};

TEST_P(WebhookAutoDisable, ContinuousFailureDisablesTheEndpointAndEndsItsJobs) {
  // The first event is told to come back in 5 s; the second fails every 0.3 s
  // until, 1 s after the first failure, the endpoint is disabled — while the
  // first event's job is waiting (not in flight).
  auto failing = std::make_unique<Receiver>(ReceiverOptions{.secrets = {kSecretA}, .plan = "500:5", .then = "500"});
  const auto created = create_webhook(failing->url(), kSecretA);
  const std::string id = str(created, "id");
  const auto a = send_test(id);
  ASSERT_TRUE(poll([&] { return attempts(id, a.delivery_id).size() == 1; })) << server_->log_text();
  const auto b = send_test(id);
  ASSERT_TRUE(poll([&] { return !get_webhook(id).at("is_enabled").as_bool(); }, milliseconds(10000)))
      << server_->log_text();
  const auto e = get_webhook(id);
  EXPECT_EQ(str(e, "status"), "disabled");
  EXPECT_NE(str(e, "disabled_reason").find("failed continuously"), std::string::npos) << json_text(e);
  EXPECT_FALSE(e.at("failing_since").is_null());
  EXPECT_EQ(wh(verb::post, "/" + id + "/test").status, 409);

  // Its jobs have ended: no delivery's latest logged attempt may still promise a retry.
  const auto pending_in_log = [&] {
    std::vector<std::string> out;
    for (const auto* d : {&a, &b}) {
      const auto log = attempts(id, d->delivery_id);
      if (!log.empty() && str(log.back(), "outcome") == "retrying")
        out.push_back(d->delivery_id + " attempt " + json_text(log.back().at("attempt")));
    }
    return out;
  };
  const std::size_t seen = failing->records().size();
  EXPECT_TRUE(poll([&] { return pending_in_log().empty(); }, milliseconds(2000)))
      << "after the endpoint was auto-disabled, the delivery log still ends with outcome "
         "\"retrying\" for "
      << testing::PrintToString(pending_in_log())
      << " although that job has ended (failed, endpoint_disabled) and no further attempt will be made. "
         "src/webhooks/outbox.cpp finish_attempt(): when an attempt disables the endpoint, the UPDATE "
         "webhook_deliveries SET status = 'failed' … WHERE endpoint_id = $1 AND status = 'pending' AND "
         "lease_owner IS NULL ends the endpoint's other waiting jobs without writing an attempt row, so "
         "the API cannot tell that they ended";
  EXPECT_EQ(failing->records().size(), seen) << "a disabled endpoint got more deliveries";

  // Recovery as documented: enable (clean record) at a working URL, then re-queue the failed jobs.
  failing.reset();
  Receiver working({.secrets = {kSecretA}});
  const auto on =
      wh(verb::patch, "/" + id, json_text(boost::json::object{{"url", working.url()}, {"is_enabled", true}}));
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json().as_object().at("failing_since").is_null());
  EXPECT_TRUE(on.json().as_object().at("disabled_reason").is_null());
  const auto rec =
      wh(verb::post, "/" + id + "/recover", json_text(boost::json::object{{"since", str(created, "created_at")}}));
  ASSERT_EQ(rec.status, 202) << rec.body;
  EXPECT_EQ(rec.json().as_object().at("requeued").as_int64(), 2);
  ASSERT_TRUE(poll([&] {
    return !working.records_for(a.event_id).empty() && !working.records_for(b.event_id).empty();
  })) << server_->log_text();
  EXPECT_TRUE(working.records_for(a.event_id).at(0).verifies_with(0));
  EXPECT_TRUE(working.records_for(b.event_id).at(0).verifies_with(0));
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookAutoDisable, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
