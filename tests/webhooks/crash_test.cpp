// End to end: kill -9 with webhook deliveries pending loses no event. The
// outbox lives in the database, so a new server process on the same database
// delivers every queued event (at least once, validly signed) once the
// receiver answers — both for deliveries waiting to be retried and for
// deliveries that were in flight (leased by the dead process) at the kill.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <set>

#include <boost/json/parse.hpp>

#include "webhook_fixture.hpp"

namespace postfuze::test {
namespace {

using std::chrono::milliseconds;

constexpr int kEvents = 20;

class WebhookCrash : public WebhookTest {
 protected:
  // Retries every ~1 s for a long while, so nothing fails for good while the receiver is away.
  Env extra_env() const override {
    return webhook_env(
        {{"POSTFUZE_WEBHOOK_RETRY_SCHEDULE", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"}});
  }

  std::vector<Sent> queue_events(const std::string& id) {
    std::vector<Sent> sent;
    for (int i = 0; i < kEvents; ++i) sent.push_back(send_test(id));
    std::set<std::string> ids;
    for (const auto& s : sent) ids.insert(s.event_id);
    if (ids.size() != sent.size()) throw std::runtime_error("test events share an event id");
    return sent;
  }

  // After the kill -9: a receiver on `port` (or, if that port was taken
  // meanwhile, on another one the webhook is moved to) and a new server on
  // the same database.
  std::unique_ptr<Receiver> restart_with_receiver_on(const std::string& id, std::uint16_t port) {
    std::unique_ptr<Receiver> receiver;
    bool moved = false;
    try {
      receiver = std::make_unique<Receiver>(ReceiverOptions{.secrets = {kSecretA}, .port = port});
    } catch (const std::runtime_error&) {
      receiver = std::make_unique<Receiver>(ReceiverOptions{.secrets = {kSecretA}});
      moved = true;
    }
    server_ = std::make_unique<ServerProcess>(db_->url(), extra_env());
    EXPECT_TRUE(server_->first_key().empty()) << "the restarted server found an empty store";
    if (moved) set_url(id, receiver->url());
    return receiver;
  }

  // Every queued event reaches the receiver with a valid signature, and the
  // delivery log ends each delivery with a success.
  void expect_all_delivered(const std::string& id, const std::vector<Sent>& sent, const Receiver& receiver) {
    const bool all = poll(
        [&] {
          std::set<std::string> verified;
          for (const auto& r : receiver.records())
            if (r.responded == 200 && r.verifies_with(0)) verified.insert(r.webhook_id);
          for (const auto& s : sent)
            if (!verified.count(s.event_id)) return false;
          return true;
        },
        milliseconds(30000));
    std::set<std::string> seen;
    for (const auto& r : receiver.records()) seen.insert(r.webhook_id);
    std::size_t arrived = 0;
    for (const auto& s : sent) {
      EXPECT_TRUE(seen.count(s.event_id)) << "event " << s.event_id << " was lost";
      arrived += seen.count(s.event_id);
    }
    ASSERT_TRUE(all) << arrived << " of " << sent.size() << " events arrived with a valid signature\n"
                     << server_->log_text();
    for (const auto& r : receiver.records()) {
      EXPECT_TRUE(r.every_signature_verifies()) << r.signature_header;
      EXPECT_TRUE(r.timestamp_fresh);
      EXPECT_EQ(r.type, std::optional<std::string>("webhook.test"));
      EXPECT_EQ(str(boost::json::parse(r.body).as_object().at("data").as_object(), "webhook_id"), id);
    }
    // The log agrees: every delivery's latest attempt succeeded.
    ASSERT_TRUE(poll([&] {
      std::map<std::string, std::string> last;  // attempts() is oldest first
      for (const auto& a : attempts(id)) last[str(a, "delivery_id")] = str(a, "outcome");
      for (const auto& s : sent)
        if (last[s.delivery_id] != "succeeded") return false;
      return true;
    }));
  }
};

TEST_P(WebhookCrash, KillNineWhileTheReceiverIsDownLosesNoEvent) {
  // A port nothing listens on: a receiver's, stopped again.
  std::uint16_t port = 0;
  {
    Receiver probe;
    port = probe.port();
  }
  const std::string id = str(create_webhook("http://127.0.0.1:" + std::to_string(port) + "/hook", kSecretA), "id");
  const auto sent = queue_events(id);
  // Attempts are being made and fail to connect; the deliveries wait for their retries.
  ASSERT_TRUE(poll([&] {
    for (const auto& a : attempts(id))
      if (str(a, "error_class") == "connect" && str(a, "outcome") == "retrying") return true;
    return false;
  })) << server_->log_text();

  EXPECT_EQ(server_->stop(SIGKILL), 128 + SIGKILL);
  const auto receiver = restart_with_receiver_on(id, port);
  expect_all_delivered(id, sent, *receiver);
}

TEST_P(WebhookCrash, KillNineWithDeliveriesInFlightLosesNoEvent) {
  // A receiver that takes requests and never answers: deliveries stay leased, in flight.
  auto hanging = std::make_unique<Receiver>(ReceiverOptions{.secrets = {kSecretA}, .then = "hang"});
  const std::uint16_t port = hanging->port();
  const std::string id = str(create_webhook(hanging->url(), kSecretA), "id");
  const auto sent = queue_events(id);
  ASSERT_TRUE(poll([&] {
    std::set<std::string> held;
    for (const auto& r : hanging->records()) held.insert(r.webhook_id);
    return held.size() >= kEvents / 2;
  })) << server_->log_text();

  // Kill the server while it waits on those answers, then let the port go.
  EXPECT_EQ(server_->stop(SIGKILL), 128 + SIGKILL);
  for (const auto& r : hanging->records()) EXPECT_TRUE(r.verifies_with(0)) << r.signature_header;
  hanging.reset();
  const auto receiver = restart_with_receiver_on(id, port);
  expect_all_delivered(id, sent, *receiver);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookCrash, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
