// End to end: the social networks resource (contract §10; docs/decisions.md
// D19) on every store backend — upsert on (org, platform), validation, the
// write-only client secret (never in a response, the log or the database in
// plaintext), partial updates, tenancy and scopes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "store/database.hpp"
#include "support/server_fixture.hpp"

namespace postfuze::test {
namespace {


constexpr const char* kPath = "/api/v1/social-networks";
constexpr const char* kSecret = "Li-Sup3rSecret-0f-7he-Dev3loper";
constexpr const char* kSecret2 = "R0tated-Secret-Value-For-Linkedin";

std::string linkedin_body(const std::string& secret = kSecret) {
  return R"({"platform":"linkedin","display_name":"Acme LinkedIn","client_id":"86abc123","client_secret":")" +
         secret +
         R"(","redirect_uri":"https://api.example.com/api/v1/connect/callback","scopes":["r_basicprofile","w_member_social"],"extra_config":{"organizationId":"12345"}})";
}

std::set<std::string> error_fields(const HttpResult& r) {
  std::set<std::string> out;
  const auto body = r.json();
  for (const auto& e : body.as_object().at("errors").as_array())
    out.insert(std::string(e.as_object().at("field").as_string()));
  return out;
}

std::string error_code(const HttpResult& r, const std::string& field) {
  const auto body = r.json();
  for (const auto& e : body.as_object().at("errors").as_array())
    if (e.as_object().at("field").as_string() == field) return std::string(e.as_object().at("code").as_string());
  return "<none>";
}

class SocialNetworksTest : public ServerTest {
 protected:
  std::string id_of(const HttpResult& r) { return std::string(r.json().as_object().at("id").as_string()); }

  // Every stored column of every social network row, as text.
  std::string stored_rows() {
    auto db = store::open_database(db_->url());
    if (!db) throw std::runtime_error("open_database failed");
    std::string out;
    auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto rows = c.query(
          "SELECT id, org_id, platform, display_name, client_id, client_secret, redirect_uri, scopes, extra_config, "
          "is_enabled, created_at, updated_at FROM social_networks");
      if (!rows) return std::move(rows).error();
      for (const auto& row : *rows)
        for (std::size_t i = 0; i < row.size(); ++i) out += row.optional_text(i).value_or("NULL") + "|";
      return core::Ok{};
    });
    if (!s) throw std::runtime_error("query failed");
    return out;
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
};

TEST_P(SocialNetworksTest, CreateThenRepostUpdatesTheSameRecord) {
  const auto created = call(verb::post, kPath, key_, linkedin_body());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto j = created.json().as_object();
  EXPECT_EQ(j.at("platform").as_string(), "linkedin");
  EXPECT_EQ(j.at("display_name").as_string(), "Acme LinkedIn");
  EXPECT_EQ(j.at("client_id").as_string(), "86abc123");
  EXPECT_EQ(j.at("redirect_uri").as_string(), "https://api.example.com/api/v1/connect/callback");
  EXPECT_EQ(j.at("scopes").as_array().size(), 2u);
  EXPECT_EQ(j.at("extra_config").as_object().at("organizationId").as_string(), "12345");
  EXPECT_EQ(j.at("is_enabled").as_bool(), true);
  EXPECT_EQ(j.at("has_client_secret").as_bool(), true);
  EXPECT_FALSE(j.contains("client_secret"));
  const std::set<std::string> keys{"id",     "platform",     "display_name", "client_id",         "redirect_uri",
                                   "scopes", "extra_config", "is_enabled",   "has_client_secret", "created_at",
                                   "updated_at"};
  std::set<std::string> got;
  for (const auto& kv : j) got.insert(std::string(kv.key()));
  EXPECT_EQ(got, keys);
  EXPECT_EQ(created.header("cache-control"), "no-store");

  // Re-posting updates in place; omitted fields keep their values.
  const auto again = call(verb::post, kPath, key_, R"({"platform":"linkedin","display_name":"Renamed"})");
  ASSERT_EQ(again.status, 200) << again.body;
  const auto a = again.json().as_object();
  EXPECT_EQ(a.at("id"), j.at("id"));
  EXPECT_EQ(a.at("display_name").as_string(), "Renamed");
  EXPECT_EQ(a.at("client_id").as_string(), "86abc123");
  EXPECT_EQ(a.at("has_client_secret").as_bool(), true);
  EXPECT_EQ(a.at("created_at"), j.at("created_at"));
  const auto list = call(verb::get, kPath, key_).json().as_object();
  EXPECT_EQ(list.at("data").as_array().size(), 1u);
}

