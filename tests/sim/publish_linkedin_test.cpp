// The simulator's LinkedIn publishing endpoints driven with plain HTTP: the
// Posts API's 201 + x-restli-id, Rest.li's refusals, author rules, comments
// and the by-author finder.
#include <boost/json/serialize.hpp>

#include "sim/sim_client.hpp"
#include "support/sim_logins.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

class LinkedInPublishSimTest : public SimTest {
 protected:
  void SetUp() override {
    token_ = linkedin_login(sim_, "openid profile w_member_social r_member_social", 1);
    org_ = std::string(bearer_get("/linkedin/api/v2/organizationalEntityAcls?q=roleAssignee", token_)
                           .json().at("elements").at(0).at("organizationalTarget").as_string());
  }

  Headers headers(const std::string& token) const {
    return {{"Authorization", "Bearer " + token},
            {"LinkedIn-Version", "202601"},
            {"X-Restli-Protocol-Version", "2.0.0"},
            {"Content-Type", "application/json"}};
  }
  static json::object post_body(const std::string& author, const std::string& commentary) {
    return {{"author", author},
            {"commentary", commentary},
            {"visibility", "PUBLIC"},
            {"distribution",
             {{"feedDistribution", "MAIN_FEED"},
              {"targetEntities", json::array{}},
              {"thirdPartyDistributionChannels", json::array{}}}},
            {"lifecycleState", "PUBLISHED"},
            {"isReshareDisabledByAuthor", false}};
  }
  HttpResult post(const json::object& body, Headers h = {}) {
    if (h.empty()) h = headers(token_);
    return http_request(port(), verb::post, "/linkedin/api/rest/posts", json::serialize(body), h);
  }
  std::size_t stored() { return http_request(port(), verb::get, "/_sim/posts?platform=linkedin").json().as_array().size(); }

  std::string token_;
  std::string org_;
  const std::string member_ = "urn:li:person:linkedin-user-1";
};

TEST_F(LinkedInPublishSimTest, CreatesWith201EmptyBodyAndTheUrnInXRestliId) {
  const auto r = post(post_body(member_, "Hello \\(world\\)"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.body.empty());
  const std::string urn = r.header("x-restli-id");
  EXPECT_TRUE(urn.starts_with("urn:li:share:")) << urn;
  EXPECT_EQ(sim_.stat("linkedin", "publish"), 1);

  const auto listed = http_request(port(), verb::get,
                                   "/linkedin/api/rest/posts?author=" + encode_pairs({{"a", member_}}).substr(2) +
                                       "&q=author&count=10&sortBy=LAST_MODIFIED",
                                   "", headers(token_));
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json::value doc = listed.json();
  ASSERT_EQ(doc.at("elements").as_array().size(), 1u);
  EXPECT_EQ(doc.at("elements").at(0).at("id").as_string(), urn);
  EXPECT_EQ(doc.at("elements").at(0).at("commentary").as_string(), "Hello \\(world\\)");
  EXPECT_TRUE(doc.at("elements").at(0).at("createdAt").is_int64());
}

TEST_F(LinkedInPublishSimTest, RefusesWhatRestLiRefuses) {
  Headers no_version = headers(token_);
  no_version.erase(no_version.begin() + 1);
  auto r = post(post_body(member_, "x"), no_version);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json().at("code").as_string(), "VERSION_MISSING");
  Headers old_protocol = headers(token_);
  old_protocol[2].second = "1.0.0";
  EXPECT_EQ(post(post_body(member_, "x"), old_protocol).status, 400);

  auto unknown = post_body(member_, "x");
  unknown["specificContent"] = json::object{};
  r = post(unknown);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.json().at("message").as_string().find("/specificContent"), json::string::npos);
  EXPECT_EQ(post(post_body(member_, "unescaped (parens)")).status, 422);
  auto visibility = post_body(member_, "x");
  visibility["visibility"] = "FRIENDS";
  EXPECT_EQ(post(visibility).status, 422);
  auto draft = post_body(member_, "x");
  draft["lifecycleState"] = "DRAFT";
  EXPECT_EQ(post(draft).status, 422);
  EXPECT_EQ(post(post_body(member_, std::string(3001, 'a'))).status, 422);
  EXPECT_EQ(stored(), 0u);

  ASSERT_EQ(post(post_body(member_, "same")).status, 201);
  r = post(post_body(member_, "same"));
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.json().at("message").as_string().find("duplicate"), json::string::npos);
  EXPECT_EQ(stored(), 1u);
}

TEST_F(LinkedInPublishSimTest, AuthorIsTheMemberOrAnAdministeredOrganisationWithItsScope) {
  auto r = post(post_body("urn:li:person:someone-else", "x"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json().at("serviceErrorCode").as_int64(), 100);
  // An organisation the member administers, but without w_organization_social.
  EXPECT_EQ(post(post_body(org_, "as org")).status, 403);
  EXPECT_EQ(stored(), 0u);

  sim_.reset();
  token_ = linkedin_login(sim_, "openid profile w_member_social w_organization_social", 1);
  EXPECT_EQ(post(post_body(org_, "as org")).status, 201);
  EXPECT_EQ(post(post_body("urn:li:organization:1", "not theirs")).status, 403);
  r = http_request(port(), verb::post, "/linkedin/api/rest/posts", json::serialize(post_body(member_, "x")),
                   headers("bogus"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json().at("serviceErrorCode").as_int64(), 65600);
}

TEST_F(LinkedInPublishSimTest, CommentsOnAShareAndListsThem) {
  const std::string urn = post(post_body(member_, "root")).header("x-restli-id");
  const std::string path = "/linkedin/api/rest/socialActions/" + encode_pairs({{"a", urn}}).substr(2) + "/comments";
  const json::object comment{{"actor", member_}, {"object", urn}, {"message", {{"text", "first (plain)"}}}};
  auto r = http_request(port(), verb::post, path, json::serialize(comment), headers(token_));
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value created = r.json();
  EXPECT_TRUE(std::string(created.at("commentUrn").as_string()).starts_with("urn:li:comment:(" + urn + ","));
  EXPECT_EQ(created.at("message").at("text").as_string(), "first (plain)");
  EXPECT_EQ(r.header("x-restli-id"), std::string(created.at("id").as_string()));

  r = http_request(port(), verb::get, path, "", headers(token_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("elements").as_array().size(), 1u);

  const std::string unknown = "/linkedin/api/rest/socialActions/urn%3Ali%3Ashare%3A1/comments";
  EXPECT_EQ(http_request(port(), verb::post, unknown, json::serialize(comment), headers(token_)).status, 404);
  json::object empty = comment;
  empty["message"] = json::object{{"text", ""}};
  EXPECT_EQ(http_request(port(), verb::post, path, json::serialize(empty), headers(token_)).status, 422);
}

TEST_F(LinkedInPublishSimTest, FinderNeedsQAuthorAndReadPermission) {
  EXPECT_EQ(http_request(port(), verb::get, "/linkedin/api/rest/posts?q=authors&author=" + member_, "", headers(token_))
                .status,
            400);
  sim_.reset();
  token_ = linkedin_login(sim_, "openid profile w_member_social", 0);
  EXPECT_EQ(http_request(port(), verb::get, "/linkedin/api/rest/posts?q=author&author=" + member_, "", headers(token_))
                .status,
            403);
}

}  // namespace
}  // namespace postfuze::test
