// End to end: encryption key rotation (README "Rotating the encryption key",
// docs/decisions.md D21) — `postfuze keys rotate` on the key file and with
// POSTFUZE_ENCRYPTION_KEYS set, `postfuze keys status`, and the server's
// background re-encryption after a restart with the rotated key file: no row
// names the old key any more and a webhook endpoint created under it still
// signs its deliveries. Live rotation: a running server picks up a rotated
// key file (poll or SIGHUP) and re-encrypts while requests keep running.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "crypto/key_ring.hpp"

#include "jobs/sealed_columns.hpp"
#include "store/database.hpp"
#include "support/server_fixture.hpp"
#include "webhooks/webhook_fixture.hpp"

namespace postfuze::test {
namespace {

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Key ids in the key file, in order.
std::vector<std::string> key_file_ids(const std::filesystem::path& p) {
  std::vector<std::string> ids;
  const std::string text = file_text(p);
  const std::regex entry(R"((?:^|,)\s*([A-Za-z0-9_-]+):)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it)
    ids.push_back((*it)[1].str());
  return ids;
}

class KeyRotation : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { db_ = std::make_unique<BackendDatabase>(GetParam()); }
  // Keys from the key file in dir_ (POSTFUZE_ENCRYPTION_KEYS unset).
  Env file_env() const {
    auto env = webhook_env();
    env["POSTFUZE_ENCRYPTION_KEYS"] = "";
    env["POSTFUZE_DATA_DIR"] = dir_.path().string();
    return env;
  }
  CliResult cli(const std::vector<std::string>& args) {
    return run_postfuze(args, child_env(dir_.path().string(), db_->url(), file_env()));
  }
  // Sealed values naming `key_id`, counted straight from the store.
  std::int64_t naming(const std::string& key_id) {
    auto db = store::open_database(db_->url());
    if (!db) throw std::runtime_error("open_database failed");
    std::int64_t n = 0;
    auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto counts = jobs::count_by_key(c, {key_id});
      if (!counts) return std::move(counts).error();
      for (const auto& k : *counts)
        if (k.key_id == key_id) n += k.values;
      return core::Ok{};
    });
    if (!s) throw std::runtime_error("count failed");
    return n;
  }

  TempDir dir_{"postfuze-keys-test"};
  std::unique_ptr<BackendDatabase> db_;
};

