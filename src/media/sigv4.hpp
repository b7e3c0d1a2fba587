// AWS Signature Version 4 for S3 (service "s3"), computed with OpenSSL's
// HMAC-SHA256: presigned query-string URLs that a client or a platform uses
// without credentials, and Authorization headers for the server's own calls.
// References: "Authenticating Requests: Using Query Parameters (AWS Signature
// Version 4)" and "…: Using the Authorization Header" in the Amazon S3 API
// reference; tests/media/sigv4_test.cpp checks the published example values.
//
// Pure functions; the secret is never part of any output.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/url/url_view.hpp>

#include "core/clock.hpp"
#include "core/secret.hpp"

namespace postfuze::media {

struct S3Credentials {
  std::string access_key_id;
  core::Secret secret_access_key;
  std::string region = "us-east-1";
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The hex SHA-256 of the empty payload, and the marker presigned URLs use.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// `url` with X-Amz-* query parameters that authorise `method` until
// now + expires (at most 7 days). Host is always signed; `signed_headers`
// (e.g. Content-Type for an upload) must then be sent with exactly these
// values.
std::string sigv4_presign(const S3Credentials& creds, std::string_view method, boost::urls::url_view url,
                          const HeaderList& signed_headers, core::TimePoint now, std::chrono::seconds expires);

// The headers to add to a request (x-amz-date, x-amz-content-sha256,
// Authorization) so that it is signed together with `headers` (Host is
// added from the URL) and a payload whose hex SHA-256 is `payload_sha256`.
HeaderList sigv4_sign_headers(const S3Credentials& creds, std::string_view method, boost::urls::url_view url,
                              const HeaderList& headers, std::string_view payload_sha256, core::TimePoint now);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept,
// everything else %XX in upper case; '/' kept when `keep_slash`.
std::string sigv4_uri_encode(std::string_view s, bool keep_slash);

}  // namespace postfuze::media
