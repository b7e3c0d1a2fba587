// The simulator's Bluesky mode (sim/bluesky.hpp): handle resolution, the PLC
// directory, createSession with app and main passwords (the JWT scope tells
// them apart), refreshSession rotation, getProfile, the XRPC error shapes and
// the scenario knobs.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/encoding.hpp"
#include "sim/sim_client.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

constexpr const char* kHandle = "alice.bsky.test";
constexpr const char* kDid = "did:plc:alice234567abcdefghijklm";
constexpr const char* kAppPassword = "abcd-efgh-ijkl-mnop";
constexpr const char* kMainPassword = "correct horse battery staple";
constexpr const char* kEmail = "alice@example.com";

class BlueskySimTest : public SimTest {
 protected:
  void SetUp() override {
    sim_.register_bluesky_account(kHandle, kDid, kAppPassword, kMainPassword, kEmail, "Alice");
  }

  HttpResult create_session(const std::string& identifier, const std::string& password) {
    return http_request(port(), verb::post, "/bluesky/xrpc/com.atproto.server.createSession",
                        json::serialize(json::object{{"identifier", identifier}, {"password", password}}),
                        {{"Content-Type", "application/json"}});
  }

  // The decoded payload of a JWT.
  static json::object claims(const std::string& jwt) {
    const auto first = jwt.find('.');
    const auto second = jwt.find('.', first + 1);
    EXPECT_NE(second, std::string::npos) << jwt;
    EXPECT_EQ(jwt.find('.', second + 1), std::string::npos) << jwt;
    const auto payload = crypto::base64url_decode(jwt.substr(first + 1, second - first - 1));
    EXPECT_TRUE(payload.has_value());
    return json::parse(payload.value_or("{}")).as_object();
  }

  static void expect_xrpc_error(const HttpResult& r, int status, const std::string& error) {
    EXPECT_EQ(r.status, status) << r.body;
    const auto body = json::parse(r.body).as_object();
    EXPECT_EQ(str(body.at("error")), error) << r.body;
    EXPECT_TRUE(body.at("message").is_string());
  }
};

TEST_F(BlueskySimTest, ResolvesAHandleToItsDid) {
  const auto r = get("/bluesky/xrpc/com.atproto.identity.resolveHandle?handle=ALICE.bsky.test");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("did")), kDid);
  expect_xrpc_error(get("/bluesky/xrpc/com.atproto.identity.resolveHandle?handle=nobody.bsky.test"), 400,
                    "HandleNotFound");
  expect_xrpc_error(get("/bluesky/xrpc/com.atproto.identity.resolveHandle"), 400, "InvalidRequest");
}

TEST_F(BlueskySimTest, ThePlcDirectoryServesTheDidDocumentNamingThePds) {
  const auto r = get(std::string("/plc/") + kDid);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json().as_object();
  EXPECT_EQ(str(doc.at("id")), kDid);
  EXPECT_EQ(str(doc.at("alsoKnownAs").as_array()[0]), std::string("at://") + kHandle);
  const auto& service = doc.at("service").as_array()[0].as_object();
  EXPECT_EQ(str(service.at("id")), "#atproto_pds");
  EXPECT_EQ(str(service.at("type")), "AtprotoPersonalDataServer");
  EXPECT_EQ(str(service.at("serviceEndpoint")), sim_.base_url() + "/bluesky");
  EXPECT_EQ(get("/plc/did:plc:unknown").status, 404);
}

