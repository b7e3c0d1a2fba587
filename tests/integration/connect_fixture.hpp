// ConnectTest: the real server on a fresh database of each backend, wired to
// the platform simulator (its provider overrides), with `http://app.test:8080`
// as the allowed redirect origin and a shared app for reddit. Helpers run the
// browser-less round trip: register an app at both ends, ask for an
// authorize URL, follow it at the simulator (consent auto_approve), and
// deliver the platform's redirect to the callback. Header-only: shared by the
// connect and browser tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <gtest/gtest.h>

#include "store/database.hpp"
#include "support/platform_sim.hpp"
#include "support/server_fixture.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::test {

inline constexpr const char* kAppOrigin = "http://app.test:8080";
inline constexpr const char* kSharedRedditId = "shared-reddit-client";
inline constexpr const char* kSharedRedditSecret = "Shared-Reddit-S3cret";

// The query parameters of an absolute URL or origin-form target.
inline std::map<std::string, std::string> query_params(const std::string& url) {
  std::map<std::string, std::string> out;
  boost::urls::url u;
  if (auto a = boost::urls::parse_absolute_uri(url)) u = *a;
  else if (auto o = boost::urls::parse_origin_form(url)) u = *o;
  else return out;
  for (auto p : u.params()) out[std::string(p.key)] = std::string(p.value);
  return out;
}

// Path and query of an absolute URL (what goes on the request line); the fragment dropped.
inline std::string target_of(const std::string& url) {
  auto u = boost::urls::parse_uri_reference(url);
  if (!u) return url;
  std::string t(u->encoded_path());
  if (t.empty()) t = "/";
  if (u->has_query()) t += "?" + std::string(u->encoded_query());
  return t;
}

class ConnectTest : public ServerTest {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<PlatformSim>();
    overrides_path_ = (files_.path() / "overrides.json").string();
    std::ofstream(overrides_path_) << sim_->overrides_json();
    shared_path_ = (files_.path() / "shared.json").string();
    std::ofstream(shared_path_) << R"({"reddit": {"client_id": ")" << kSharedRedditId << R"(", "client_secret": ")"
                                << kSharedRedditSecret << R"("}})";
    ServerTest::SetUp();
    callback_url_ = "http://127.0.0.1:" + std::to_string(port()) + "/api/v1/connect/callback";
  }

  Env extra_env() const override {
    return {{"POSTFUZE_PROVIDER_OVERRIDES", overrides_path_},
            {"POSTFUZE_SHARED_APPS", shared_path_},
            {"POSTFUZE_APP_URL", kAppOrigin},
            {"POSTFUZE_ALLOW_PRIVATE_WEBHOOKS", "true"},
            {"POSTFUZE_RATE_LIMIT_MULTIPLIER", "100"},
            {"POSTFUZE_TOKEN_REFRESH_POLL_MS", "200"}};
  }

  static std::string client_id(const std::string& platform) { return "cid-" + platform; }
  static std::string client_secret(const std::string& platform) { return "Cl13nt-S3cret+/=" + platform; }

  // A BYOK record here and the matching app at the simulator; returns the record id.
  std::string register_app(const std::string& platform, const std::string& key = {}) {
    const auto r = call(verb::post, "/api/v1/social-networks", key.empty() ? key_ : key,
                        R"({"platform":")" + platform + R"(","client_id":")" + client_id(platform) +
                            R"(","client_secret":")" + client_secret(platform) + R"("})");
    EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
    sim_->register_app(platform, client_id(platform), client_secret(platform), callback_url_);
    return std::string(r.json().as_object().at("id").as_string());
  }

  void scenario(const std::string& platform, boost::json::object knobs) {
    if (!knobs.contains("consent")) knobs["consent"] = "auto_approve";
    sim_->scenario(platform, knobs);
  }

  // POST auth-url; the whole response.
  HttpResult auth_url_call(const std::string& platform, const std::string& body, const std::string& key = {}) {
    return call(verb::post, "/api/v1/social-networks/" + platform + "/auth-url", key.empty() ? key_ : key, body);
  }
  std::string auth_url(const std::string& platform, const std::string& body, const std::string& key = {}) {
    const auto r = auth_url_call(platform, body, key);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {};
    return std::string(r.json().as_object().at("auth_url").as_string());
  }

  // GET the authorize URL at the simulator; the Location it redirects to.
  std::string authorize(const std::string& url) {
    const auto r = http_request(sim_->port(), verb::get, target_of(url));
    EXPECT_EQ(r.status, 302) << r.body;
    return r.header("location");
  }

  // Delivers the platform's redirect (an absolute URL to our callback) to the server.
  HttpResult deliver(const std::string& redirect) { return http_request(port(), verb::get, target_of(redirect)); }

  // auth-url → simulator → callback, all with auto consent.
  HttpResult round_trip(const std::string& platform, const std::string& body) {
    const std::string url = auth_url(platform, body);
    if (url.empty()) return {};
    return deliver(authorize(url));
  }

  // Every row of a table, each column as text (NULL for null), one line per row.
  std::string rows(const std::string& sql) {
    auto db = store::open_database(db_->url());
    if (!db) throw std::runtime_error("open_database failed");
    std::string out;
    auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto rs = c.query(sql);
      if (!rs) return std::move(rs).error();
      for (const auto& row : *rs) {
        for (std::size_t i = 0; i < row.size(); ++i) out += row.optional_text(i).value_or("NULL") + "|";
        out += "\n";
      }
      return core::Ok{};
    });
    if (!s) throw std::runtime_error("query failed: " + s.error().internal);
    return out;
  }
  std::int64_t count(const std::string& sql) {
    auto db = store::open_database(db_->url());
    std::int64_t n = -1;
    (void)(*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto rs = c.query(sql);
      if (!rs) return std::move(rs).error();
      n = (*rs)[0].integer(0);
      return core::Ok{};
    });
    return n;
  }

  // Runs one statement against the test's database (e.g. to age a token).
  void execute(const std::string& sql) {
    auto db = store::open_database(db_->url());
    if (!db) throw std::runtime_error("open_database failed");
    auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto r = c.execute(sql);
      if (!r) return std::move(r).error();
      return core::Ok{};
    });
    if (!s) throw std::runtime_error("execute failed: " + s.error().internal);
  }

  // The raw bytes of the SQLite database and its WAL (empty on PostgreSQL).
  std::string sqlite_bytes() {
    const std::string url = db_->url();
    if (!url.starts_with("sqlite:")) return {};
    std::string out;
    for (const auto& suffix : {"", "-wal", "-journal"}) {
      std::ifstream in(url.substr(7) + suffix, std::ios::binary);
      if (in) out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }

  TempDir files_;
  std::unique_ptr<PlatformSim> sim_;
  std::string overrides_path_;
  std::string shared_path_;
  std::string callback_url_;
};

}  // namespace postfuze::test
