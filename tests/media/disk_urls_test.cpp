// The disk store's signed URLs over real HTTP: what a client, a platform or
// an attacker can do with /media-files/ links (media_file_routes.hpp).
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "crypto/digest.hpp"
#include "media/disk_fixture.hpp"

namespace postfuze::media {
namespace {

using test::DiskFixture;
using test::send_presigned;
using namespace std::chrono_literals;

std::string random_bytes(std::size_t n, unsigned seed = 7) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen());
  return s;
}

std::size_t files_under(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) ++n;
  return n;
}

class DiskUrls : public testing::Test {
 protected:
  PresignedRequest put_url(const std::string& key, const std::string& type = "image/png",
                           std::int64_t max = 10 * 1024 * 1024, std::chrono::seconds ttl = 900s) {
    return f.store().presign_put(key, type, max, f.clock().now() + ttl).value();
  }
  PresignedRequest get_url(const std::string& key, std::chrono::seconds ttl = 900s) {
    return f.store().presign_get(key, f.clock().now() + ttl).value();
  }
  // Replaces the value of query parameter `name` in `url`.
  static std::string with_param(std::string url, const std::string& name, const std::string& value) {
    const auto at = url.find(name + "=");
    const auto end = url.find('&', at);
    return url.substr(0, at) + name + "=" + value + (end == std::string::npos ? "" : url.substr(end));
  }
  void expect_invalid_signature(const test::HttpResult& r) {
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.json().at("code"), "invalid_signature");
  }

  DiskFixture f;
};

TEST_F(DiskUrls, PresignedPutThenGetRoundTripsBytesLargerThanTheBodyLimit) {
  const std::string bytes = random_bytes(3 * 1024 * 1024 + 17);  // > the 1 MiB JSON body limit
  auto put = put_url("org_1/med_1/original", "video/mp4");
  EXPECT_EQ(put.method, "PUT");
  ASSERT_EQ(put.headers.size(), 1u);
  EXPECT_EQ(put.headers[0].second, "video/mp4");
  EXPECT_EQ(send_presigned(put, bytes).status, 200);

  auto got = send_presigned(get_url("org_1/med_1/original"));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.header("content-type"), "video/mp4");
  EXPECT_EQ(got.header("content-length"), std::to_string(bytes.size()));
  EXPECT_EQ(got.header("accept-ranges"), "bytes");
  EXPECT_FALSE(got.header("x-request-id").empty());
  EXPECT_EQ(crypto::sha256(got.body), crypto::sha256(bytes));
  // Nothing is left in the temporary area.
  EXPECT_EQ(files_under(f.media_root() / "tmp"), 0u);
}