TEST_F(BlueskySimTest, AppPasswordSessionsCarryTheAppPassScope) {
  for (const std::string& identifier : {std::string(kHandle), std::string(kEmail), std::string(kDid)}) {
    SCOPED_TRACE(identifier);
    const auto r = create_session(identifier, kAppPassword);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto o = r.json().as_object();
    EXPECT_EQ(str(o.at("did")), kDid);
    EXPECT_EQ(str(o.at("handle")), kHandle);
    EXPECT_EQ(str(o.at("email")), kEmail);
    EXPECT_TRUE(o.at("active").as_bool());
    EXPECT_EQ(str(o.at("didDoc").at("id")), kDid);
    const auto access = claims(str(o.at("accessJwt")));
    EXPECT_EQ(str(access.at("scope")), "com.atproto.appPass");
    EXPECT_EQ(str(access.at("sub")), kDid);
    EXPECT_EQ(access.at("exp").as_int64() - access.at("iat").as_int64(), 7200);
    const auto refresh = claims(str(o.at("refreshJwt")));
    EXPECT_EQ(str(refresh.at("scope")), "com.atproto.refresh");
    EXPECT_EQ(refresh.at("exp").as_int64() - refresh.at("iat").as_int64(), 90 * 86400);
  }
  EXPECT_EQ(sim_.bluesky_stats().at("create_session").as_int64(), 3);
}

TEST_F(BlueskySimTest, TheMainPasswordGetsFullAccessScope) {
  const auto r = create_session(kHandle, kMainPassword);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(claims(str(r.json().at("accessJwt"))).at("scope")), "com.atproto.access");
}

TEST_F(BlueskySimTest, WrongPasswordAndUnknownIdentifierLookTheSame) {
  const auto wrong = create_session(kHandle, "wxyz-wxyz-wxyz-wxyz");
  const auto unknown = create_session("nobody.bsky.test", kAppPassword);
  expect_xrpc_error(wrong, 401, "AuthenticationRequired");
  expect_xrpc_error(unknown, 401, "AuthenticationRequired");
  EXPECT_EQ(wrong.body, unknown.body);
  expect_xrpc_error(http_request(port(), verb::post, "/bluesky/xrpc/com.atproto.server.createSession",
                                 R"({"identifier":"x"})", {{"Content-Type", "application/json"}}),
                    400, "InvalidRequest");
  expect_xrpc_error(http_request(port(), verb::post, "/bluesky/xrpc/com.atproto.server.createSession",
                                 "identifier=x&password=y", {{"Content-Type", "application/x-www-form-urlencoded"}}),
                    400, "InvalidRequest");
  EXPECT_EQ(sim_.bluesky_stats().at("rejected").as_int64(), 4);
}

TEST_F(BlueskySimTest, GetProfileNeedsALiveAccessToken) {
  const auto s = create_session(kHandle, kAppPassword).json();
  const std::string access = str(s.at("accessJwt"));
  const std::string target = std::string("/bluesky/xrpc/app.bsky.actor.getProfile?actor=") + kDid;
  const auto r = bearer_get(target, access);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json().at("displayName")), "Alice");
  EXPECT_EQ(str(r.json().at("handle")), kHandle);
  EXPECT_TRUE(r.json().at("avatar").is_string());
  expect_xrpc_error(get(target), 401, "AuthMissing");
  expect_xrpc_error(bearer_get(target, "not-a-token"), 400, "InvalidToken");
  // The refresh JWT is not an access token.
  expect_xrpc_error(bearer_get(target, str(s.at("refreshJwt"))), 400, "InvalidToken");
  // Expired after two hours: ExpiredToken as HTTP 400 (platforms.md §18).
  sim_.advance_clock(std::chrono::seconds(7201));
  expect_xrpc_error(bearer_get(target, access), 400, "ExpiredToken");
}

