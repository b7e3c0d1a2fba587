// PublishFlow: ConnectTest with the publish engine tuned for tests (fast
// polls and retries) and helpers to connect accounts, create posts, wait for
// them to settle and read what the simulator's platforms stored. Shared by
// the publishing and media end-to-end tests.
#pragma once

#include <set>
#include <thread>

#include <boost/json/serialize.hpp>

#include "integration/connect_fixture.hpp"

namespace postfuze::test {

inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

class PublishFlow : public ConnectTest {
 protected:
  Env extra_env() const override {
    Env env = ConnectTest::extra_env();
    env["POSTFUZE_PUBLISH_POLL_MS"] = "100";
    env["POSTFUZE_PUBLISH_RETRY_BASE_MS"] = "200";
    env["POSTFUZE_PUBLISH_LEASE_MS"] = "3000";
    env["POSTFUZE_PLATFORM_TIMEOUT_MS"] = "2000";
    env["POSTFUZE_BLUESKY_SERVICE"] = sim_->bluesky_service_url();
    env["POSTFUZE_PLC_URL"] = sim_->plc_url();
    return env;
  }

  // A Bluesky account connected with its app password; returns its id.
  std::string connect_bluesky() {
    sim_->register_bluesky_account("alice.test", "did:plc:alice123", "abcd-efgh-ijkl-mnop");
    const auto r = call(verb::post, "/api/v1/social-accounts/bluesky/connect", key_,
                        R"({"identifier":"alice.test","app_password":"abcd-efgh-ijkl-mnop"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("id").as_string()) : "";
  }

  // Connects one account of `platform` through the OAuth flow; returns its id.
  std::string connect(const std::string& platform) {
    if (platform != "reddit") register_app(platform);  // reddit uses the operator's shared app
    else sim_->register_app("reddit", kSharedRedditId, kSharedRedditSecret, callback_url_);
    scenario(platform, {});
    const auto r = round_trip(platform, R"({"redirect_uri":")" + std::string(kAppOrigin) + R"(/connected","tenant_id":"t"})");
    const std::string location = r.header("location");
    const auto params = query_params(location);
    EXPECT_EQ(params.count("account_id"), 1u) << r.status << " " << location << r.body;
    return params.count("account_id") ? params.at("account_id") : "";
  }

  // A webhook endpoint for every post event, so emitted events are stored.
  void subscribe() {
    const auto r = call(verb::post, "/api/v1/webhooks", key_,
                        R"({"url":"http://127.0.0.1:9/hook","events":["post.published","post.error",)"
                        R"("post.target.published","post.target.failed"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }

  HttpResult create(const std::string& body, const Headers& extra = {}) {
    Headers h{{"Authorization", "Bearer " + key_}, {"Content-Type", "application/json"}};
    h.insert(h.end(), extra.begin(), extra.end());
    return http_request(port(), verb::post, "/api/v1/posts", body, h);
  }

  // Polls GET /posts/{id} until its status is settled (or `until` matches).
  boost::json::object wait_for(const std::string& id, const std::set<std::string>& until = {"published", "partial", "failed"},
                        std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    boost::json::value last;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto r = call(verb::get, "/api/v1/posts/" + id, key_);
      if (r.status == 200) {
        last = r.json();
        if (until.count(std::string(last.as_object().at("status").as_string()))) return last.as_object();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "post " << id << " did not settle: " << boost::json::serialize(last);
    return last.is_object() ? last.as_object() : boost::json::object{};
  }

  boost::json::array sim_posts(const std::string& platform) {
    const auto r = http_request(sim_->port(), verb::get, "/_sim/posts?platform=" + platform);
    EXPECT_EQ(r.status, 200) << r.body;
    boost::json::value v = r.json();
    return v.as_array();
  }

  std::int64_t events(const std::string& type, const std::string& post_id) {
    return count("SELECT COUNT(*) FROM webhook_events WHERE type = '" + type + "' AND payload LIKE '%" + post_id + "%'");
  }
};


}  // namespace postfuze::test
