// The LinkedIn publisher against the platform simulator over loopback: member
// and organisation authors, little-text commentary, article links, comments
// on the root URN, every failure class through the simulator's publish knobs,
// and find() after a lost answer.
#include "publishers/linkedin_publisher.hpp"

#include "publishers/business_publisher_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
using publishers::LookupOutcome;
using publishers::Outcome;

constexpr const char* kAllScopes =
    "openid profile w_member_social r_member_social w_organization_social r_organization_social";

class LinkedInPublisherTest : public BusinessPublisherTest {
 protected:
  const publishers::Publisher& publisher = publishers::linkedin_publisher();

  publishers::PublishContext member(const std::string& token, json::object config = {}) {
    publishers::PublishAccount account;
    account.network_unique_id = "linkedin-user-1";  // the userinfo sub, as connect stores it
    account.account_type = "profile";
    account.platform_data["login_id"] = "linkedin-user-1";
    return context("linkedin", std::move(account), token, std::move(config));
  }

  // The first organisation the member administers (as connect lists them).
  std::string organisation(const std::string& token) {
    const auto r = http_request(sim_.port(), boost::beast::http::verb::get,
                                "/linkedin/api/v2/organizationalEntityAcls?q=roleAssignee", "",
                                {{"Authorization", "Bearer " + token}});
    return std::string(r.json().at("elements").at(0).at("organizationalTarget").as_string());
  }

  json::object stored(const std::string& id) {
    for (const auto& p : posts("linkedin"))
      if (p.at("id").as_string() == id) return p.as_object();
    return {};
  }
};

