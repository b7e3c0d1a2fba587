#include "support/server_fixture.hpp"

#include <sstream>

namespace postfuze::test {

std::pair<std::string, std::string> ServerTest::issue_key(const std::string& body_json, const std::string& with_key) {
  const auto r = call(verb::post, "/api/v1/api-keys", with_key.empty() ? key_ : with_key, body_json);
  if (r.status != 201) throw std::runtime_error("issue_key failed: " + std::to_string(r.status) + " " + r.body);
  const auto j = r.json().as_object();
  return {std::string(j.at("id").as_string()), std::string(j.at("key").as_string())};
}

std::string ServerTest::cli_key(const std::string& org, const std::string& extra_flags) {
  std::vector<std::string> args{"api-key", "create", "--org", org};
  std::istringstream extra(extra_flags);
  for (std::string a; extra >> a;) args.push_back(a);
  const auto r = run_postfuze(args, child_env(server_->data_dir().string(), db_->url(), {}));
  if (r.exit_code != 0) throw std::runtime_error("api-key create failed: " + r.err);
  std::string key = r.out;
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  return key;
}

}  // namespace postfuze::test
