// TestPki: a throwaway certificate authority made at test time with the
// OpenSSL C API (P-256 keys, SHA-256 signatures), and the server certificates
// it issues — no files shipped with the tests and no network. Certificates
// carry the extensions a verifier checks (basic constraints, key usage,
// extended key usage, key identifiers, subject alternative names).
// Header-only: the net_tests binary compiles only *_test.cpp files.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace postfuze::test {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

struct Credential {
  PkeyPtr key{nullptr, EVP_PKEY_free};
  X509Ptr cert{nullptr, X509_free};
};

struct Validity {
  long not_before_days = -1;  // relative to now
  long not_after_days = 30;
};

namespace pki_detail {

inline void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

inline PkeyPtr make_key() {
  PkeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  require(key != nullptr, "EVP_EC_gen");
  return key;
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  require(ext != nullptr, value);
  require(X509_add_ext(cert, ext, -1) == 1, "X509_add_ext");
  X509_EXTENSION_free(ext);
}

// Subject, key and validity; the caller adds extensions and signs.
inline X509Ptr new_cert(EVP_PKEY* key, const std::string& common_name, Validity validity) {
  static std::atomic<long> serial{1};
  X509Ptr cert(X509_new(), X509_free);
  require(cert != nullptr, "X509_new");
  require(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
  require(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++) == 1, "serial");
  require(X509_gmtime_adj(X509_getm_notBefore(cert.get()), validity.not_before_days * 86400) != nullptr, "notBefore");
  require(X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity.not_after_days * 86400) != nullptr, "notAfter");
  require(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  require(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) == 1,
          "CN");
  return cert;
}

}  // namespace pki_detail

class TestPki {
 public:
  TestPki() {
    using namespace pki_detail;
    ca_.key = make_key();
    ca_.cert = new_cert(ca_.key.get(), "PostFuze Test CA", {-1, 365});
    X509* c = ca_.cert.get();
    require(X509_set_issuer_name(c, X509_get_subject_name(c)) == 1, "issuer");
    add_extension(c, c, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(c, c, NID_subject_key_identifier, "hash");
    add_extension(c, c, NID_authority_key_identifier, "keyid:always");
    require(X509_sign(c, ca_.key.get(), EVP_sha256()) > 0, "X509_sign");
  }

  // A server certificate signed by this CA. `subject_alt_names` uses
  // OpenSSL's syntax, e.g. "DNS:localhost,IP:127.0.0.1".
  Credential issue(const std::string& common_name, const std::string& subject_alt_names, Validity validity = {}) const {
    using namespace pki_detail;
    Credential leaf;
    leaf.key = make_key();
    leaf.cert = new_cert(leaf.key.get(), common_name, validity);
    X509* c = leaf.cert.get();
    require(X509_set_issuer_name(c, X509_get_subject_name(ca_.cert.get())) == 1, "issuer");
    add_extension(c, ca_.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(c, ca_.cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(c, ca_.cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(c, ca_.cert.get(), NID_subject_key_identifier, "hash");
    add_extension(c, ca_.cert.get(), NID_authority_key_identifier, "keyid:always");
    add_extension(c, ca_.cert.get(), NID_subject_alt_name, subject_alt_names.c_str());
    require(X509_sign(c, ca_.key.get(), EVP_sha256()) > 0, "X509_sign");
    return leaf;
  }

  // Writes the CA certificate as PEM, for HttpClientOptions::ca_file.
  void write_ca_pem(const std::filesystem::path& path) const {
    BIO* bio = BIO_new_file(path.c_str(), "w");
    pki_detail::require(bio != nullptr, "BIO_new_file");
    const int ok = PEM_write_bio_X509(bio, ca_.cert.get());
    BIO_free(bio);
    pki_detail::require(ok == 1, "PEM_write_bio_X509");
  }

 private:
  Credential ca_;
};

// A TLS server context presenting `credential` (leaf only; clients hold the CA).
inline boost::asio::ssl::context server_context(const Credential& credential) {
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_server);
  pki_detail::require(SSL_CTX_use_certificate(ctx.native_handle(), credential.cert.get()) == 1,
                      "SSL_CTX_use_certificate");
  pki_detail::require(SSL_CTX_use_PrivateKey(ctx.native_handle(), credential.key.get()) == 1, "SSL_CTX_use_PrivateKey");
  return ctx;
}

}  // namespace postfuze::test