TEST_F(LinkedInPublisherTest, PublishesTheRootAsTheMemberAndContainersAsCommentsOnIt) {
  const auto token = linkedin_login(sim_, kAllScopes);
  const auto ctx = member(token);
  const auto r = create(publisher, ctx, root("Launch day (v2) #shipit"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  ASSERT_TRUE(r.ref);
  EXPECT_TRUE(r.ref->id.starts_with("urn:li:share:")) << r.ref->id;
  EXPECT_EQ(r.ref->url, "https://www.linkedin.com/feed/update/" + r.ref->id);
  const auto post = stored(r.ref->id);
  EXPECT_EQ(post.at("author").as_string(), "urn:li:person:linkedin-user-1");
  // Little text: the reserved characters went out escaped (platforms.md §6).
  EXPECT_EQ(post.at("text").as_string(), "Launch day \\(v2\\) \\#shipit");
  EXPECT_EQ(post.at("extra").at("visibility").as_string(), "PUBLIC");

  const auto c1 = create(publisher, ctx, comment(1, "First comment (with link)", *r.ref));
  ASSERT_EQ(c1.outcome, Outcome::created) << c1.message;
  EXPECT_TRUE(c1.ref->id.starts_with("urn:li:comment:(" + r.ref->id + ",")) << c1.ref->id;
  EXPECT_TRUE(c1.ref->url.starts_with("https://www.linkedin.com/feed/update/" + r.ref->id + "?commentUrn="));
  const auto c2 = create(publisher, ctx, comment(2, "Second", *r.ref));
  ASSERT_EQ(c2.outcome, Outcome::created) << c2.message;
  const auto c = stored(c2.ref->id);
  EXPECT_EQ(c.at("root_id").as_string(), r.ref->id);
  EXPECT_EQ(c.at("text").as_string(), "Second");  // comments are plain text
}

TEST_F(LinkedInPublisherTest, OrganisationAccountPostsAsTheOrganisation) {
  const auto token = linkedin_login(sim_, kAllScopes, 2);
  const std::string org = organisation(token);
  publishers::PublishAccount account;
  account.network_unique_id = org;  // an organisation account's id is its URN
  account.account_type = "organization";
  account.platform_data["login_id"] = "linkedin-user-1";
  const auto ctx = context("linkedin", account, token, {{"visibility", "LOGGED_IN"}});
  const auto r = create(publisher, ctx, root("From the company"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  EXPECT_EQ(stored(r.ref->id).at("author").as_string(), org);
  EXPECT_EQ(stored(r.ref->id).at("extra").at("visibility").as_string(), "LOGGED_IN");
  const auto c = create(publisher, ctx, comment(1, "Company comment", *r.ref));
  ASSERT_EQ(c.outcome, Outcome::created) << c.message;
  EXPECT_EQ(stored(c.ref->id).at("author").as_string(), org);
}

TEST_F(LinkedInPublisherTest, ConfigOrganizationIdChoosesTheAuthorAndArticleUrlAddsALink) {
  const auto token = linkedin_login(sim_, kAllScopes, 1);
  const std::string org = organisation(token);
  const std::string id = org.substr(std::string("urn:li:organization:").size());
  const auto r = create(publisher,
                        member(token, {{"organizationId", id},
                                       {"articleUrl", "https://example.com/post"},
                                       {"articleTitle", "Read me"}}),
                        root("Article share"));
  ASSERT_EQ(r.outcome, Outcome::created) << r.message;
  const auto post = stored(r.ref->id);
  EXPECT_EQ(post.at("author").as_string(), org);
  EXPECT_EQ(post.at("extra").at("content").at("article").at("source").as_string(), "https://example.com/post");
  EXPECT_EQ(post.at("extra").at("content").at("article").at("title").as_string(), "Read me");
}

TEST_F(LinkedInPublisherTest, OrganisationTheMemberDoesNotAdministerIsPermanent) {
  const auto token = linkedin_login(sim_, kAllScopes, 1);
  const auto r = create(publisher, member(token, {{"organizationUrn", "urn:li:organization:1"}}), root("Not mine"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.platform_status, 403);
  EXPECT_TRUE(posts("linkedin").empty());
}

TEST_F(LinkedInPublisherTest, ServerErrorIsTransientAndRateLimitCarriesRetryAfter) {
  const auto token = linkedin_login(sim_, kAllScopes);
  knobs("linkedin", {{"publish_error", {{"status", 500}, {"count", 1}}}});
  auto r = create(publisher, member(token), root("Try again"));
  EXPECT_EQ(r.outcome, Outcome::transient);
  EXPECT_EQ(r.platform_status, 500);
  knobs("linkedin", {{"publish_error", {{"status", 429}, {"count", 1}, {"retry_after", 17}}}});
  r = create(publisher, member(token), root("Try again"));
  EXPECT_EQ(r.outcome, Outcome::rate_limited);
  ASSERT_TRUE(r.retry_after);
  EXPECT_EQ(r.retry_after->count(), 17);
  r = create(publisher, member(token), root("Try again"));  // the knob ran out
  EXPECT_EQ(r.outcome, Outcome::created) << r.message;
}

TEST_F(LinkedInPublisherTest, RefusedTokenIsAuth) {
  linkedin_login(sim_, kAllScopes);
  const auto r = create(publisher, member("not-a-live-token"), root("Hello"));
  EXPECT_EQ(r.outcome, Outcome::auth);
  EXPECT_EQ(r.platform_status, 401);
}

TEST_F(LinkedInPublisherTest, SamePostTwiceIsDuplicateContent) {
  const auto token = linkedin_login(sim_, kAllScopes);
  ASSERT_EQ(create(publisher, member(token), root("Only once")).outcome, Outcome::created);
  const auto r = create(publisher, member(token), root("Only once"));
  EXPECT_EQ(r.outcome, Outcome::permanent);
  EXPECT_EQ(r.error_code, "duplicate_content");
}

TEST_F(LinkedInPublisherTest, LostAnswerIsAmbiguousAndFindAdoptsThePost) {
  const auto token = linkedin_login(sim_, kAllScopes);
  knobs("linkedin", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  timeout_ = std::chrono::milliseconds(400);
  const auto ctx = member(token);
  const auto lost = create(publisher, ctx, root("Did it (post)?"));
  EXPECT_EQ(lost.outcome, Outcome::ambiguous);
  timeout_ = std::chrono::milliseconds(5000);
  const auto ctx2 = member(token);
  const auto found = find(publisher, ctx2, root("Did it (post)?"));
  ASSERT_EQ(found.outcome, LookupOutcome::found) << found.message;
  ASSERT_EQ(posts("linkedin").size(), 1u);
  EXPECT_EQ(found.ref->id, std::string(posts("linkedin")[0].at("id").as_string()));
  EXPECT_EQ(find(publisher, ctx2, root("Never posted")).outcome, LookupOutcome::absent);

  // A lost comment is found among the root's comments.
  knobs("linkedin", {{"created_then_timeout", {{"delay_ms", 1500}}}});
  timeout_ = std::chrono::milliseconds(400);
  EXPECT_EQ(create(publisher, member(token), comment(1, "Lost comment", *found.ref)).outcome, Outcome::ambiguous);
  const auto c = find(publisher, ctx2, comment(1, "Lost comment", *found.ref));
  ASSERT_EQ(c.outcome, LookupOutcome::found) << c.message;
  EXPECT_TRUE(c.ref->id.starts_with("urn:li:comment:"));
}

TEST_F(LinkedInPublisherTest, FindWithoutReadPermissionIsUnavailable) {
  const auto token = linkedin_login(sim_, "openid profile w_member_social");
  ASSERT_EQ(create(publisher, member(token), root("Write only")).outcome, Outcome::created);
  EXPECT_EQ(find(publisher, member(token), root("Write only")).outcome, LookupOutcome::unavailable);
}

TEST(LinkedInLittleText, EscapesEveryReservedCharacter) {
  EXPECT_EQ(publishers::linkedin_little_text("a\\b|c{d}e@f[g]h(i)j<k>l#m*n_o~p"),
            "a\\\\b\\|c\\{d\\}e\\@f\\[g\\]h\\(i\\)j\\<k\\>l\\#m\\*n\\_o\\~p");
  EXPECT_EQ(publishers::linkedin_little_text("plain text, émoji 🎉"), "plain text, émoji 🎉");
}

}  // namespace
}  // namespace postfuze::test
