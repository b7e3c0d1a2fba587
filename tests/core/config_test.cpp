// app::load_config and app::normalize_origin (src/app/config.*). These live in
// the core test binary, which links every module.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>
#include <set>
#include <string>
#include <vector>

namespace postfuze::app {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Config load_ok(std::map<std::string, std::string> vars, std::vector<std::string> args = {}) {
  auto r = load_config(env_of(std::move(vars)), args);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().detail);
  return r.ok() ? std::move(r).value() : Config{};
}

// Asserts the load failed with a one-line detail that starts with `name: `.
void expect_error_naming(std::map<std::string, std::string> vars, std::vector<std::string> args,
                         const std::string& name) {
  auto r = load_config(env_of(std::move(vars)), args);
  ASSERT_FALSE(r.ok()) << "expected an error naming " << name;
  EXPECT_EQ(r.error().detail.rfind(name + ": ", 0), 0u) << r.error().detail;
  EXPECT_EQ(r.error().detail.find('\n'), std::string::npos) << r.error().detail;
}

void expect_env_error(const std::string& var, const std::string& value) {
  SCOPED_TRACE(var + "=" + value);
  expect_error_naming({{var, value}}, {}, var);
}

// --- defaults ---

TEST(LoadConfig, ListensOnLoopbackPort8080ByDefault) {
  const auto c = load_ok({});
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
}

TEST(LoadConfig, UsesASqliteFileInTheDataDirByDefault) {
  const auto c = load_ok({});
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.database_url, "sqlite:./data/postfuze.db");
}

TEST(LoadConfig, DerivesThePublicUrlAndAppOriginFromTheListenAddressByDefault) {
  const auto c = load_ok({});
  EXPECT_EQ(c.public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.app_origins, std::vector<std::string>{"http://127.0.0.1:8080"});
}

TEST(LoadConfig, HasDocumentedDefaultsForTheRemainingSettings) {
  const auto c = load_ok({});
  EXPECT_FALSE(c.encryption_keys.has_value());
  EXPECT_EQ(c.log_level, core::LogLevel::info);
  EXPECT_EQ(c.server.body_limit, 1048576u);
  EXPECT_EQ(c.server.read_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.server.idle_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(c.server.shutdown_grace, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.db_pool_size, std::max(2, static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))));
  EXPECT_GE(c.threads, 1);
}

// --- reading values ---

TEST(LoadConfig, ReadsEveryVariableFromTheEnvironment) {
  const auto c = load_ok({{"POSTFUZE_LISTEN", "0.0.0.0:9000"},
                          {"POSTFUZE_PUBLIC_URL", "https://posts.example.com/"},
                          {"POSTFUZE_APP_URL", "https://app.example.com"},
                          {"POSTFUZE_DATABASE_URL", "postgresql://u@db/postfuze"},
                          {"POSTFUZE_DATA_DIR", "/var/lib/postfuze"},
                          {"POSTFUZE_ENCRYPTION_KEYS", "k1:AAAA"},
                          {"POSTFUZE_LOG_LEVEL", "warn"},
                          {"POSTFUZE_BODY_LIMIT", "2048"},
                          {"POSTFUZE_READ_TIMEOUT_MS", "500"},
                          {"POSTFUZE_IDLE_TIMEOUT_MS", "700"},
                          {"POSTFUZE_SHUTDOWN_GRACE_MS", "0"},
                          {"POSTFUZE_THREADS", "3"},
                          {"POSTFUZE_DB_POOL_SIZE", "4"}});
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.public_url, "https://posts.example.com");
  EXPECT_EQ(c.app_origins, std::vector<std::string>{"https://app.example.com"});
  EXPECT_EQ(c.database_url, "postgresql://u@db/postfuze");
  EXPECT_EQ(c.data_dir, "/var/lib/postfuze");
  EXPECT_EQ(c.encryption_keys, std::optional<std::string>("k1:AAAA"));
  EXPECT_EQ(c.log_level, core::LogLevel::warn);
  EXPECT_EQ(c.server.body_limit, 2048u);
  EXPECT_EQ(c.server.read_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(c.server.idle_timeout, std::chrono::milliseconds(700));
  EXPECT_EQ(c.server.shutdown_grace, std::chrono::milliseconds(0));
  EXPECT_EQ(c.threads, 3);
  EXPECT_EQ(c.db_pool_size, 4);
}

TEST(LoadConfig, PutsTheDefaultSqliteFileInTheConfiguredDataDir) {
  EXPECT_EQ(load_ok({{"POSTFUZE_DATA_DIR", "/srv/pf"}}).database_url, "sqlite:/srv/pf/postfuze.db");
}

