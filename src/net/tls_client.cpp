#include "net/tls_client.hpp"

#include <openssl/x509v3.h>

#include <stdexcept>

namespace postfuze::net {

namespace ssl = boost::asio::ssl;

ssl::context make_tls_client_context(const std::optional<std::string>& ca_file) {
  ssl::context ctx(ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_file) {
    ctx.load_verify_file(*ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file '" + *ca_file + "': " + ec.message());
  } else {
    ctx.set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot load the system CA store: " + ec.message());
  }
  ctx.set_verify_mode(ssl::verify_peer);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  return ctx;
}

bool expect_peer(SSL* ssl, const std::string& host, bool host_is_ip) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (host_is_ip) return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  // "*.example.com" matches one label only; "f*.example.com" does not match.
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

std::string tls_failure_detail(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  return "TLS handshake failed: " + ec.message();
}

}  // namespace postfuze::net