TEST_P(KeyRotation, RotateRestartReencryptsEverythingAndTheApiStillWorks) {
  const auto key_file = dir_.file("encryption.keys");
  const auto missing = cli({"keys", "rotate"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no key file"), std::string::npos) << missing.err;

  Receiver receiver({.secrets = {kSecretA}});
  std::string api_key, endpoint_id;
  {
    ServerProcess server(db_->url(), file_env());
    api_key = server.first_key();
    ASSERT_FALSE(api_key.empty());
    auto r = api_call(server.port(), verb::post, "/api/v1/webhooks", api_key,
                      json_text(boost::json::object{{"url", receiver.url()},
                                                    {"events", boost::json::array{"post.published"}},
                                                    {"signing_secret", kSecretA}}));
    ASSERT_EQ(r.status, 201) << r.body;
    endpoint_id = str(r.json().as_object(), "id");
    r = api_call(server.port(), verb::post, "/api/v1/social-networks", api_key,
                 R"({"platform":"linkedin","client_id":"86abc123","client_secret":"linkedin-secret",)"
                 R"("redirect_uri":"https://api.example.com/api/v1/connect/callback","scopes":["r_basicprofile"]})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  const auto first_ids = key_file_ids(key_file);
  ASSERT_EQ(first_ids.size(), 1u) << file_text(key_file);
  const std::string old_id = first_ids[0];
  EXPECT_EQ(naming(old_id), 2) << "the webhook secret and the client secret";

  auto status = cli({"keys", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("active key: " + old_id), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("key " + old_id + " (active): 2 sealed value(s)"), std::string::npos) << status.out;

  const auto rotated = cli({"keys", "rotate"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  const auto ids = key_file_ids(key_file);
  ASSERT_EQ(ids.size(), 2u) << "the old key is kept";
  const std::string new_id = ids[0];
  EXPECT_EQ(ids[1], old_id);
  EXPECT_NE(new_id, old_id);
  EXPECT_NE(rotated.out.find("new active key " + new_id), std::string::npos) << rotated.out;
  EXPECT_NE(rotated.out.find("kept " + old_id), std::string::npos) << rotated.out;
  EXPECT_EQ(std::filesystem::status(key_file).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(rotated.out.find(file_text(key_file).substr(new_id.size() + 1, 20)), std::string::npos)
      << "never print key material";

  status = cli({"keys", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("key " + new_id + " (active): 0 sealed value(s)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("key " + old_id + ": 2 sealed value(s)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(old_id + " is still referenced"), std::string::npos) << status.out;

  ServerProcess server(db_->url(), file_env());
  ASSERT_TRUE(wait_until([&] { return server.log_text().find("re-encryption finished") != std::string::npos; },
                         std::chrono::milliseconds(30000)))
      << server.log_text();
  const std::string log = server.log_text();
  EXPECT_NE(log.find("re-encryption finished: no sealed value names an old key"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("table":"webhook_endpoints","column":"secret","rewritten":1)"), std::string::npos) << log;
  EXPECT_EQ(naming(old_id), 0);
  EXPECT_EQ(naming(new_id), 2);

  status = cli({"keys", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("key " + new_id + " (active): 2 sealed value(s)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("key " + old_id + ": 0 sealed value(s)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find(old_id + " is no longer referenced: it can be removed"), std::string::npos) << status.out;

  // The endpoint's secret, now sealed with the new key, still signs.
  const auto test = api_call(server.port(), verb::post, "/api/v1/webhooks/" + endpoint_id + "/test", api_key);
  ASSERT_EQ(test.status, 202) << test.body;
  ASSERT_TRUE(receiver.wait_for(1)) << receiver.stderr_text() << server.log_text();
  EXPECT_TRUE(receiver.records().at(0).verifies_with(0));
  const auto listed = api_call(server.port(), verb::get, "/api/v1/social-networks", api_key);
  EXPECT_EQ(listed.status, 200) << listed.body;
}

TEST_P(KeyRotation, WithTheEnvironmentVariableSetRotateRefusesAndPrintsTheEntryToPutFirst) {
  const auto r = run_postfuze({"keys", "rotate"}, child_env(dir_.path().string(), db_->url(), {}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(k[0-9a-f]{8}:[A-Za-z0-9+/]{43}=\n)"))) << r.out;
  EXPECT_NE(r.err.find("put the entry printed above FIRST in POSTFUZE_ENCRYPTION_KEYS"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("encryption.keys")));

  // Putting it first is the rotation: status shows the new key active.
  const std::string entry = r.out.substr(0, r.out.size() - 1);
  const std::string new_id = entry.substr(0, entry.find(':'));
  const auto status = run_postfuze(
      {"keys", "status"},
      child_env(dir_.path().string(), db_->url(), {{"POSTFUZE_ENCRYPTION_KEYS", entry + "," + kTestEncryptionKeys}}));
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("active key: " + new_id), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("test1 is no longer referenced"), std::string::npos) << status.out;
}

// The log line (one JSON object per line) that contains every one of `parts`.
bool log_has_line(const std::string& log, const std::vector<std::string>& parts) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    bool all = true;
    for (const auto& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) return true;
  }
  return false;
}

// The key file's entry for `key_id` ("id:base64").
std::string key_file_entry(const std::filesystem::path& p, const std::string& key_id) {
  const std::string text = file_text(p);
  const std::regex entry("(?:^|,)\\s*(" + key_id + ":[A-Za-z0-9+/=]+)");
  std::smatch m;
  if (!std::regex_search(text, m, entry)) throw std::runtime_error("no entry for " + key_id);
  return m[1].str();
}

// Rotation under load (the requirement's proof): threads create and read
// webhook endpoints and social networks (both seal secrets) and send webhook
// test events while `postfuze keys rotate` runs against the server's key file.
// The running server reloads the file, seals new values with the new key at
// once and re-encrypts the rest; no request fails, afterwards no stored value
// names the old key — every sealed value opens with the new key alone — and
// the records of every phase work through the API (their test deliveries
// arrive signed with their secret).
TEST_P(KeyRotation, RotationUnderLoadWithoutARestart) {
  const auto key_file = dir_.file("encryption.keys");
  Receiver receiver({.secrets = {kSecretA}});
  auto env = file_env();
  env["POSTFUZE_KEY_RELOAD_MS"] = "200";
  env["POSTFUZE_RATE_LIMIT_MULTIPLIER"] = "1000";
  env["POSTFUZE_WEBHOOK_TIMEOUT_MS"] = "5000";
  env["POSTFUZE_WEBHOOK_LEASE_MS"] = "10000";
  ServerProcess server(db_->url(), env);
  const std::string api_key = server.first_key();
  ASSERT_FALSE(api_key.empty()) << server.stdout_text();
  const auto first_ids = key_file_ids(key_file);
  ASSERT_EQ(first_ids.size(), 1u);
  const std::string old_id = first_ids[0];

  enum Phase { before, during, after };
  std::atomic<int> phase{before};
  struct Endpoint {
    std::string id;
    int phase;
  };
  std::mutex mu;
  std::vector<Endpoint> endpoints;   // created, each with one test event sent
  std::vector<std::string> networks;  // social network ids (upserted again and again)
  std::vector<std::string> failures;
  std::atomic<int> requests{0};
  std::atomic<int> counts[3][2] = {};  // [phase][0: endpoints, 1: network writes]
  std::atomic<bool> stop{false};
  const auto expect = [&](const HttpResult& r, int status, const std::string& what) {
    ++requests;
    if (r.status == status) return true;
    std::lock_guard lock(mu);
    failures.push_back(what + ": " + std::to_string(r.status) + " " + r.body);
    return false;
  };
  const std::vector<std::string> platforms{"linkedin", "x", "reddit", "facebook"};

  std::vector<std::thread> load;
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&] {  // webhooks: create, read, test event
      while (!stop) {
        const int p = phase;
        auto r = api_call(server.port(), verb::post, "/api/v1/webhooks", api_key,
                          json_text(boost::json::object{{"url", receiver.url()},
                                                        {"events", boost::json::array{"post.published"}},
                                                        {"signing_secret", kSecretA}}));
        if (!expect(r, 201, "create webhook")) continue;
        const std::string id = str(r.json().as_object(), "id");
        expect(api_call(server.port(), verb::get, "/api/v1/webhooks/" + id, api_key), 200, "get webhook");
        if (!expect(api_call(server.port(), verb::post, "/api/v1/webhooks/" + id + "/test", api_key), 202,
                    "test event"))
          continue;
        ++counts[p][0];
        std::lock_guard lock(mu);
        endpoints.push_back({id, p});
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    load.emplace_back([&, t] {  // social networks: upsert (a new sealed client secret each time), read, list
      for (int n = 0; !stop; ++n) {
        const int p = phase;
        const std::string& platform = platforms[static_cast<std::size_t>(t * 2 + n % 2)];
        const auto r = api_call(server.port(), verb::post, "/api/v1/social-networks", api_key,
                                json_text(boost::json::object{
                                    {"platform", platform},
                                    {"client_id", "client-" + platform},
                                    {"client_secret", "secret-" + std::to_string(t) + "-" + std::to_string(n)},
                                    {"redirect_uri", "https://api.example.com/api/v1/connect/callback"}}));
        ++requests;
        if (r.status != 200 && r.status != 201) {
          std::lock_guard lock(mu);
          failures.push_back("upsert social network: " + std::to_string(r.status) + " " + r.body);
          continue;
        }
        const std::string id = str(r.json().as_object(), "id");
        expect(api_call(server.port(), verb::get, "/api/v1/social-networks/" + id, api_key), 200, "get network");
        expect(api_call(server.port(), verb::get, "/api/v1/social-networks", api_key), 200, "list networks");
        ++counts[p][1];
        std::lock_guard lock(mu);
        if (std::find(networks.begin(), networks.end(), id) == networks.end()) networks.push_back(id);
      }
    });
  }
  const auto stop_load = [&] {
    stop = true;
    for (auto& th : load)
      if (th.joinable()) th.join();
  };
  // A phase has had enough load after 1.5 s and at least 5 endpoints and 5 network writes.
  auto phase_start = std::chrono::steady_clock::now();
  const auto enough = [&](int p) {
    return counts[p][0] >= 5 && counts[p][1] >= 5 &&
           (phase != p || std::chrono::steady_clock::now() - phase_start >= std::chrono::milliseconds(1500));
  };

  // Before: records under the old key.
  if (!wait_until([&] { return enough(before); }, std::chrono::milliseconds(30000))) {
    stop_load();
    FAIL() << "no load before the rotation; failures: " << failures.size() << server.log_text();
  }
  phase = during;
  phase_start = std::chrono::steady_clock::now();
  const auto rotated = cli({"keys", "rotate"});
  if (rotated.exit_code != 0) {
    stop_load();
    FAIL() << rotated.err;
  }
  const std::string new_id = key_file_ids(key_file).at(0);
  ASSERT_NE(new_id, old_id);
  const bool finished = wait_until(
      [&] {
        return log_has_line(server.log_text(),
                            {"re-encryption finished: no sealed value names an old key", "\"active_key\":\"" + new_id + "\""});
      },
      std::chrono::milliseconds(60000));
  phase = after;
  phase_start = std::chrono::steady_clock::now();
  const bool loaded_after = finished && wait_until([&] { return enough(after); }, std::chrono::milliseconds(30000));
  stop_load();
  ASSERT_TRUE(finished) << server.log_text();
  ASSERT_TRUE(loaded_after);
  EXPECT_TRUE(enough(during)) << counts[during][0] << " endpoints, " << counts[during][1] << " network writes";

  // No request failed.
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed requests, first: " << failures.front();
  EXPECT_GT(requests.load(), 60);
  std::cout << "[ load     ] " << requests.load() << " requests; endpoints before/during/after rotation: "
            << counts[before][0] << "/" << counts[during][0] << "/" << counts[after][0]
            << "; social network writes: " << counts[before][1] << "/" << counts[during][1] << "/"
            << counts[after][1] << "\n";
  const std::string log = server.log_text();
  EXPECT_TRUE(log_has_line(log, {"encryption keys reloaded", "\"active_key\":\"" + new_id + "\"",
                                 "\"previous_active_key\":\"" + old_id + "\""}))
      << log;
  EXPECT_EQ(log.find(key_file_entry(key_file, new_id).substr(new_id.size() + 1, 20)), std::string::npos)
      << "never log key material";

  // No stored value names the old key; every sealed value opens with the new key alone.
  EXPECT_EQ(naming(old_id), 0);
  const auto new_only = crypto::KeyRing::parse(key_file_entry(key_file, new_id));
  ASSERT_TRUE(new_only);
  auto db = store::open_database(db_->url());
  ASSERT_TRUE(db);
  std::int64_t checked = 0;
  for (const auto& column : jobs::sealed_columns()) {
    auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto rows = c.query("SELECT " + std::string(column.id_column) + ", " + std::string(column.org_column) + ", " +
                              std::string(column.column) + " FROM " + std::string(column.table) + " WHERE " +
                              std::string(column.column) + " IS NOT NULL",
                          {});
      if (!rows) return std::move(rows).error();
      for (const auto& row : *rows) {
        const std::string id = row.text(0), text = row.text(2);
        EXPECT_FALSE(text.starts_with("pf1." + old_id + ".")) << column.name() << " " << id;
        EXPECT_TRUE(new_only->open(core::Sealed::from_storage(text), column.aad(core::OrgId{row.text(1)}, id)))
            << column.name() << " " << id << " does not open with the new key alone";
        ++checked;
      }
      return core::Ok{};
    });
    ASSERT_TRUE(s) << s.error().internal;
  }
  EXPECT_GE(checked, static_cast<std::int64_t>(endpoints.size() + networks.size()));

  // Every record works through the API: each endpoint's test delivery exists
  // and arrived signed with its secret, whichever phase sealed it.
  ASSERT_TRUE(receiver.wait_for(endpoints.size(), std::chrono::milliseconds(60000)))
      << receiver.records().size() << " of " << endpoints.size() << " deliveries arrived\n" << server.log_text();
  for (const auto& r : receiver.records()) EXPECT_TRUE(r.verifies_with(0)) << r.webhook_id;
  for (const int p : {before, during, after}) {
    const auto e = std::find_if(endpoints.begin(), endpoints.end(), [&](const Endpoint& x) { return x.phase == p; });
    ASSERT_NE(e, endpoints.end()) << "phase " << p;
    const auto deliveries = api_call(server.port(), verb::get, "/api/v1/webhooks/" + e->id + "/deliveries", api_key);
    ASSERT_EQ(deliveries.status, 200) << deliveries.body;
    EXPECT_FALSE(deliveries.json().as_object().at("data").as_array().empty()) << "phase " << p;
    const auto test = api_call(server.port(), verb::post, "/api/v1/webhooks/" + e->id + "/test", api_key);
    EXPECT_EQ(test.status, 202) << test.body;
  }
  for (const auto& id : networks)
    EXPECT_EQ(api_call(server.port(), verb::get, "/api/v1/social-networks/" + id, api_key).status, 200);
  ASSERT_TRUE(receiver.wait_for(endpoints.size() + 3, std::chrono::milliseconds(30000)));
  for (const auto& r : receiver.records()) EXPECT_TRUE(r.verifies_with(0)) << r.webhook_id;

  const auto status = cli({"keys", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(old_id + " is no longer referenced: it can be removed"), std::string::npos) << status.out;
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log_text();
}

// SIGHUP re-reads the key file at once (the poll is set to an hour here); a
// key file without the active key is refused and logged, the server keeps its
// keys; SIGTERM still shuts down gracefully after SIGHUPs.
TEST_P(KeyRotation, SighupReloadsAtOnceAndAFileWithoutTheActiveKeyIsRefused) {
  const auto key_file = dir_.file("encryption.keys");
  auto env = file_env();
  env["POSTFUZE_KEY_RELOAD_MS"] = "3600000";
  ServerProcess server(db_->url(), env);
  const std::string api_key = server.first_key();
  ASSERT_FALSE(api_key.empty());
  const std::string old_id = key_file_ids(key_file).at(0);
  auto r = api_call(server.port(), verb::post, "/api/v1/webhooks", api_key,
                    json_text(boost::json::object{{"url", kNowhere}, {"events", boost::json::array{"post.published"}}}));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string endpoint_id = str(r.json().as_object(), "id");

  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] { return server.log_text().find("encryption keys unchanged") != std::string::npos; }))
      << server.log_text();

  ASSERT_EQ(cli({"keys", "rotate"}).exit_code, 0);
  const std::string new_id = key_file_ids(key_file).at(0);
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until(
      [&] {
        return log_has_line(server.log_text(),
                            {"encryption keys reloaded", "\"reason\":\"SIGHUP\"", "\"active_key\":\"" + new_id + "\""});
      }))
      << server.log_text();
  ASSERT_TRUE(wait_until(
      [&] {
        return log_has_line(server.log_text(),
                            {"re-encryption finished: no sealed value names an old key", "\"active_key\":\"" + new_id + "\""});
      },
      std::chrono::milliseconds(30000)))
      << server.log_text();
  EXPECT_EQ(naming(old_id), 0);
  EXPECT_EQ(naming(new_id), 1);

  // A key file that drops the active key: refused, the server keeps sealing with new_id.
  const std::string old_entry = key_file_entry(key_file, old_id);
  {
    std::ofstream out(key_file, std::ios::trunc);
    out << old_entry << "\n";
  }
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] {
    return log_has_line(server.log_text(), {"encryption keys not reloaded", "does not contain the active key '" + new_id});
  })) << server.log_text();
  EXPECT_EQ(server.log_text().find(old_entry.substr(old_id.size() + 1, 20)), std::string::npos) << "no key material";
  r = api_call(server.port(), verb::post, "/api/v1/webhooks/" + endpoint_id + "/rotate-secret", api_key);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(naming(new_id), 2) << "the new secret and the previous one (kept for the overlap)";
  EXPECT_EQ(naming(old_id), 0);
  EXPECT_EQ(api_call(server.port(), verb::post, "/api/v1/webhooks/" + endpoint_id + "/test", api_key).status, 202);

  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log_text();
  EXPECT_NE(server.log_text().find("shutting down"), std::string::npos);
}

// With POSTFUZE_ENCRYPTION_KEYS the keys cannot change under the process:
// SIGHUP says a restart is needed and the server carries on.
TEST_P(KeyRotation, WithTheEnvironmentVariableSighupSaysRestart) {
  ServerProcess server(db_->url(), webhook_env());
  ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(wait_until([&] {
    return server.log_text().find("POSTFUZE_ENCRYPTION_KEYS, which cannot change under a running process") !=
           std::string::npos;
  })) << server.log_text();
  EXPECT_EQ(http_request(server.port(), verb::get, "/api/v1/health").status, 200);
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log_text();
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyRotation, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