TEST(LoadConfig, DerivesThePublicUrlFromAConfiguredListenAddress) {
  const auto c = load_ok({{"POSTFUZE_LISTEN", "10.0.0.5:9000"}});
  EXPECT_EQ(c.public_url, "http://10.0.0.5:9000");
  EXPECT_EQ(c.app_origins, std::vector<std::string>{"http://10.0.0.5:9000"});
}

TEST(LoadConfig, DerivesTheAppOriginFromAPublicUrlWithAPath) {
  const auto c = load_ok({{"POSTFUZE_PUBLIC_URL", "https://Example.com:443/postfuze/"}});
  EXPECT_EQ(c.public_url, "https://Example.com:443/postfuze");
  EXPECT_EQ(c.app_origins, std::vector<std::string>{"https://example.com"});
}

TEST(LoadConfig, ReadsACommaSeparatedListOfAppOriginsAndNormalisesEach) {
  const auto c = load_ok({{"POSTFUZE_APP_URL", "https://App.Example.com:443, http://localhost:3000 ,http://b.test:80/"}});
  EXPECT_EQ(c.app_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:3000", "http://b.test"}));
}

TEST(LoadConfig, AcceptsBothPostgresSchemes) {
  EXPECT_EQ(load_ok({{"POSTFUZE_DATABASE_URL", "postgres://db/x"}}).database_url, "postgres://db/x");
  EXPECT_EQ(load_ok({{"POSTFUZE_DATABASE_URL", "postgresql://db/x"}}).database_url, "postgresql://db/x");
}

TEST(LoadConfig, ReadsAnIpv6ListenAddressInBrackets) {
  const auto c = load_ok({{"POSTFUZE_LISTEN", "[::1]:0"}});
  EXPECT_EQ(c.listen_host, "::1");
  EXPECT_EQ(c.listen_port, 0);
  EXPECT_EQ(c.public_url, "http://[::1]:0");
  EXPECT_EQ(c.app_origins, std::vector<std::string>{"http://[::1]:0"});
}

// --- flags ---

TEST(LoadConfig, LetsAnEqualsFlagOverrideTheEnvironment) {
  const auto c = load_ok({{"POSTFUZE_LISTEN", "127.0.0.1:1000"}}, {"--listen=127.0.0.1:2000"});
  EXPECT_EQ(c.listen_port, 2000);
}

TEST(LoadConfig, LetsASeparateValueFlagOverrideTheEnvironment) {
  const auto c = load_ok({{"POSTFUZE_LISTEN", "127.0.0.1:1000"}, {"POSTFUZE_LOG_LEVEL", "error"}},
                         {"--listen", "127.0.0.1:3000", "--log-level", "debug"});
  EXPECT_EQ(c.listen_port, 3000);
  EXPECT_EQ(c.log_level, core::LogLevel::debug);
}

TEST(LoadConfig, LetsTheLastOfTwoFlagsWin) {
  EXPECT_EQ(load_ok({}, {"--threads=2", "--threads", "5"}).threads, 5);
}

TEST(LoadConfig, KeepsEnvironmentValuesThatNoFlagOverrides) {
  const auto c = load_ok({{"POSTFUZE_DB_POOL_SIZE", "3"}}, {"--listen=127.0.0.1:2000"});
  EXPECT_EQ(c.db_pool_size, 3);
}

TEST(LoadConfig, KeepsEqualsSignsInsideAFlagValue) {
  const auto c = load_ok({}, {"--database-url=postgresql://db/x?sslmode=require"});
  EXPECT_EQ(c.database_url, "postgresql://db/x?sslmode=require");
}

TEST(LoadConfig, AcceptsTheFlagOfEveryDocumentedVariable) {
  std::set<std::string> flags;
  for (const auto& v : config_variables()) {
    EXPECT_EQ(v.env.rfind("POSTFUZE_", 0), 0u) << v.env;
    EXPECT_EQ(v.flag.rfind("--", 0), 0u) << v.flag;
    EXPECT_FALSE(v.meaning.empty()) << v.env;
    flags.insert(v.flag);
    // Any failure must be about the value, never "unknown option".
    auto r = load_config(env_of({}), {v.flag + "=x"});
    if (!r.ok()) {
      EXPECT_EQ(r.error().detail.rfind(v.env + ": ", 0), 0u) << r.error().detail;
    }
  }
  EXPECT_EQ(flags.size(), config_variables().size());
}

TEST(LoadConfig, ReadsTheBlueskyServiceAndPlcDirectory) {
  const Config defaults = load_ok({});
  EXPECT_EQ(defaults.bluesky_service, "https://bsky.social");
  EXPECT_EQ(defaults.plc_url, "https://plc.directory");
  const Config c = load_ok({{"POSTFUZE_BLUESKY_SERVICE", "http://127.0.0.1:2583/bluesky/"},
                            {"POSTFUZE_PLC_URL", "https://plc.example"}});
  EXPECT_EQ(c.bluesky_service, "http://127.0.0.1:2583/bluesky");  // trailing '/' dropped
  EXPECT_EQ(c.plc_url, "https://plc.example");
  for (const char* bad : {"bsky.social", "ftp://bsky.social", "https://bsky.social/?x=1", "https://u@bsky.social"}) {
    expect_error_naming({{"POSTFUZE_BLUESKY_SERVICE", bad}}, {}, "POSTFUZE_BLUESKY_SERVICE");
    expect_error_naming({{"POSTFUZE_PLC_URL", bad}}, {}, "POSTFUZE_PLC_URL");
  }
}

// --- errors ---

TEST(LoadConfig, RefusesAnUnknownFlagNamingIt) {
  expect_error_naming({}, {"--listn=127.0.0.1:1"}, "--listn");
  expect_error_naming({}, {"serve"}, "serve");
}

TEST(LoadConfig, RefusesAFlagWithoutAValueNamingIt) { expect_error_naming({}, {"--listen"}, "--listen"); }

TEST(LoadConfig, NamesTheVariableWhenABadValueComesFromAFlag) {
  expect_error_naming({}, {"--listen=abc"}, "POSTFUZE_LISTEN");
  expect_error_naming({}, {"--log-level", "loud"}, "POSTFUZE_LOG_LEVEL");
}

TEST(LoadConfig, RefusesABadListenAddress) {
  expect_env_error("POSTFUZE_LISTEN", "abc");
  expect_env_error("POSTFUZE_LISTEN", "127.0.0.1:70000");
  expect_env_error("POSTFUZE_LISTEN", "127.0.0.1:");
  expect_env_error("POSTFUZE_LISTEN", ":8080");
  expect_env_error("POSTFUZE_LISTEN", "127.0.0.1:80a");
  expect_env_error("POSTFUZE_LISTEN", "127.0.0.1:-1");
  expect_env_error("POSTFUZE_LISTEN", "::1:8080");
  expect_env_error("POSTFUZE_LISTEN", "[::1]");
  expect_env_error("POSTFUZE_LISTEN", "300.1.1.1:80");
}

TEST(LoadConfig, RefusesAnUnknownLogLevel) {
  expect_env_error("POSTFUZE_LOG_LEVEL", "loud");
  expect_env_error("POSTFUZE_LOG_LEVEL", "");
}

TEST(LoadConfig, RefusesADatabaseUrlOfAnotherKind) {
  expect_env_error("POSTFUZE_DATABASE_URL", "mysql://x");
  expect_env_error("POSTFUZE_DATABASE_URL", "sqlite:");
  expect_env_error("POSTFUZE_DATABASE_URL", "");
}

TEST(LoadConfig, RefusesAPublicUrlThatIsNotAnAbsoluteHttpUrl) {
  expect_env_error("POSTFUZE_PUBLIC_URL", "ftp://x");
  expect_env_error("POSTFUZE_PUBLIC_URL", "example.com");
  expect_env_error("POSTFUZE_PUBLIC_URL", "https://x.com/?q=1");
  expect_env_error("POSTFUZE_PUBLIC_URL", "https://x.com/#f");
  expect_env_error("POSTFUZE_PUBLIC_URL", "https://user@x.com");
  expect_env_error("POSTFUZE_PUBLIC_URL", "https://");
}

TEST(LoadConfig, RefusesAnAppUrlThatIsNotAnOrigin) {
  expect_env_error("POSTFUZE_APP_URL", "https://a.com/path");
  expect_env_error("POSTFUZE_APP_URL", "https://a.com,ftp://b.com");
  expect_env_error("POSTFUZE_APP_URL", "");
  expect_env_error("POSTFUZE_APP_URL", "https://a.com,,https://b.com");
}

TEST(LoadConfig, RefusesOutOfRangeOrNonNumericNumbers) {
  expect_env_error("POSTFUZE_BODY_LIMIT", "-1");
  expect_env_error("POSTFUZE_BODY_LIMIT", "1023");
  expect_env_error("POSTFUZE_BODY_LIMIT", "1mb");
  expect_env_error("POSTFUZE_BODY_LIMIT", "");
  expect_env_error("POSTFUZE_READ_TIMEOUT_MS", "99");
  expect_env_error("POSTFUZE_IDLE_TIMEOUT_MS", "3600001");
  expect_env_error("POSTFUZE_SHUTDOWN_GRACE_MS", "-5");
  expect_env_error("POSTFUZE_THREADS", "0");
  expect_env_error("POSTFUZE_DB_POOL_SIZE", "257");
  expect_env_error("POSTFUZE_DB_POOL_SIZE", "99999999999999999999999");
}

TEST(LoadConfig, RefusesEmptyDataDirAndEncryptionKeys) {
  expect_env_error("POSTFUZE_DATA_DIR", "");
  expect_env_error("POSTFUZE_ENCRYPTION_KEYS", "");
}

// --- normalize_origin ---

TEST(NormalizeOrigin, LowercasesTheSchemeAndHost) {
  EXPECT_EQ(normalize_origin("HTTPS://App.Example.COM"), "https://app.example.com");
  EXPECT_EQ(normalize_origin("Http://LOCALHOST:3000"), "http://localhost:3000");
}

TEST(NormalizeOrigin, DropsTheDefaultPortOfEachScheme) {
  EXPECT_EQ(normalize_origin("https://a.com:443"), "https://a.com");
  EXPECT_EQ(normalize_origin("http://a.com:80"), "http://a.com");
  EXPECT_EQ(normalize_origin("HTTPS://App.Example.com:443/"), "https://app.example.com");
}

TEST(NormalizeOrigin, KeepsANonDefaultPort) {
  EXPECT_EQ(normalize_origin("https://a.com:80"), "https://a.com:80");
  EXPECT_EQ(normalize_origin("http://a.com:443"), "http://a.com:443");
  EXPECT_EQ(normalize_origin("http://a.com:8080"), "http://a.com:8080");
}

TEST(NormalizeOrigin, TreatsAnEmptyPortAsTheDefault) {
  EXPECT_EQ(normalize_origin("http://a.com:"), "http://a.com");
  EXPECT_EQ(normalize_origin("https://a.com:/"), "https://a.com");
}

TEST(NormalizeOrigin, WritesThePortWithoutLeadingZeros) {
  EXPECT_EQ(normalize_origin("http://a.com:0080"), "http://a.com");
  EXPECT_EQ(normalize_origin("http://a.com:08080"), "http://a.com:8080");
}

TEST(NormalizeOrigin, RefusesAPortAbove65535) {
  EXPECT_EQ(normalize_origin("http://a.com:65536"), std::nullopt);
  EXPECT_EQ(normalize_origin("http://a.com:99999"), std::nullopt);
  EXPECT_EQ(normalize_origin("http://a.com:65535"), "http://a.com:65535");
}

TEST(NormalizeOrigin, AcceptsATrailingSlashButNoOtherPath) {
  EXPECT_EQ(normalize_origin("https://a.com/"), "https://a.com");
  EXPECT_EQ(normalize_origin("https://a.com/path"), std::nullopt);
  EXPECT_EQ(normalize_origin("https://a.com//"), std::nullopt);
}

TEST(NormalizeOrigin, RefusesQueryUserinfoAndFragment) {
  EXPECT_EQ(normalize_origin("https://a.com?x=1"), std::nullopt);
  EXPECT_EQ(normalize_origin("https://a.com/?"), std::nullopt);
  EXPECT_EQ(normalize_origin("https://user:pw@a.com"), std::nullopt);
  EXPECT_EQ(normalize_origin("https://@a.com"), std::nullopt);
  EXPECT_EQ(normalize_origin("https://a.com#top"), std::nullopt);
}

TEST(NormalizeOrigin, RefusesSchemesOtherThanHttpAndHttps) {
  EXPECT_EQ(normalize_origin("ftp://a.com"), std::nullopt);
  EXPECT_EQ(normalize_origin("ws://a.com"), std::nullopt);
  EXPECT_EQ(normalize_origin("javascript:alert(1)"), std::nullopt);
  EXPECT_EQ(normalize_origin("mailto:a@b.com"), std::nullopt);
}

TEST(NormalizeOrigin, RefusesTextThatIsNotAnAbsoluteUrl) {
  EXPECT_EQ(normalize_origin(""), std::nullopt);
  EXPECT_EQ(normalize_origin("a.com"), std::nullopt);
  EXPECT_EQ(normalize_origin("//a.com"), std::nullopt);
  EXPECT_EQ(normalize_origin("https://"), std::nullopt);
  EXPECT_EQ(normalize_origin("https:///"), std::nullopt);
  EXPECT_EQ(normalize_origin(" https://a.com"), std::nullopt);
}

TEST(NormalizeOrigin, KeepsIpLiteralHosts) {
  EXPECT_EQ(normalize_origin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(normalize_origin("http://[::1]:8080"), "http://[::1]:8080");
  EXPECT_EQ(normalize_origin("http://[::1]:80"), "http://[::1]");
  EXPECT_EQ(normalize_origin("http://[::FFFF:1.2.3.4]"), "http://[::ffff:1.2.3.4]");
}

TEST(NormalizeOrigin, DecodesUnreservedPercentEscapesInTheHost) {
  EXPECT_EQ(normalize_origin("http://%41pp.com"), "http://app.com");
}

}  // namespace
}  // namespace postfuze::app
