// End to end: the `postfuze` command line — configuration errors, first-start
// bootstrap, api-key create/list/revoke, keys generate, migrate.
#include <gtest/gtest.h>

#include <regex>

#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {

class Cli : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { db_ = std::make_unique<BackendDatabase>(GetParam()); }
  Env env(const Env& extra = {}) const { return child_env(dir_.path().string(), db_->url(), extra); }
  TempDir dir_{"postfuze-cli-test"};
  std::unique_ptr<BackendDatabase> db_;
};

TEST_P(Cli, ApiKeyCreatePrintsOnlyTheKeyAndCreatesTheOrganisation) {
  const auto r = run_postfuze({"api-key", "create", "--org", "acme", "--mode", "test", "--scopes", "posts:write,media:write"},
                              env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(sk_test_[A-Za-z0-9_-]{43}\n)"))) << r.out;
  const auto list = run_postfuze({"api-key", "list"}, env());
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("acme"), std::string::npos);
  EXPECT_NE(list.out.find("posts:write,media:write"), std::string::npos);
  EXPECT_NE(list.out.find(r.out.substr(0, 12)), std::string::npos);
  EXPECT_EQ(list.out.find(r.out.substr(0, 40)), std::string::npos) << "list must never show the secret";
  // A second key for the same org reuses it.
  ASSERT_EQ(run_postfuze({"api-key", "create", "--org", "acme"}, env()).exit_code, 0);
  const auto list2 = run_postfuze({"api-key", "list"}, env());
  EXPECT_EQ(std::count(list2.out.begin(), list2.out.end(), '\n'), 3);
}

TEST_P(Cli, ApiKeyRevokeMarksTheKeyRevoked) {
  ASSERT_EQ(run_postfuze({"api-key", "create", "--org", "acme"}, env()).exit_code, 0);
  const auto list = run_postfuze({"api-key", "list"}, env());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(list.out, m, std::regex(R"(\n([0-9a-f-]{36}) )")));
  const auto revoke = run_postfuze({"api-key", "revoke", m[1].str()}, env());
  EXPECT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_NE(run_postfuze({"api-key", "list"}, env()).out.find("revoked"), std::string::npos);
  EXPECT_EQ(run_postfuze({"api-key", "revoke", "00000000-0000-4000-8000-000000000000"}, env()).exit_code, 1);
}

TEST_P(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_postfuze({"api-key", "create"}, env()).exit_code, 2);
  EXPECT_EQ(run_postfuze({"api-key", "create", "--org", "a", "--mode", "prod"}, env()).exit_code, 2);
  EXPECT_EQ(run_postfuze({"api-key", "create", "--org", "a", "--scopes", "root"}, env()).exit_code, 2);
  EXPECT_EQ(run_postfuze({"frobnicate"}, env()).exit_code, 2);
  EXPECT_EQ(run_postfuze({}, env()).exit_code, 2);
}

TEST_P(Cli, MigrateIsIdempotent) {
  const auto first = run_postfuze({"migrate"}, env());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(std::regex_search(first.err, std::regex("applied [1-9][0-9]* migration"))) << first.err;
  const auto second = run_postfuze({"migrate"}, env());
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_NE(second.err.find("applied 0 migration"), std::string::npos) << second.err;
}

TEST_P(Cli, FirstStartPrintsOneKeyAndLaterStartsPrintNone) {
  std::string first_key;
  {
    ServerProcess server(db_->url());
    first_key = server.first_key();
    ASSERT_FALSE(first_key.empty());
    EXPECT_NE(server.stdout_text().find("curl -H \"Authorization: Bearer " + first_key + "\""), std::string::npos);
    EXPECT_EQ(server.log_text().find(first_key), std::string::npos) << "the key must not reach the log";
  }
  ServerProcess again(db_->url());
  EXPECT_TRUE(again.first_key().empty());
  EXPECT_EQ(api_call(again.port(), verb::get, "/api/v1/api-keys", first_key).status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, Cli, testing::ValuesIn(store_backends()), BackendParamName());

TEST(CliConfig, KeysGenerateprintsAUsableEntry) {
  TempDir dir;
  const auto r = run_postfuze({"keys", "generate"}, child_env(dir.path().string(), "sqlite:x", {}));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(k[0-9a-f]{8}:[A-Za-z0-9+/]{43}=\n)"))) << r.out;
}

// Each bad setting stops start-up with one line naming the variable.
struct BadSetting {
  const char* variable;
  const char* value;
};

class CliBadConfig : public testing::TestWithParam<BadSetting> {};

TEST_P(CliBadConfig, StopsStartupWithOneLineNamingTheVariable) {
  TempDir dir;
  const auto r = run_postfuze(
      {"serve"}, child_env(dir.path().string(), "sqlite:" + dir.file("x.db").string(), {{GetParam().variable, GetParam().value}}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.err.starts_with(GetParam().variable)) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("AAECAwQF"), std::string::npos) << "never echo key material";
}

INSTANTIATE_TEST_SUITE_P(
    Variables, CliBadConfig,
    testing::Values(BadSetting{"POSTFUZE_LISTEN", "nonsense"}, BadSetting{"POSTFUZE_LISTEN", "127.0.0.1:99999"},
                    BadSetting{"POSTFUZE_PUBLIC_URL", "ftp://example.com"},
                    BadSetting{"POSTFUZE_APP_URL", "https://app.example.com/path"},
                    BadSetting{"POSTFUZE_DATABASE_URL", "mysql://localhost/x"},
                    BadSetting{"POSTFUZE_ENCRYPTION_KEYS", "k1:AAECAwQF"},
                    BadSetting{"POSTFUZE_ENCRYPTION_KEYS", "bad id!:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
                    BadSetting{"POSTFUZE_LOG_LEVEL", "loud"}, BadSetting{"POSTFUZE_BODY_LIMIT", "-5"},
                    BadSetting{"POSTFUZE_THREADS", "0"}),
    [](const testing::TestParamInfo<BadSetting>& info) { return std::to_string(info.index); });

TEST(CliConfig, GeneratedKeyFileIsPrivateAndReused) {
  TempDir dir;
  std::string key;
  {
    ServerProcess s("sqlite:" + dir.file("pf.db").string(), {{"POSTFUZE_ENCRYPTION_KEYS", ""}, {"POSTFUZE_DATA_DIR", dir.path().string()}});
    EXPECT_NE(s.log_text().find("POSTFUZE_ENCRYPTION_KEYS is not set"), std::string::npos);
    key = s.first_key();
  }
  const auto file = dir.file("encryption.keys");
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::status(file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto before = std::filesystem::last_write_time(file);
  ServerProcess again("sqlite:" + dir.file("pf.db").string(), {{"POSTFUZE_ENCRYPTION_KEYS", ""}, {"POSTFUZE_DATA_DIR", dir.path().string()}});
  EXPECT_EQ(std::filesystem::last_write_time(file), before);
  EXPECT_EQ(api_call(again.port(), verb::get, "/api/v1/api-keys", key).status, 200);
}

}  // namespace
}  // namespace postfuze::test
