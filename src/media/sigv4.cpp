#include "media/sigv4.hpp"

#include <algorithm>
#include <ctime>

#include <boost/url/url.hpp>

#include "crypto/digest.hpp"
#include "crypto/encoding.hpp"

namespace postfuze::media {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// "20130524T000000Z"
std::string amz_date(core::TimePoint now) {
  const std::time_t t = core::to_unix_ms(now) / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are trimmed and inner runs of spaces collapsed.
std::string trim(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string host_of(boost::urls::url_view url) {
  std::string host = lower(url.encoded_host());
  const bool default_port = !url.has_port() || (url.scheme() == "http" && url.port() == "80") ||
                            (url.scheme() == "https" && url.port() == "443");
  if (!default_port) host += ":" + std::string(url.port());
  return host;
}

struct Canonical {
  std::string headers;         // "name:value\n" sorted
  std::string signed_headers;  // "host;range"
};

Canonical canonical_headers(boost::urls::url_view url, const HeaderList& extra) {
  std::vector<std::pair<std::string, std::string>> all{{"host", host_of(url)}};
  for (const auto& [k, v] : extra) all.emplace_back(lower(k), trim(v));
  std::sort(all.begin(), all.end());
  Canonical c;
  for (const auto& [k, v] : all) {
    c.headers += k + ":" + v + "\n";
    if (!c.signed_headers.empty()) c.signed_headers += ";";
    c.signed_headers += k;
  }
  return c;
}

// Query parameters decoded, re-encoded the SigV4 way and sorted.
std::string canonical_query(boost::urls::url_view url) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& p : url.params()) params.emplace_back(sigv4_uri_encode(p.key, false), sigv4_uri_encode(p.value, false));
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) out += (out.empty() ? "" : "&") + k + "=" + v;
  return out;
}

std::string canonical_path(boost::urls::url_view url) {
  std::string path = url.path();  // decoded
  if (path.empty()) path = "/";
  return sigv4_uri_encode(path, true);
}

std::string signature(const S3Credentials& creds, const std::string& date, const std::string& scope,
                      const std::string& canonical_request) {
  const std::string string_to_sign = std::string(kAlgorithm) + "\n" + date + "\n" + scope + "\n" +
                                     crypto::hex_encode(crypto::sha256(canonical_request));
  std::string key = crypto::hmac_sha256("AWS4" + creds.secret_access_key.reveal(), date.substr(0, 8));
  key = crypto::hmac_sha256(key, creds.region);
  key = crypto::hmac_sha256(key, "s3");
  key = crypto::hmac_sha256(key, "aws4_request");
  return crypto::hex_encode(crypto::hmac_sha256(key, string_to_sign));
}

std::string scope_of(const S3Credentials& creds, const std::string& date) {
  return date.substr(0, 8) + "/" + creds.region + "/s3/aws4_request";
}

}  // namespace

std::string sigv4_uri_encode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string sigv4_presign(const S3Credentials& creds, std::string_view method, boost::urls::url_view url,
                          const HeaderList& signed_headers, core::TimePoint now, std::chrono::seconds expires) {
  const std::string date = amz_date(now);
  const std::string scope = scope_of(creds, date);
  const Canonical headers = canonical_headers(url, signed_headers);
  boost::urls::url out(url);
  auto params = out.params();
  params.append({"X-Amz-Algorithm", kAlgorithm});
  params.append({"X-Amz-Credential", creds.access_key_id + "/" + scope});
  params.append({"X-Amz-Date", date});
  params.append({"X-Amz-Expires", std::to_string(expires.count())});
  params.append({"X-Amz-SignedHeaders", headers.signed_headers});
  const std::string canonical_request = std::string(method) + "\n" + canonical_path(out) + "\n" +
                                        canonical_query(out) + "\n" + headers.headers + "\n" +
                                        headers.signed_headers + "\n" + std::string(kUnsignedPayload);
  params.append({"X-Amz-Signature", signature(creds, date, scope, canonical_request)});
  // Boost.URL leaves '/' unencoded in query values; S3 accepts both.
  return std::string(out.buffer());
}

HeaderList sigv4_sign_headers(const S3Credentials& creds, std::string_view method, boost::urls::url_view url,
                              const HeaderList& headers, std::string_view payload_sha256, core::TimePoint now) {
  const std::string date = amz_date(now);
  const std::string scope = scope_of(creds, date);
  HeaderList all = headers;
  all.emplace_back("x-amz-content-sha256", std::string(payload_sha256));
  all.emplace_back("x-amz-date", date);
  const Canonical canon = canonical_headers(url, all);
  const std::string canonical_request = std::string(method) + "\n" + canonical_path(url) + "\n" +
                                        canonical_query(url) + "\n" + canon.headers + "\n" + canon.signed_headers +
                                        "\n" + std::string(payload_sha256);
  HeaderList out{{"x-amz-content-sha256", std::string(payload_sha256)}, {"x-amz-date", date}};
  out.emplace_back("Authorization", std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" + scope +
                                        ",SignedHeaders=" + canon.signed_headers +
                                        ",Signature=" + signature(creds, date, scope, canonical_request));
  return out;
}

}  // namespace postfuze::media