TEST_P(SocialNetworksTest, TheClientSecretNeverLeavesTheServer) {
  const auto created = call(verb::post, kPath, key_, linkedin_body());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = id_of(created);
  const auto patched = call(verb::patch, std::string(kPath) + "/" + id, key_,
                            R"({"client_secret":")" + std::string(kSecret2) + R"("})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  const auto reposted = call(verb::post, kPath, key_, linkedin_body(kSecret2));
  ASSERT_EQ(reposted.status, 200) << reposted.body;
  // An error response for a request carrying the secret.
  const auto refused = call(verb::post, kPath, key_,
                            R"({"platform":"linkedin","client_secret":")" + std::string(kSecret) + R"(","bogus":1})");
  ASSERT_EQ(refused.status, 422);
  const auto got = call(verb::get, std::string(kPath) + "/" + id, key_);
  const auto listed = call(verb::get, kPath, key_);
  for (const auto* r : {&created, &patched, &reposted, &refused, &got, &listed}) {
    EXPECT_EQ(r->body.find(kSecret), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find(kSecret2), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("client_secret\":\""), std::string::npos) << r->body;
  }
  const auto log = server_->log_text();
  EXPECT_EQ(log.find(kSecret), std::string::npos);
  EXPECT_EQ(log.find(kSecret2), std::string::npos);
  const auto rows = stored_rows();
  EXPECT_NE(rows.find(id), std::string::npos);
  EXPECT_NE(rows.find("pf1."), std::string::npos);  // sealed
  EXPECT_EQ(rows.find(kSecret), std::string::npos);
  EXPECT_EQ(rows.find(kSecret2), std::string::npos);
  const auto bytes = sqlite_bytes();
  EXPECT_EQ(bytes.find(kSecret), std::string::npos);
  EXPECT_EQ(bytes.find(kSecret2), std::string::npos);
  if (GetParam() == "sqlite") {
    EXPECT_NE(bytes.find("86abc123"), std::string::npos);  // the scan sees the data
  }
}

TEST_P(SocialNetworksTest, ValidationFailuresAre422AndWriteNothing) {
  auto expect_422 = [&](const std::string& body, const std::string& field, const std::string& code) {
    const auto r = call(verb::post, kPath, key_, body);
    ASSERT_EQ(r.status, 422) << body << " -> " << r.body;
    EXPECT_EQ(r.json().as_object().at("code").as_string(), "validation_failed");
    EXPECT_EQ(error_code(r, field), code) << body << " -> " << r.body;
  };
  expect_422(R"({"platform":"mastodon","client_id":"a","client_secret":"b"})", "platform", "unknown_platform");
  expect_422(R"({"platform":"X","client_id":"a","client_secret":"b"})", "platform", "unknown_platform");
  expect_422(R"({"client_id":"a","client_secret":"b"})", "platform", "required");
  expect_422(R"({"platform":7})", "platform", "type");
  expect_422(R"({"platform":"x","client_id":"a"})", "client_secret", "required");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":""})", "client_secret", "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"not a url"})", "redirect_uri",
             "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"ftp://example.com/cb"})",
             "redirect_uri", "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"/relative/cb"})", "redirect_uri",
             "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"https://u:p@example.com/cb"})",
             "redirect_uri", "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","redirect_uri":"https://example.com/)" +
                 std::string(2048, 'a') + "\"}",
             "redirect_uri", "too_long");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","scopes":"tweet.read"})", "scopes", "type");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","scopes":[1]})", "scopes.0", "type");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","scopes":["ok","two words"]})", "scopes.1",
             "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","scopes":[""]})", "scopes.0", "invalid");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","scopes":[")" + std::string(201, 's') + "\"]}",
             "scopes.0", "too_long");
  {
    std::string many = R"({"platform":"x","client_id":"a","client_secret":"b","scopes":[)";
    for (int i = 0; i < 51; ++i) many += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
    expect_422(many + "]}", "scopes", "type");
  }
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","display_name":")" + std::string(101, 'd') + "\"}",
             "display_name", "too_long");
  expect_422(R"({"platform":"x","client_id":")" + std::string(513, 'c') + R"(","client_secret":"b"})", "client_id",
             "too_long");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":")" + std::string(1025, 's') + "\"}", "client_secret",
             "too_long");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","extra_config":[1]})", "extra_config", "type");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","extra_config":{"big":")" +
                 std::string(8200, 'e') + "\"}}",
             "extra_config", "too_long");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","is_enabled":"yes"})", "is_enabled", "type");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","unknown":true})", "unknown", "unknown_field");
  expect_422(R"({"platform":"x","client_id":"a","client_secret":"b","clientSecret":"c"})", "clientSecret",
             "unknown_field");

  // First create of an OAuth platform names both missing credentials.
  const auto both = call(verb::post, kPath, key_, R"({"platform":"youtube"})");
  ASSERT_EQ(both.status, 422) << both.body;
  EXPECT_EQ(error_fields(both), (std::set<std::string>{"client_id", "client_secret"}));

  // Several bad fields are reported at once.
  const auto many = call(verb::post, kPath, key_, R"({"platform":"nope","scopes":{},"redirect_uri":"x","z":0})");
  ASSERT_EQ(many.status, 422);
  EXPECT_EQ(error_fields(many), (std::set<std::string>{"platform", "scopes", "redirect_uri", "z"}));

  EXPECT_EQ(call(verb::get, kPath, key_).json().as_object().at("data").as_array().size(), 0u);
  // Limits are inclusive.
  const auto edge = call(verb::post, kPath, key_,
                         R"({"platform":"x","client_id":"a","client_secret":"b","display_name":")" +
                             std::string(100, 'd') + "\"}");
  EXPECT_EQ(edge.status, 201) << edge.body;
}

