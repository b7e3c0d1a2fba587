// A real browser through the connect flow: headless Chromium (Debian's
// /usr/bin/chromium, driven by npm's playwright-core; tests/browser/
// connect_flow.mjs) follows auth_url through the simulator's consent page to
// the app's redirect_uri, and through the hosted page's page picker — so the
// redirects, the cookie, the CSRF form and the CSP are exercised the way a
// customer's browser meets them. The made-up app origin http://app.test:8080
// is mapped to loopback with --host-resolver-rules.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "integration/connect_fixture.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;

// Runs the Node driver with `input`; its JSON line (or a failure naming the output).
json::object drive(const json::object& input) {
  const std::string script = std::string(POSTFUZE_SOURCE_DIR) + "/tests/browser/connect_flow.mjs";
  std::string arg = json::serialize(input);
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  const std::string cmd = "cd " + std::string(POSTFUZE_SOURCE_DIR) + "/tests/browser && timeout 120 node " + script +
                          " " + quoted + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) throw std::runtime_error("popen failed");
  std::string output;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe.get())) output += buf.data();
  const auto line_start = output.rfind("{\"final_url\"");
  if (line_start == std::string::npos) throw std::runtime_error("the browser driver failed:\n" + output);
  return json::parse(output.substr(line_start)).as_object();
}

class ConnectBrowser : public ConnectTest {
 protected:
  std::string host_rules() const {
    return "MAP app.test:8080 127.0.0.1:" + std::to_string(sim_->port());
  }
};

TEST_P(ConnectBrowser, ConsentPageThenRedirectToTheApp) {
  register_app("x");
  scenario("x", {{"consent", "page"}});
  const std::string url =
      auth_url("x", R"({"redirect_uri":"http://app.test:8080/connected?from=browser","tenant_id":"b1"})");
  const auto out = drive({{"auth_url", url}, {"host_rules", host_rules()}, {"mode", "redirect"},
                          {"expect_prefix", "http://app.test:8080/connected"}});
  const std::string final_url(out.at("final_url").as_string());
  const auto params = query_params(final_url);
  EXPECT_EQ(params.at("from"), "browser");
  EXPECT_EQ(params.at("status"), "connected");
  EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE id = '" + params.at("account_id") + "' AND tenant_id = 'b1'"), 1);
  EXPECT_EQ(sim_->stats().as_object().at("x").as_object().at("consent").as_int64(), 1);
  EXPECT_TRUE(out.at("console_errors").as_array().empty()) << json::serialize(out);
}

TEST_P(ConnectBrowser, HostedPickerInTheBrowser) {
  register_app("facebook");
  scenario("facebook", {{"consent", "page"}, {"accounts", 3}});
  const std::string url = auth_url("facebook", R"({"tenant_id":"b2"})");  // no redirect_uri: the hosted page
  const auto out = drive({{"auth_url", url}, {"host_rules", host_rules()}, {"mode", "picker"}, {"pick", {0, 2}}});
  EXPECT_EQ(out.at("status").as_string(), "connected") << json::serialize(out);
  const auto& ids = out.at("account_ids").as_array();
  ASSERT_EQ(ids.size(), 2u) << json::serialize(out);
  for (const auto& id : ids)
    EXPECT_EQ(count("SELECT COUNT(*) FROM social_accounts WHERE id = '" + std::string(id.as_string()) +
                    "' AND tenant_id = 'b2' AND account_type = 'page'"),
              1);
  EXPECT_TRUE(std::string(out.at("final_url").as_string()).ends_with("/api/v1/connect/pending"));
  // The strict CSP let the page render without a single violation.
  EXPECT_TRUE(out.at("console_errors").as_array().empty()) << json::serialize(out);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConnectBrowser, testing::ValuesIn(store_backends()), BackendParamName());

}  // namespace
}  // namespace postfuze::test
