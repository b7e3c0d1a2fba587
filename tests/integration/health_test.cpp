// End to end: health reports the store. When PostgreSQL goes away under a
// running server, health answers 503 with "ok": false and Retry-After, API
// calls get a 503 problem, and the process keeps serving.
#include <gtest/gtest.h>

#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {

TEST(HealthPostgres, StoreOutageIs503AndTheServerSurvives) {
  const auto admin = test_postgres_admin_url();
  if (!admin) GTEST_SKIP() << "POSTFUZE_TEST_POSTGRES_URL is not set";
  auto database = std::make_unique<TestDatabase>(*admin);
  ServerProcess server(database->url());
  const std::string key = server.first_key();
  ASSERT_EQ(http_request(server.port(), verb::get, "/api/v1/health").status, 200);

  database.reset();  // DROP DATABASE … WITH (FORCE): every server connection dies

  const auto health = http_request(server.port(), verb::get, "/api/v1/health");
  ASSERT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json().as_object().at("ok").as_bool(), false);
  EXPECT_EQ(health.json().as_object().at("service").as_string(), "PostFuze");
  EXPECT_FALSE(health.header("retry-after").empty());

  const auto api = api_call(server.port(), verb::get, "/api/v1/api-keys", key);
  EXPECT_EQ(api.status, 503) << api.body;
  EXPECT_EQ(api.json().as_object().at("code").as_string(), "unavailable");
  EXPECT_FALSE(api.header("retry-after").empty());
  EXPECT_EQ(api.body.find("postgres"), std::string::npos) << "no driver detail in responses";
  EXPECT_TRUE(server.running());
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace postfuze::test