TEST_P(SocialNetworksTest, BlueskyNeedsNoCredentials) {
  const auto r = call(verb::post, kPath, key_, R"({"platform":"bluesky"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto j = r.json().as_object();
  EXPECT_TRUE(j.at("client_id").is_null());
  EXPECT_TRUE(j.at("display_name").is_null());
  EXPECT_TRUE(j.at("redirect_uri").is_null());
  EXPECT_EQ(j.at("has_client_secret").as_bool(), false);
  EXPECT_EQ(j.at("scopes").as_array().size(), 0u);
  EXPECT_EQ(j.at("extra_config").as_object().size(), 0u);
  // Placeholders are accepted too, and can be cleared again.
  const auto with = call(verb::post, kPath, key_, R"({"platform":"bluesky","client_id":"p","client_secret":"p"})");
  ASSERT_EQ(with.status, 200) << with.body;
  EXPECT_EQ(with.json().as_object().at("has_client_secret").as_bool(), true);
  const auto cleared =
      call(verb::patch, std::string(kPath) + "/" + id_of(r), key_, R"({"client_id":null,"client_secret":null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json().as_object().at("has_client_secret").as_bool(), false);
  EXPECT_TRUE(cleared.json().as_object().at("client_id").is_null());
}

TEST_P(SocialNetworksTest, PatchIsPartialAndKeepsTheSecret) {
  const auto created = call(verb::post, kPath, key_, linkedin_body());
  ASSERT_EQ(created.status, 201);
  const auto before = created.json().as_object();
  const std::string url = std::string(kPath) + "/" + id_of(created);

  const auto r = call(verb::patch, url, key_, R"({"is_enabled":false,"scopes":["w_member_social"]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json().as_object();
  EXPECT_EQ(j.at("is_enabled").as_bool(), false);
  EXPECT_EQ(j.at("scopes").as_array().size(), 1u);
  EXPECT_EQ(j.at("has_client_secret").as_bool(), true);
  EXPECT_EQ(j.at("client_id"), before.at("client_id"));
  EXPECT_EQ(j.at("display_name"), before.at("display_name"));
  EXPECT_EQ(j.at("redirect_uri"), before.at("redirect_uri"));
  EXPECT_EQ(j.at("extra_config"), before.at("extra_config"));
  EXPECT_EQ(call(verb::get, url, key_).json(), r.json());

  // Sending the same platform is allowed; another one is refused.
  EXPECT_EQ(call(verb::patch, url, key_, R"({"platform":"linkedin"})").status, 200);
  const auto moved = call(verb::patch, url, key_, R"({"platform":"x"})");
  ASSERT_EQ(moved.status, 422) << moved.body;
  EXPECT_EQ(error_fields(moved), std::set<std::string>{"platform"});
  const auto bogus = call(verb::patch, url, key_, R"({"platform":"myspace"})");
  ASSERT_EQ(bogus.status, 422);
  // An OAuth platform's credentials cannot be cleared.
  const auto clear = call(verb::patch, url, key_, R"({"client_secret":null})");
  ASSERT_EQ(clear.status, 422) << clear.body;
  EXPECT_EQ(error_fields(clear), std::set<std::string>{"client_secret"});
  EXPECT_EQ(call(verb::patch, url, key_, R"({"id":"x"})").status, 422);
  // Clearing an optional field.
  const auto nulled = call(verb::patch, url, key_, R"({"display_name":null,"extra_config":null})");
  ASSERT_EQ(nulled.status, 200);
  EXPECT_TRUE(nulled.json().as_object().at("display_name").is_null());
  EXPECT_EQ(nulled.json().as_object().at("extra_config").as_object().size(), 0u);
  const auto after = call(verb::get, url, key_).json().as_object();
  EXPECT_EQ(after.at("platform").as_string(), "linkedin");
  EXPECT_EQ(after.at("has_client_secret").as_bool(), true);
  EXPECT_EQ(call(verb::patch, std::string(kPath) + "/00000000-0000-4000-8000-000000000000", key_, "{}").status, 404);
}

TEST_P(SocialNetworksTest, AnotherOrganisationsIdsBehaveLikeMissingOnes) {
  const auto created = call(verb::post, kPath, key_, linkedin_body());
  ASSERT_EQ(created.status, 201);
  const std::string url = std::string(kPath) + "/" + id_of(created);
  const std::string other = cli_key("other-org");
  const auto missing = call(verb::get, std::string(kPath) + "/00000000-0000-4000-8000-000000000000", other);
  ASSERT_EQ(missing.status, 404);
  const auto get = call(verb::get, url, other);
  ASSERT_EQ(get.status, 404);
  EXPECT_EQ(get.json().as_object().at("detail"), missing.json().as_object().at("detail"));
  EXPECT_EQ(call(verb::patch, url, other, R"({"display_name":"pwned"})").status, 404);
  EXPECT_EQ(call(verb::delete_, url, other).status, 404);
  EXPECT_EQ(call(verb::get, kPath, other).json().as_object().at("data").as_array().size(), 0u);
  // The other org's POST for the same platform creates its own record.
  const auto theirs = call(verb::post, kPath, other, linkedin_body());
  ASSERT_EQ(theirs.status, 201);
  EXPECT_NE(id_of(theirs), id_of(created));
  const auto mine = call(verb::get, url, key_);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json().as_object().at("display_name").as_string(), "Acme LinkedIn");
}

TEST_P(SocialNetworksTest, DeleteRemovesTheRecord) {
  const auto created = call(verb::post, kPath, key_, linkedin_body());
  ASSERT_EQ(created.status, 201);
  const std::string url = std::string(kPath) + "/" + id_of(created);
  const auto r = call(verb::delete_, url, key_);
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(call(verb::get, url, key_).status, 404);
  EXPECT_EQ(call(verb::delete_, url, key_).status, 404);
  // The platform can be configured again, as a new record.
  const auto again = call(verb::post, kPath, key_, linkedin_body());
  EXPECT_EQ(again.status, 201);
  EXPECT_NE(id_of(again), id_of(created));
}

TEST_P(SocialNetworksTest, WritesNeedAccountsWrite) {
  const auto created = call(verb::post, kPath, key_, linkedin_body());
  ASSERT_EQ(created.status, 201);
  const std::string url = std::string(kPath) + "/" + id_of(created);
  const auto reader = issue_key(R"({"name":"reader"})").second;
  const auto poster = issue_key(R"({"name":"poster","scopes":["posts:write"]})").second;
  for (const auto& k : {reader, poster}) {
    const auto post = call(verb::post, kPath, k, R"({"platform":"bluesky"})");
    ASSERT_EQ(post.status, 403) << post.body;
    EXPECT_EQ(post.json().as_object().at("code").as_string(), "insufficient_scope");
    EXPECT_EQ(call(verb::patch, url, k, R"({"display_name":"no"})").status, 403);
    EXPECT_EQ(call(verb::delete_, url, k).status, 403);
    EXPECT_EQ(call(verb::get, url, k).status, 200);
    EXPECT_EQ(call(verb::get, kPath, k).status, 200);
  }
  const auto writer = issue_key(R"({"name":"writer","scopes":["accounts:write"]})").second;
  EXPECT_EQ(call(verb::post, kPath, writer, R"({"platform":"bluesky"})").status, 201);
  EXPECT_EQ(call(verb::get, kPath, key_).json().as_object().at("data").as_array().size(), 2u);
  EXPECT_EQ(call(verb::get, url, key_).json().as_object().at("display_name").as_string(), "Acme LinkedIn");
}

TEST_P(SocialNetworksTest, ListIsSortedByPlatform) {
  for (const auto* p : {"youtube", "x", "facebook", "reddit", "google_business"}) {
    const auto r = call(verb::post, kPath, key_,
                        std::string(R"({"platform":")") + p + R"(","client_id":"id","client_secret":"sec"})");
    ASSERT_EQ(r.status, 201) << r.body;
  }
  ASSERT_EQ(call(verb::post, kPath, key_, R"({"platform":"bluesky"})").status, 201);
  const auto list = call(verb::get, kPath, key_);
  ASSERT_EQ(list.status, 200);
  const auto j = list.json().as_object();
  EXPECT_EQ(j.size(), 1u);  // just "data": no paging
  std::vector<std::string> platforms;
  for (const auto& n : j.at("data").as_array()) {
    platforms.emplace_back(n.as_object().at("platform").as_string());
    EXPECT_FALSE(n.as_object().contains("client_secret"));
  }
  EXPECT_EQ(platforms,
            (std::vector<std::string>{"bluesky", "facebook", "google_business", "reddit", "x", "youtube"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, SocialNetworksTest, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
