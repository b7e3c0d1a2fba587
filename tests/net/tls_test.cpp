// Outbound HTTPS verifies certificates and host names: against the system CA
// store by default, or against a configured CA file. A CA made at test time
// and a loopback TLS server prove both the accepting and the refusing paths.
#include <gtest/gtest.h>

#include <string>

#include "client_harness.hpp"
#include "loopback_server.hpp"
#include "net/http_client.hpp"
#include "support/temp_dir.hpp"
#include "test_pki.hpp"

namespace postfuze::net {
namespace {

using test::ClientHarness;
using test::LoopbackServer;

class Tls : public ::testing::Test {
 protected:
  Tls() { pki_.write_ca_pem(ca_file_); }

  HttpClientOptions trusting_our_ca() const {
    HttpClientOptions o;
    o.ca_file = ca_file_.string();
    return o;
  }

  // A server presenting `credential`, answering 200 "secure".
  std::unique_ptr<LoopbackServer> serve(const test::Credential& credential) {
    contexts_.push_back(std::make_unique<boost::asio::ssl::context>(test::server_context(credential)));
    return std::make_unique<LoopbackServer>(
        [](const LoopbackServer::Request&) {
          return std::optional<std::string>(test::http_response(200, "OK", "secure"));
        },
        contexts_.back().get());
  }

  static std::string localhost_url(const LoopbackServer& server) {
    return "https://localhost:" + std::to_string(server.port()) + "/";
  }

  test::TestPki pki_;
  test::TempDir dir_{"pf-net-tls"};
  std::filesystem::path ca_file_ = dir_.file("ca.pem");
  std::vector<std::unique_ptr<boost::asio::ssl::context>> contexts_;
};

void expect_tls_failure(const OutboundResult& r, std::string_view reason) {
  EXPECT_FALSE(r.response);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::tls) << r.detail;
  EXPECT_NE(r.detail.find(reason), std::string::npos) << r.detail;
}

TEST_F(Tls, TheSystemStoreDoesNotTrustAnUnknownCa) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  ClientHarness h;  // system CA store
  expect_tls_failure(h.get(localhost_url(*server)), "unable to get local issuer certificate");
  EXPECT_TRUE(server->requests().empty());
}

TEST_F(Tls, OurCaIsTrustedForLocalhost) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  ClientHarness h(trusting_our_ca());
  const auto r = h.get(localhost_url(*server));
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, "secure");
  ASSERT_EQ(server->requests().size(), 1u);
  EXPECT_EQ(server->requests()[0][boost::beast::http::field::host], "localhost:" + std::to_string(server->port()));
}

TEST_F(Tls, SendsTheHostNameAsSniButNotAnIpLiteral) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  ClientHarness h(trusting_our_ca());
  ASSERT_TRUE(h.get(localhost_url(*server)).response);
  ASSERT_TRUE(h.get(server->url()).response);
  EXPECT_EQ(server->server_names(), (std::vector<std::string>{"localhost", ""}));
}

TEST_F(Tls, AnIpLiteralIsCheckedAgainstTheIpSubjectAltName) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  ClientHarness h(trusting_our_ca());
  const auto r = h.get(server->url());  // https://127.0.0.1:port/
  ASSERT_TRUE(r.response) << r.detail;
  EXPECT_EQ(r.response->status, 200);
}

TEST_F(Tls, AnIpLiteralIsRefusedWithoutAnIpSubjectAltName) {
  auto server = serve(pki_.issue("127.0.0.1", "DNS:localhost"));  // a CN is not a SAN
  ClientHarness h(trusting_our_ca());
  expect_tls_failure(h.get(server->url()), "IP address mismatch");
  ASSERT_TRUE(h.get(localhost_url(*server)).response);
}

TEST_F(Tls, ACertificateForAnotherNameIsRefusedEvenFromOurCa) {
  auto server = serve(pki_.issue("wrong.example", "DNS:wrong.example"));
  ClientHarness h(trusting_our_ca());
  expect_tls_failure(h.get(localhost_url(*server)), "hostname mismatch");
  EXPECT_TRUE(server->requests().empty());
}

TEST_F(Tls, AnExpiredCertificateIsRefused) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1", {-30, -1}));
  ClientHarness h(trusting_our_ca());
  expect_tls_failure(h.get(localhost_url(*server)), "certificate has expired");
}

TEST_F(Tls, ANotYetValidCertificateIsRefused) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1", {1, 30}));
  ClientHarness h(trusting_our_ca());
  expect_tls_failure(h.get(localhost_url(*server)), "certificate is not yet valid");
}

TEST_F(Tls, ACertificateFromAnotherCaIsRefused) {
  test::TestPki other;
  auto server = serve(other.issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  ClientHarness h(trusting_our_ca());
  expect_tls_failure(h.get(localhost_url(*server)), "unable to get local issuer certificate");
}

TEST_F(Tls, PlainHttpToATlsServerIsAProtocolFailure) {
  auto server = serve(pki_.issue("localhost", "DNS:localhost,IP:127.0.0.1"));
  ClientHarness h(trusting_our_ca());
  const auto r = h.get("http://127.0.0.1:" + std::to_string(server->port()) + "/", std::chrono::seconds(5));
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(*r.failure, FailureClass::protocol) << r.detail;
}

TEST_F(Tls, AnUnreadableCaFileFailsConstruction) {
  HttpClientOptions o;
  o.ca_file = dir_.file("missing.pem").string();
  boost::asio::io_context io;
  core::SystemClock clock;
  EXPECT_THROW(HttpClient(io.get_executor(), clock, o), std::runtime_error);
}

}  // namespace
}  // namespace postfuze::net