TEST_F(DiskUrls, HeadAnswersTheHeadersOfGetWithoutABody) {
  ASSERT_EQ(send_presigned(put_url("a/b", "image/png"), "12345").status, 200);
  const std::string signed_url = get_url("a/b").url;  // the view below points into it
  auto url = boost::urls::parse_absolute_uri(signed_url).value();
  const std::string answer = test::raw_exchange(
      f.port(), "HEAD " + std::string(url.encoded_path()) + "?" + std::string(url.encoded_query()) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("Content-Length: 5\r\n"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Content-Type: image/png\r\n"), std::string::npos) << answer;
  EXPECT_TRUE(answer.ends_with("\r\n\r\n")) << answer;  // no body
}

TEST_F(DiskUrls, RangesAnswerPartialContentAndUnsatisfiableOnes416) {
  const std::string bytes = random_bytes(1000);
  ASSERT_EQ(send_presigned(put_url("a/r"), bytes).status, 200);
  const auto get = get_url("a/r");

  auto r = send_presigned(get, "", {{"Range", "bytes=10-19"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("content-range"), "bytes 10-19/1000");
  EXPECT_EQ(r.body, bytes.substr(10, 10));

  r = send_presigned(get, "", {{"Range", "bytes=990-"}});
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.body, bytes.substr(990));

  r = send_presigned(get, "", {{"Range", "bytes=-5"}});  // suffix: the last five
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("content-range"), "bytes 995-999/1000");
  EXPECT_EQ(r.body, bytes.substr(995));

  r = send_presigned(get, "", {{"Range", "bytes=900-5000"}});  // clipped to the end
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.header("content-range"), "bytes 900-999/1000");

  r = send_presigned(get, "", {{"Range", "bytes=1000-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("content-range"), "bytes */1000");

  r = send_presigned(get, "", {{"Range", "bytes=0-1,5-6"}});  // several ranges: the whole object
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 1000u);
}

TEST_F(DiskUrls, ExpiredUrlsAreRefused) {
  const auto stale_put = put_url("a/x", "image/png", 100, 60s);
  f.clock().advance(61s);
  expect_invalid_signature(send_presigned(stale_put, "abc"));
  EXPECT_EQ(files_under(f.media_root() / "objects"), 0u);

  ASSERT_EQ(send_presigned(put_url("a/x", "image/png", 100, 60s), "abc").status, 200);
  const auto get = get_url("a/x", 60s);
  EXPECT_EQ(send_presigned(get).status, 200);
  f.clock().advance(61s);
  expect_invalid_signature(send_presigned(get));
}

TEST_F(DiskUrls, TamperedSignatureKeyExpiryOrCapIsRefused) {
  ASSERT_EQ(send_presigned(put_url("org/m1/original"), "abc").status, 200);
  ASSERT_EQ(send_presigned(put_url("org/m2/original"), "def").status, 200);
  auto get = get_url("org/m1/original", 60s);

  auto tampered = get;
  tampered.url = with_param(get.url, "sig", "AAAA" + get.url.substr(get.url.find("sig=") + 8));
  expect_invalid_signature(send_presigned(tampered));

  tampered = get;  // the same signature on another object
  tampered.url.replace(tampered.url.find("/m1/"), 4, "/m2/");
  expect_invalid_signature(send_presigned(tampered));

  tampered = get;  // a later expiry
  const auto expires = std::stoll(get.url.substr(get.url.find("expires=") + 8));
  tampered.url = with_param(get.url, "expires", std::to_string(expires + 3600));
  expect_invalid_signature(send_presigned(tampered));

  auto put = put_url("org/m3/original", "image/png", 10);
  tampered = put;  // a larger cap
  tampered.url = with_param(put.url, "max_bytes", "1000000");
  expect_invalid_signature(send_presigned(tampered, std::string(100, 'x')));

  auto no_sig = get;
  no_sig.url = get.url.substr(0, get.url.find("&sig="));
  expect_invalid_signature(send_presigned(no_sig));
}

TEST_F(DiskUrls, ADownloadUrlCannotUpload) {
  auto get = get_url("org/m1/original");
  get.method = "PUT";
  get.headers = {{"Content-Type", "image/png"}};
  expect_invalid_signature(send_presigned(get, "abc"));
  EXPECT_EQ(files_under(f.media_root() / "objects"), 0u);
}

TEST_F(DiskUrls, AnUploadUrlCannotDownload) {
  auto put = put_url("org/m1/original");
  ASSERT_EQ(send_presigned(put, "abc").status, 200);
  put.method = "GET";
  expect_invalid_signature(send_presigned(put));
}

// The type is part of the signature, as with S3: another type is 403, not 415.
TEST_F(DiskUrls, AnotherContentTypeIsRefused) {
  auto put = put_url("org/m1/original", "image/png");
  put.headers = {{"Content-Type", "image/jpeg"}};
  expect_invalid_signature(send_presigned(put, "abc"));
  put.headers = {{"Content-Type", "image/png; charset=x"}};
  expect_invalid_signature(send_presigned(put, "abc"));
  EXPECT_EQ(files_under(f.media_root() / "objects"), 0u);
}

TEST_F(DiskUrls, ADeclaredLengthOverTheCapIs413BeforeAnyByteIsRead) {
  const auto put = put_url("org/big/original", "video/mp4", 1024 * 1024);
  auto url = boost::urls::parse_absolute_uri(put.url).value();
  // 1 GB declared and "Expect: 100-continue": the refusal comes instead of
  // the 100, so the client never sends the body.
  const std::string request = "PUT " + std::string(url.encoded_path()) + "?" + std::string(url.encoded_query()) +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\n"
                              "Content-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n";
  const std::string answer = test::raw_exchange(f.port(), request, 5s);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos);
  EXPECT_NE(answer.find("payload_too_large"), std::string::npos);
  EXPECT_EQ(files_under(f.media_root()), 0u);
}

TEST_F(DiskUrls, AChunkedBodyPastTheCapIsCutAndNothingIsStored) {
  const auto put = put_url("org/chunky/original", "video/mp4", 1000);
  auto url = boost::urls::parse_absolute_uri(put.url).value();
  std::string request = "PUT " + std::string(url.encoded_path()) + "?" + std::string(url.encoded_query()) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "200\r\n" + std::string(512, 'x') + "\r\n";
  request += "0\r\n\r\n";
  const std::string answer = test::raw_exchange(f.port(), request, 5s);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
  EXPECT_EQ(files_under(f.media_root()), 0u);

  // Under the cap, chunked works.
  request = "PUT " + std::string(url.encoded_path()) + "?" + std::string(url.encoded_query()) +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
  EXPECT_TRUE(test::raw_exchange(f.port(), request, 5s).starts_with("HTTP/1.1 200"));
  auto info = f.run(f.store().stat("org/chunky/original")).value();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->size, 16);
}

TEST_F(DiskUrls, AnUploadCutShortLeavesNoObject) {
  const auto put = put_url("org/cut/original", "video/mp4", 1 << 20);
  auto url = boost::urls::parse_absolute_uri(put.url).value();
  const std::string request = "PUT " + std::string(url.encoded_path()) + "?" + std::string(url.encoded_query()) +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\n"
                              "Content-Length: 5000\r\n\r\n" + std::string(1000, 'x');
  test::raw_exchange(f.port(), request, 200ms);  // the client goes away mid-body
  // The server notices the close, drops the temporary file and stores nothing.
  for (int i = 0; i < 200 && files_under(f.media_root() / "tmp") > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(files_under(f.media_root()), 0u);
  EXPECT_FALSE(f.run(f.store().stat("org/cut/original")).value());
}

TEST_F(DiskUrls, UnknownObjectsAre404AndBadKeys404) {
  auto r = send_presigned(get_url("org/none/original"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("code"), "not_found");
  EXPECT_EQ(test::http_request(f.port(), boost::beast::http::verb::get, "/media-files/../etc/passwd").status, 404);
  EXPECT_EQ(test::http_request(f.port(), boost::beast::http::verb::get, "/media-files/a%2F..%2Fb").status, 404);
}

TEST_F(DiskUrls, KeepAliveServesSeveralFileRequestsOnOneConnection) {
  ASSERT_EQ(send_presigned(put_url("k/a"), "hello").status, 200);
  const auto get = get_url("k/a");
  auto url = boost::urls::parse_absolute_uri(get.url).value();
  const std::string target = std::string(url.encoded_path()) + "?" + std::string(url.encoded_query());
  test::HttpConnection conn(f.port());
  for (int i = 0; i < 3; ++i) {
    auto r = conn.request(boost::beast::http::verb::get, target);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "hello");
  }
  EXPECT_FALSE(conn.closed_by_server(50ms));
}

}  // namespace
}  // namespace postfuze::media
