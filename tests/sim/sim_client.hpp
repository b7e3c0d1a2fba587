// Test helpers for driving the platform simulator with plain HTTP: form and
// query encoding (Boost.URL), callback parsing, Basic credentials, and a
// fixture owning one simulator per test. Header-only; used by tests/sim/.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"
#include "support/http_client.hpp"
#include "support/platform_sim.hpp"

namespace postfuze::test {

using boost::beast::http::verb;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded (and query) text; every byte outside the
// unreserved set is percent-encoded.
inline std::string encode_pairs(const Pairs& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    out += boost::urls::encode(k, boost::urls::unreserved_chars);
    out += '=';
    out += boost::urls::encode(v, boost::urls::unreserved_chars);
  }
  return out;
}

inline std::string basic(const std::string& id, const std::string& secret) {
  return "Basic " + crypto::base64_encode(id + ":" + secret);
}

inline std::string s256(const std::string& verifier) { return crypto::base64url_encode(crypto::sha256(verifier)); }

// A parsed redirect back to the client.
struct Callback {
  std::string without_query;  // scheme://host/path
  std::map<std::string, std::string> params;
  std::string fragment;
  bool has_fragment = false;
};

inline Callback parse_callback(const std::string& location) {
  Callback cb;
  auto u = boost::urls::parse_uri(location);  // a URI: it may carry a fragment
  EXPECT_TRUE(u.has_value()) << location;
  if (!u) return cb;
  cb.without_query =
      std::string(u->scheme()) + "://" + std::string(u->encoded_authority()) + std::string(u->encoded_path());
  for (auto p : u->params()) cb.params[std::string(p.key)] = std::string(p.value);
  cb.has_fragment = u->has_fragment();
  cb.fragment = std::string(u->encoded_fragment());
  return cb;
}

inline const boost::json::object& obj(const boost::json::value& v) { return v.as_object(); }
inline std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

// One simulator per test (each test runs in its own process under CTest).
class SimTest : public ::testing::Test {
 public:
  static constexpr const char* kRedirect = "http://app.test/callback?from=sim";
  static constexpr const char* kVerifier = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

 protected:
  std::uint16_t port() const { return sim_.port(); }

  HttpResult get(const std::string& target, const Headers& headers = {}) {
    return http_request(port(), verb::get, target, "", headers);
  }
  HttpResult post_form(const std::string& target, const Pairs& form, Headers headers = {}) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return http_request(port(), verb::post, target, encode_pairs(form), headers);
  }
  HttpResult bearer_get(const std::string& target, const std::string& token) {
    return get(target, {{"Authorization", "Bearer " + token}});
  }

  // The authorize URL for `platform` with these query parameters.
  std::string authorize_url(const std::string& platform, const Pairs& params) const {
    return sim_.base_url() + "/" + platform + "/oauth/authorize?" + encode_pairs(params);
  }
  // GET the authorize page without following it.
  HttpResult authorize_raw(const std::string& platform, const Pairs& params) {
    return get("/" + platform + "/oauth/authorize?" + encode_pairs(params));
  }
  // Authorize through the consent page (approve) and return the callback.
  Callback approve(const std::string& platform, const Pairs& params) {
    const auto step = sim_.authorize(authorize_url(platform, params));
    EXPECT_EQ(step.status, 302) << step.body;
    return parse_callback(step.location);
  }

  PlatformSim sim_;
};

}  // namespace postfuze::test