TEST_F(BlueskySimTest, RefreshSessionRotatesTheRefreshToken) {
  const auto s = create_session(kHandle, kAppPassword).json();
  const std::string refresh = str(s.at("refreshJwt"));
  auto refresh_with = [&](const std::string& token) {
    return http_request(port(), verb::post, "/bluesky/xrpc/com.atproto.server.refreshSession", "",
                        {{"Authorization", "Bearer " + token}});
  };
  const auto r = refresh_with(refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string next = str(r.json().at("refreshJwt"));
  EXPECT_NE(next, refresh);
  EXPECT_EQ(str(claims(str(r.json().at("accessJwt"))).at("scope")), "com.atproto.appPass");
  expect_xrpc_error(refresh_with(refresh), 400, "ExpiredToken");  // rotated away
  EXPECT_EQ(refresh_with(next).status, 200);
  expect_xrpc_error(refresh_with(str(s.at("accessJwt"))), 400, "InvalidToken");
  EXPECT_EQ(sim_.bluesky_stats().at("refresh_session").as_int64(), 4);
}

TEST_F(BlueskySimTest, KnobsTakeThePdsDownRevokeTheAppPasswordAndRateLimit) {
  const auto s = create_session(kHandle, kAppPassword).json();
  auto knobs = sim_.scenario("bluesky", {{"revoke_app_password", true}});
  EXPECT_TRUE(knobs.at("revoke_app_password").as_bool());
  EXPECT_FALSE(knobs.at("down").as_bool());
  expect_xrpc_error(create_session(kHandle, kAppPassword), 401, "AuthenticationRequired");
  expect_xrpc_error(bearer_get(std::string("/bluesky/xrpc/app.bsky.actor.getProfile?actor=") + kDid,
                               str(s.at("accessJwt"))),
                    400, "ExpiredToken");
  EXPECT_EQ(create_session(kHandle, kMainPassword).status, 200);  // the main password still works

  sim_.scenario("bluesky", {{"revoke_app_password", false}, {"rate_limited", true}});
  const auto limited = create_session(kHandle, kAppPassword);
  expect_xrpc_error(limited, 429, "RateLimitExceeded");
  EXPECT_EQ(limited.header("ratelimit-remaining"), "0");
  EXPECT_EQ(limited.header("ratelimit-policy"), "30;w=300");

  sim_.scenario("bluesky", {{"rate_limited", false}, {"down", true}});
  EXPECT_EQ(create_session(kHandle, kAppPassword).status, 503);
  EXPECT_EQ(get("/bluesky/xrpc/com.atproto.identity.resolveHandle?handle=alice.bsky.test").status, 503);
  EXPECT_EQ(get(std::string("/plc/") + kDid).status, 200);  // the PLC directory is another service

  const auto bad = http_request(port(), verb::post, "/_sim/scenario", R"({"platform":"bluesky","nope":true})",
                                {{"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(get("/_sim/scenario?platform=bluesky").json().at("down").as_bool());
}

TEST_F(BlueskySimTest, UnknownMethodsAndWrongVerbsUseXrpcErrors) {
  expect_xrpc_error(get("/bluesky/xrpc/com.atproto.repo.nope"), 501, "MethodNotImplemented");
  expect_xrpc_error(get("/bluesky/xrpc/com.atproto.server.createSession"), 400, "InvalidRequest");
  EXPECT_EQ(get("/bluesky/elsewhere").status, 404);
}

TEST_F(BlueskySimTest, RequestsAreRecordedAndAccountsValidated) {
  create_session(kHandle, kAppPassword);
  get(std::string("/plc/") + kDid);
  const auto log = sim_.requests("bluesky");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(str(obj(log[0]).at("target")), "/bluesky/xrpc/com.atproto.server.createSession");
  EXPECT_EQ(str(obj(log[1]).at("target")), std::string("/plc/") + kDid);
  auto post = [&](const std::string& body) {
    return http_request(port(), verb::post, "/_sim/bluesky/accounts", body, {{"Content-Type", "application/json"}});
  };
  EXPECT_EQ(post(R"({"handle":"nodot","did":"did:plc:a","app_password":"p"})").status, 422);
  EXPECT_EQ(post(R"({"handle":"b.test","did":"did:key:a","app_password":"p"})").status, 422);
  EXPECT_EQ(post(R"({"handle":"b.test","did":"did:plc:b"})").status, 422);
  EXPECT_EQ(post(R"({"handle":"b.test","did":"did:plc:b","app_password":"p","x":1})").status, 422);
  EXPECT_EQ(post(R"({"handle":"b.test","did":"did:plc:b","app_password":"p"})").status, 201);
  EXPECT_EQ(post(R"({"handle":"b.test","did":"did:plc:b","app_password":"q"})").status, 200);  // replaced
  sim_.reset();
  EXPECT_EQ(get(std::string("/plc/") + kDid).status, 404);
}

}  // namespace
}  // namespace postfuze::test
