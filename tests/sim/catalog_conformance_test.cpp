// The provider catalogue (src/providers/providers.json, read as JSON) against
// the platform simulator: for every OAuth platform, build the authorize URL,
// the code exchange, the long-lived exchange, the identity call and the
// sub-account call exactly from the catalogue's data — as PostFuze does — and
// check that the simulated platform accepts each step and that every field
// path the catalogue reads exists in the answers. A wrong path, parameter
// name, separator or client-auth style in the catalogue fails here.
#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>

#include "sim/sim_client.hpp"

namespace postfuze::test {
namespace {

namespace json = boost::json;
namespace urls = boost::urls;

json::object load_entry(const std::string& platform) {
  std::ifstream in(std::string(POSTFUZE_SOURCE_DIR) + "/src/providers/providers.json");
  std::stringstream text;
  text << in.rdbuf();
  const json::value catalogue = json::parse(text.str());
  for (const auto& p : catalogue.at("providers").as_array())
    if (p.at("platform").as_string() == platform) return p.as_object();
  ADD_FAILURE() << "no catalogue entry for " << platform;
  return {};
}

std::string text_or(const json::object& o, std::string_view key, std::string fallback = {}) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// A dotted path ("data.user.open_id", "items.0.id") into `v`; nullptr when absent.
const json::value* at_path(const json::value& v, const std::string& path) {
  const json::value* cur = &v;
  std::size_t pos = 0;
  while (cur && pos <= path.size()) {
    const auto dot = path.find('.', pos);
    const std::string seg = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (cur->is_object()) {
      cur = cur->as_object().if_contains(seg);
    } else if (cur->is_array() && !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos) {
      const auto i = std::stoul(seg);
      cur = i < cur->as_array().size() ? &cur->as_array()[i] : nullptr;
    } else {
      cur = nullptr;
    }
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return cur;
}

void expect_text_at(const json::value& v, const std::string& path, const std::string& what) {
  if (path.empty()) return;
  const auto* found = at_path(v, path);
  ASSERT_NE(found, nullptr) << what << ": no " << path << " in " << json::serialize(v);
  ASSERT_TRUE(found->is_string()) << what << ": " << path << " is not a string";
  EXPECT_FALSE(found->as_string().empty()) << what << ": " << path << " is empty";
}

class CatalogConformance : public SimTest, public ::testing::WithParamInterface<std::string> {
 protected:
  // The origin-form target of a catalogue path: relative to the API base, or
  // an absolute URL re-rooted onto it (path and query kept), as apply_overrides does.
  std::string api_target(const std::string& api_base, std::string path) const {
    if (auto abs = urls::parse_absolute_uri(path))
      path = std::string(abs->encoded_path()) + (abs->has_query() ? "?" + std::string(abs->encoded_query()) : "");
    const auto base = urls::parse_absolute_uri(api_base);
    EXPECT_TRUE(base.has_value());
    return std::string(base->encoded_path()) + path;
  }
  static std::string target_of(const std::string& url) {
    auto u = urls::parse_absolute_uri(url);
    EXPECT_TRUE(u.has_value()) << url;
    return std::string(u->encoded_path()) + (u->has_query() ? "?" + std::string(u->encoded_query()) : "");
  }
};

TEST_P(CatalogConformance, CatalogueFlowWorksAgainstTheSimulator) {
  const std::string platform = GetParam();
  const json::object entry = load_entry(platform);
  ASSERT_FALSE(entry.empty());
  const std::string version = text_or(entry, "api_version");
  auto resolve = [&](const std::string& s) { return replace_all(s, "{api_version}", version); };
  const auto overrides = json::parse(sim_.overrides_json()).at(platform).as_object();
  const std::string api_base = text_or(overrides, "api_base_url");

  const std::string client_id = "cid-" + platform, secret = "s3cret+/=" + platform;
  sim_.register_app(platform, client_id, secret, kRedirect);
  sim_.scenario(platform, {{"consent", "auto_approve"}, {"accounts", 2}});

  // Authorize, as the catalogue describes it.
  const std::string id_param = text_or(entry, "client_id_param", "client_id");
  const std::string separator = text_or(entry, "scope_separator", " ");
  const bool pkce = text_or(entry, "pkce", "none") == "S256";
  std::string scope;
  for (const auto& s : entry.at("default_scopes").as_array()) scope += (scope.empty() ? "" : separator) + str(s);
  Pairs authorize{{"response_type", "code"},
                  {id_param, client_id},
                  {"redirect_uri", kRedirect},
                  {"scope", scope},
                  {"state", "conformance"}};
  if (const auto* extra = entry.if_contains("extra_authorize_params"))
    for (const auto& [k, v] : extra->as_object()) authorize.emplace_back(std::string(k), str(v));
  if (pkce) {
    authorize.emplace_back("code_challenge", s256(kVerifier));
    authorize.emplace_back("code_challenge_method", "S256");
  }
  const auto step = sim_.authorize(text_or(overrides, "authorize_url") + "?" + encode_pairs(authorize));
  ASSERT_EQ(step.status, 302) << step.body;
  const auto cb = parse_callback(step.location);
  ASSERT_EQ(cb.params.count("code"), 1u) << step.location;

  // Code exchange with the catalogue's client-auth style and request form.
  Pairs exchange{{"grant_type", "authorization_code"}, {"code", cb.params.at("code")}, {"redirect_uri", kRedirect}};
  if (pkce) exchange.emplace_back("code_verifier", kVerifier);
  Headers headers;
  if (text_or(entry, "client_auth") == "basic") {
    headers.emplace_back("Authorization", basic(client_id, secret));
  } else {
    exchange.emplace_back(id_param, client_id);
    exchange.emplace_back("client_secret", secret);
  }
  const std::string token_target = target_of(text_or(overrides, "token_url"));
  const auto token = text_or(entry, "token_request", "form") == "query"
                         ? get(token_target + "?" + encode_pairs(exchange), headers)
                         : post_form(token_target, exchange, headers);
  ASSERT_EQ(token.status, 200) << token.body;
  std::string access = str(token.json().at("access_token"));

  // The long-lived exchange, when the catalogue has one.
  if (const auto* ll = entry.if_contains("long_lived"); ll && ll->is_object()) {
    const auto& spec = ll->as_object();
    Pairs params{
        {"grant_type", text_or(spec, "grant_type")}, {text_or(spec, "token_param"), access}, {"client_secret", secret}};
    if (const auto* send = spec.if_contains("send_client_id"); send && send->as_bool())
      params.emplace_back("client_id", client_id);
    const auto r = get(api_target(api_base, resolve(text_or(spec, "path"))) + "?" + encode_pairs(params));
    ASSERT_EQ(r.status, 200) << r.body;
    access = str(r.json().at("access_token"));
    EXPECT_EQ(sim_.stat(platform, "long_lived"), 1);
  }

  // Identity: every field path the catalogue reads is there.
  const auto& identity = entry.at("identity").as_object();
  const auto me = bearer_get(api_target(api_base, resolve(text_or(identity, "path"))), access);
  ASSERT_EQ(me.status, 200) << me.body;
  const auto me_json = me.json();
  for (const char* field : {"id", "username", "name", "picture"})
    expect_text_at(me_json, text_or(identity, field), std::string("identity.") + field);
  const std::string identity_id = str(*at_path(me_json, text_or(identity, "id")));

  // Sub-accounts: the list, and each usable entry's paths.
  if (const auto* sub = entry.if_contains("sub_accounts"); sub && sub->is_object()) {
    const auto& spec = sub->as_object();
    std::string path = replace_all(resolve(text_or(spec, "path")), "{identity_id}", identity_id);
    const auto list_response = bearer_get(api_target(api_base, path), access);
    ASSERT_EQ(list_response.status, 200) << list_response.body;
    const auto body = list_response.json();
    const auto* list = at_path(body, text_or(spec, "list"));
    ASSERT_NE(list, nullptr) << json::serialize(body);
    ASSERT_TRUE(list->is_array());
    int usable = 0;
    for (const auto& item : list->as_array()) {
      if (!at_path(item, text_or(spec, "id"))) continue;  // e.g. a Page without an Instagram account
      ++usable;
      for (const char* field : {"id", "name", "username", "picture", "token"})
        expect_text_at(item, text_or(spec, field), std::string("sub_accounts.") + field);
    }
    EXPECT_EQ(usable, 2) << json::serialize(body);
  }
  EXPECT_EQ(sim_.stat(platform, "rejected"), 0);
}

INSTANTIATE_TEST_SUITE_P(Platforms, CatalogConformance,
                         ::testing::Values("x", "linkedin", "instagram", "tiktok", "youtube", "facebook", "threads",
                                           "pinterest", "reddit", "google_business"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace postfuze::test
