// TLS client setup for outbound calls: one shared context that verifies peer
// certificates against the system CA store (or a configured CA file), and the
// per-connection settings that bind a handshake to the expected host — SNI
// and host-name (or IP address) verification.
// The context is read-only after make_tls_client_context returns, so any
// number of connections may use it concurrently (OpenSSL allows this).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>

namespace postfuze::net {

// TLS 1.2 or later, peer verification on. Throws std::runtime_error when the
// trust anchors cannot be loaded: a configuration error, reported at startup.
boost::asio::ssl::context make_tls_client_context(const std::optional<std::string>& ca_file);

// Sets SNI (names only; RFC 6066 §3 forbids IP literals) and the name or IP
// address the certificate must carry. False when OpenSSL refuses the value.
bool expect_peer(SSL* ssl, const std::string& host, bool host_is_ip);

// A short reason for a failed handshake: the certificate verification error
// when there is one, else the TLS error.
std::string tls_failure_detail(SSL* ssl, const boost::system::error_code& ec);

}  // namespace postfuze::net
