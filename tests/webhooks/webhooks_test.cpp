// End to end: the webhook endpoint API against the real server binary —
// create/list/get/patch/delete, the signing secret shown once, organisation
// isolation, input validation and the SSRF guard — on every store backend.
// Deliveries: delivery_test.cpp; kill -9: crash_test.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <tuple>

#include "store/database.hpp"
#include "webhook_fixture.hpp"

namespace postfuze::test {
namespace {

using WebhookApi = WebhookTest;

std::set<std::string> keys_of(const boost::json::object& o) {
  std::set<std::string> out;
  for (const auto& kv : o) out.insert(std::string(kv.key()));
  return out;
}

std::vector<std::string> events_of(const boost::json::object& o) {
  std::vector<std::string> out;
  for (const auto& e : o.at("events").as_array()) out.emplace_back(e.as_string());
  return out;
}

TEST_P(WebhookApi, CreateShowsTheSecretOnceThenListGetPatchDelete) {
  EXPECT_EQ(list_size(), 0u);

  const auto r = wh(verb::post, "",
                    create_body("http://127.0.0.1:9/first", std::nullopt,
                                {"post.published", "account.connected", "post.published"}, "primary"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto created = r.json().as_object();
  const std::string id = str(created, "id");
  const std::string secret = str(created, "signing_secret");
  ASSERT_FALSE(id.empty());
  // A generated secret: whsec_ + base64 of 32 bytes.
  EXPECT_TRUE(secret.starts_with("whsec_")) << secret;
  EXPECT_EQ(secret.size(), 6u + 44u) << secret;
  EXPECT_EQ(str(created, "url"), "http://127.0.0.1:9/first");
  EXPECT_EQ(str(created, "description"), "primary");
  EXPECT_EQ(events_of(created), (std::vector<std::string>{"post.published", "account.connected"}));
  EXPECT_EQ(created.at("is_enabled").as_bool(), true);
  EXPECT_EQ(str(created, "status"), "enabled");
  EXPECT_TRUE(created.at("disabled_reason").is_null());
  EXPECT_TRUE(created.at("failing_since").is_null());
  EXPECT_FALSE(str(created, "created_at").empty());

  // GET and list never show the secret.
  const auto got = wh(verb::get, "/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body.find(secret.substr(6)), std::string::npos);
  const auto got_json = got.json().as_object();
  EXPECT_FALSE(got_json.contains("signing_secret"));
  EXPECT_EQ(keys_of(got_json), (std::set<std::string>{"id", "url", "description", "events", "is_enabled", "status",
                                                      "disabled_reason", "failing_since", "created_at", "updated_at"}));
  EXPECT_EQ(str(got_json, "url"), "http://127.0.0.1:9/first");
  const auto list = wh(verb::get, "");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(secret.substr(6)), std::string::npos);
  EXPECT_EQ(list_size(), 1u);

  // A supplied secret is used as given (and shown once too).
  const auto second = create_webhook("https://127.0.0.1:9/second", kSecretA);
  EXPECT_EQ(str(second, "signing_secret"), kSecretA);
  EXPECT_EQ(wh(verb::get, "").body.find(kSecretA.substr(6)), std::string::npos);
  const auto both = wh(verb::get, "").json().as_object().at("data").as_array();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(str(both[0].as_object(), "id"), str(second, "id"));  // newest first

  // PATCH changes what it names and nothing else.
  const auto patched = wh(verb::patch, "/" + id,
                          R"({"url":"http://127.0.0.1:9/moved","events":["import.completed"],"description":"moved"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto p = patched.json().as_object();
  EXPECT_EQ(str(p, "url"), "http://127.0.0.1:9/moved");
  EXPECT_EQ(events_of(p), (std::vector<std::string>{"import.completed"}));
  EXPECT_EQ(str(p, "description"), "moved");
  EXPECT_FALSE(p.contains("signing_secret"));
  EXPECT_EQ(str(p, "created_at"), str(created, "created_at"));
  EXPECT_GE(str(p, "updated_at"), str(created, "updated_at"));
  EXPECT_EQ(str(get_webhook(id), "url"), "http://127.0.0.1:9/moved");
  EXPECT_EQ(events_of(get_webhook(id)), (std::vector<std::string>{"import.completed"}));

  // A refused PATCH changes nothing.
  const auto bad_patch = wh(verb::patch, "/" + id, R"({"events":[],"description":"never"})");
  ASSERT_EQ(bad_patch.status, 422) << bad_patch.body;
  EXPECT_EQ(error_fields(bad_patch), std::vector<std::string>{"events"});
  EXPECT_EQ(str(get_webhook(id), "description"), "moved");

  // Disabling through the API: test events are refused until enabled again.
  const auto off = wh(verb::patch, "/" + id, R"({"is_enabled":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json().as_object().at("is_enabled").as_bool(), false);
  EXPECT_EQ(str(off.json().as_object(), "status"), "disabled");
  EXPECT_FALSE(str(off.json().as_object(), "disabled_reason").empty());
  const auto refused = wh(verb::post, "/" + id + "/test");
  EXPECT_EQ(refused.status, 409) << refused.body;
  const auto on = wh(verb::patch, "/" + id, R"({"is_enabled":true})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_EQ(str(on.json().as_object(), "status"), "enabled");
  EXPECT_TRUE(on.json().as_object().at("disabled_reason").is_null());

  // DELETE: 204, then it is gone for every call.
  const auto del = wh(verb::delete_, "/" + id);
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(del.body.empty());
  EXPECT_EQ(wh(verb::get, "/" + id).status, 404);
  EXPECT_EQ(wh(verb::delete_, "/" + id).status, 404);
  EXPECT_EQ(wh(verb::patch, "/" + id, R"({"description":"x"})").status, 404);
  EXPECT_EQ(wh(verb::post, "/" + id + "/test").status, 404);
  EXPECT_EQ(list_size(), 1u);
  EXPECT_EQ(str(wh(verb::get, "").json().as_object().at("data").as_array()[0].as_object(), "id"), str(second, "id"));
}

TEST_P(WebhookApi, AnotherOrganisationsWebhookIdIsNotFound) {
  Receiver receiver({.secrets = {kSecretA}});
  const auto mine = create_webhook(receiver.url(), kSecretA);
  const std::string id = str(mine, "id");
  const std::string other = cli_key("other-org");

  const std::string missing = "00000000-0000-4000-8000-000000000000";
  const auto missing_get = wh(verb::get, "/" + missing, "", other);
  ASSERT_EQ(missing_get.status, 404) << missing_get.body;

  const auto get = wh(verb::get, "/" + id, "", other);
  EXPECT_EQ(get.status, 404) << get.body;
  EXPECT_EQ(get.json().as_object().at("detail"), missing_get.json().as_object().at("detail"));
  EXPECT_EQ(wh(verb::patch, "/" + id, R"({"url":"http://127.0.0.1:9/stolen","is_enabled":false})", other).status, 404);
  EXPECT_EQ(wh(verb::post, "/" + id + "/test", "", other).status, 404);
  EXPECT_EQ(wh(verb::get, "/" + id + "/deliveries", "", other).status, 404);
  EXPECT_EQ(wh(verb::post, "/" + id + "/rotate-secret", "", other).status, 404);
  EXPECT_EQ(wh(verb::post, "/" + id + "/recover", R"({"since":"2020-01-01T00:00:00Z"})", other).status, 404);
  EXPECT_EQ(wh(verb::delete_, "/" + id, "", other).status, 404);
  EXPECT_EQ(list_size(other), 0u);

  // Nothing changed for the owner: same URL, still enabled, same secret.
  const auto after = get_webhook(id);
  EXPECT_EQ(str(after, "url"), receiver.url());
  EXPECT_EQ(after.at("is_enabled").as_bool(), true);
  // The refused `test` sent nothing: the owner's own test is the first and only delivery.
  const auto sent = send_test(id);
  ASSERT_TRUE(receiver.wait_for(1)) << receiver.stderr_text();
  ASSERT_TRUE(wait_final(id, sent.delivery_id, 1));
  const auto got = receiver.records();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].webhook_id, sent.event_id);
  EXPECT_TRUE(got[0].verifies_with(0)) << "the secret was not rotated by the other org: " << got[0].signature_header;
  // The owner's delivery log is not visible to the other org, and the other org's
  // webhook is not visible to the owner.
  const auto theirs = create_webhook("http://127.0.0.1:9/theirs", std::nullopt, other);
  EXPECT_EQ(wh(verb::get, "/" + str(theirs, "id")).status, 404);
  EXPECT_EQ(wh(verb::delete_, "/" + str(theirs, "id")).status, 404);
  EXPECT_EQ(list_size(), 1u);
  EXPECT_EQ(list_size(other), 1u);
}

TEST_P(WebhookApi, BadInputIsRefusedWith422NamingTheFieldAndNothingIsCreated) {
  struct Case {
    std::string name;
    std::string body;
    std::string field;
  };
  const std::string long_description(501, 'd');
  const std::vector<Case> cases = {
      {"ftp url", R"({"url":"ftp://x","events":["post.published"]})", "url"},
      {"not a url", R"({"url":"not a url","events":["post.published"]})", "url"},
      {"credentials in url", R"({"url":"http://user:pw@host/","events":["post.published"]})", "url"},
      {"fragment in url", R"({"url":"http://127.0.0.1:9/x#part","events":["post.published"]})", "url"},
      {"url too long", R"({"url":"http://127.0.0.1:9/)" + std::string(2100, 'a') + R"(","events":["post.published"]})",
       "url"},
      {"url not a string", R"({"url":42,"events":["post.published"]})", "url"},
      {"missing url", R"({"events":["post.published"]})", "url"},
      {"unknown event", R"({"url":"http://127.0.0.1:9/x","events":["post.deleted"]})", "events.0"},
      {"test event is not subscribable", R"({"url":"http://127.0.0.1:9/x","events":["webhook.test"]})", "events.0"},
      {"empty events", R"({"url":"http://127.0.0.1:9/x","events":[]})", "events"},
      {"missing events", R"({"url":"http://127.0.0.1:9/x"})", "events"},
      {"description too long",
       R"({"url":"http://127.0.0.1:9/x","events":["post.published"],"description":")" + long_description + "\"}",
       "description"},
      {"short raw secret", R"({"url":"http://127.0.0.1:9/x","events":["post.published"],"signing_secret":"short"})",
       "signing_secret"},
      {"whsec_ not base64",
       R"({"url":"http://127.0.0.1:9/x","events":["post.published"],"signing_secret":"whsec_!!!not base64!!!"})",
       "signing_secret"},
      {"whsec_ too short key",
       R"({"url":"http://127.0.0.1:9/x","events":["post.published"],"signing_secret":"whsec_AAECAwQ="})",
       "signing_secret"},
      {"unknown member", R"({"url":"http://127.0.0.1:9/x","events":["post.published"],"secret":"x"})", "secret"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto r = wh(verb::post, "", c.body);
    ASSERT_EQ(r.status, 422) << r.body;
    const auto j = r.json().as_object();
    EXPECT_EQ(str(j, "code"), "validation_failed");
    ASSERT_TRUE(j.contains("errors")) << r.body;
    const auto fields = error_fields(r);
    EXPECT_NE(std::find(fields.begin(), fields.end(), c.field), fields.end()) << r.body;
    // The secret a client sent is never echoed back in an error.
    EXPECT_EQ(r.body.find("not base64!!!"), std::string::npos);
  }
  // Several bad fields at once are all named.
  const auto many =
      wh(verb::post, "", R"({"url":"ftp://x","events":["nope"],"description":")" + long_description + "\"}");
  ASSERT_EQ(many.status, 422) << many.body;
  const auto fields = error_fields(many);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()),
            (std::set<std::string>{"url", "events.0", "description"}));
  // A description of exactly 500 bytes is fine; nothing above was created.
  EXPECT_EQ(list_size(), 0u);
  const auto at_limit =
      wh(verb::post, "", create_body("http://127.0.0.1:9/x", std::nullopt, {"post.published"}, std::string(500, 'd')));
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
  EXPECT_EQ(list_size(), 1u);
}

TEST_P(WebhookApi, RecoverNeedsASinceTimestamp) {
  const std::string id = str(create_webhook(kNowhere), "id");
  const auto missing = wh(verb::post, "/" + id + "/recover", "{}");
  ASSERT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(error_fields(missing), std::vector<std::string>{"since"});
  const auto bad = wh(verb::post, "/" + id + "/recover", R"({"since":"yesterday"})");
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(error_fields(bad), std::vector<std::string>{"since"});
  const auto none = wh(verb::post, "/" + id + "/recover", R"({"since":"2020-01-01T00:00:00Z"})");
  ASSERT_EQ(none.status, 202) << none.body;
  EXPECT_EQ(none.json().as_object().at("requeued").as_int64(), 0);
}

TEST_P(WebhookApi, ReadOnlyKeysCanReadButNotWrite) {
  const std::string id = str(create_webhook(kNowhere), "id");
  const auto reader = issue_key(R"({"name":"reader"})").second;
  EXPECT_EQ(wh(verb::get, "", "", reader).status, 200);
  EXPECT_EQ(wh(verb::get, "/" + id, "", reader).status, 200);
  EXPECT_EQ(wh(verb::get, "/" + id + "/deliveries", "", reader).status, 200);
  for (const auto& [method, path, body] : std::vector<std::tuple<verb, std::string, std::string>>{
           {verb::post, "", create_body(kNowhere)},
           {verb::patch, "/" + id, R"({"description":"x"})"},
           {verb::delete_, "/" + id, ""},
           {verb::post, "/" + id + "/test", ""},
           {verb::post, "/" + id + "/rotate-secret", ""},
           {verb::post, "/" + id + "/recover", R"({"since":"2020-01-01T00:00:00Z"})"}}) {
    const auto r = wh(method, path, body, reader);
    EXPECT_EQ(r.status, 403) << path << " " << r.body;
    EXPECT_EQ(str(r.json().as_object(), "code"), "insufficient_scope");
  }
  EXPECT_EQ(list_size(), 1u);
  EXPECT_EQ(str(get_webhook(id), "description"), "");
  EXPECT_TRUE(attempts(id).empty());
}

TEST_P(WebhookApi, MetadataAddressesAreRefusedEvenWhenPrivateOnesAreAllowed) {
  // address_policy.hpp: metadata, unspecified and multicast are never allowed.
  for (const std::string url : {"http://169.254.169.254/latest", "http://0.0.0.0/x", "http://224.0.0.1/x"}) {
    const auto r = wh(verb::post, "", create_body(url));
    ASSERT_EQ(r.status, 422) << url << " " << r.body;
    EXPECT_EQ(error_code_of(r, "url"), "forbidden_destination") << url;
  }
  EXPECT_EQ(list_size(), 0u);
}

TEST_P(WebhookApi, SigningSecretsNeverReachTheLogOrTheDatabaseInPlaintext) {
  const auto r = wh(verb::post, "", create_body(kNowhere, kSecretA));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = str(r.json().as_object(), "id");
  const auto rotated = wh(verb::post, "/" + id + "/rotate-secret", "{}");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string generated = str(rotated.json().as_object(), "signing_secret");
  ASSERT_EQ(wh(verb::post, "/" + id + "/test").status, 202);
  // The base64 part is what a leak would show, with or without the prefix.
  const std::vector<std::string> secrets{kSecretA.substr(6), generated.substr(6)};

  for (const auto& secret : secrets) EXPECT_EQ(server_->log_text().find(secret), std::string::npos);

  auto db = store::open_database(db_->url());
  ASSERT_TRUE(db) << db.error().internal;
  for (const char* table : {"webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_attempts"}) {
    auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
      auto rows = c.query(std::string("SELECT * FROM ") + table);
      if (!rows) return std::move(rows).error();
      for (const auto& row : *rows)
        for (std::size_t i = 0; i < row.size(); ++i)
          for (const auto& secret : secrets)
            if (!row.is_null(i)) {
              EXPECT_EQ(row.text(i).find(secret), std::string::npos) << table;
            }
      return core::Ok{};
    });
    EXPECT_TRUE(s) << s.error().internal;
  }
  if (GetParam() == "sqlite") {
    // Every byte SQLite wrote, the write-ahead log included.
    const std::string file = db_->url().substr(std::string("sqlite:").size());
    for (const auto& path : {file, file + "-wal"}) {
      std::ifstream in(path, std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (const auto& secret : secrets) EXPECT_EQ(bytes.find(secret), std::string::npos) << path;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookApi, testing::ValuesIn(store_backends()), BackendParamName());

// The SSRF guard, with POSTFUZE_ALLOW_PRIVATE_WEBHOOKS unset (the default: false).
class WebhookSsrf : public WebhookTest {
 protected:
  Env extra_env() const override { return webhook_env({{"POSTFUZE_ALLOW_PRIVATE_WEBHOOKS", ""}}); }
};

TEST_P(WebhookSsrf, PrivateLoopbackLinkLocalAndMetadataDestinationsAreRefused) {
  const std::vector<std::string> urls = {"http://127.0.0.1:9/x", "http://10.0.0.1/x",  "http://169.254.169.254/latest",
                                         "http://[::1]/x",       "http://localhost/x", "http://192.168.1.10/x",
                                         "http://172.16.0.1/x",  "http://0.0.0.0/x",   "http://[::ffff:127.0.0.1]/x",
                                         "https://127.1/x"};
  for (const auto& url : urls) {
    SCOPED_TRACE(url);
    const auto r = wh(verb::post, "", create_body(url));
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(error_fields(r), std::vector<std::string>{"url"}) << r.body;
    EXPECT_EQ(error_code_of(r, "url"), "forbidden_destination") << r.body;
  }
  EXPECT_EQ(list_size(), 0u);
  // A public address passes (creating resolves but never connects).
  const auto pub = wh(verb::post, "", create_body("https://1.1.1.1/hooks"));
  ASSERT_EQ(pub.status, 201) << pub.body;
  const std::string id = str(pub.json().as_object(), "id");
  // Moving it to a private address is refused the same way and changes nothing.
  const auto moved = wh(verb::patch, "/" + id, R"({"url":"http://169.254.169.254/latest/meta-data"})");
  ASSERT_EQ(moved.status, 422) << moved.body;
  EXPECT_EQ(error_code_of(moved, "url"), "forbidden_destination");
  EXPECT_EQ(str(get_webhook(id), "url"), "https://1.1.1.1/hooks");
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookSsrf, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
