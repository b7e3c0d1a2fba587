// HttpClient: outbound HTTP/1.1 over TCP or TLS, as coroutines on the caller's
// executor — no thread waits on the network, so one process keeps thousands of
// calls in flight.
//
// Per call: resolve the host (asynchronously), check every resolved address
// against the address policy when the request asks for it, connect to the
// allowed addresses in turn, TLS with certificate and host-name verification
// against the system CA store (or the configured CA file) and SNI, send, and
// read the response with a size cap — all under one deadline. Redirects are
// never followed: a 3xx is returned as it is. Failures are values classified
// for logs and retry decisions, never exceptions.
//
// One request per connection (`Connection: close`); there is no connection
// pooling for now. The client sets Host, Content-Length and Connection itself
// (request headers of those names, and Transfer-Encoding, are ignored); a
// User-Agent request header replaces options().user_agent. A header whose name
// is not an RFC 9110 token or whose value holds CR, LF or NUL fails the call
// as invalid_url, before anything is resolved. Response headers are capped at
// 16 KiB (beyond: protocol); 1xx interim responses are read past.
//
// Thread safety: one HttpClient may be used by many coroutines at once; its
// TLS context is shared and read-only after construction. Each call runs on a
// strand of the client's executor. The client must outlive every call.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include "core/clock.hpp"

namespace postfuze::net {

struct OutboundRequest {
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string url;  // absolute http:// or https:// URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15'000};  // whole call: resolve to last response byte
  std::size_t max_response_bytes = 64 * 1024;
  bool enforce_address_policy = false;  // true for customer-supplied URLs
};

struct OutboundResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // at most max_response_bytes
  // Case-insensitive lookup; empty when absent.
  std::string header(std::string_view name) const;
};

enum class FailureClass {
  invalid_url,         // not an absolute http(s) URL (or a request that cannot be sent: bad header, no method)
  dns,                 // the host does not resolve
  blocked_address,     // every resolved address is refused by the address policy
  connect,             // refused, unreachable, reset during connect
  tls,                 // handshake or certificate/host-name verification failed
  timeout,             // the deadline passed
  protocol,            // malformed response, connection closed mid-response
  response_too_large,  // the body exceeded max_response_bytes
};

std::string_view to_string(FailureClass f);

struct OutboundResult {
  // Set when an HTTP response arrived (any status). Also set, with an empty
  // body, alongside failure == response_too_large: the status is known.
  std::optional<OutboundResponse> response;
  std::optional<FailureClass> failure;       // set otherwise
  std::string detail;                        // for logs; never contains the request body or headers
  std::chrono::milliseconds elapsed{0};
};

struct HttpClientOptions {
  std::string user_agent = "PostFuze-Server/1.0";
  bool allow_private_destinations = false;  // see address_policy.hpp
  // PEM file of trust anchors used instead of the system store (tests with their own CA).
  std::optional<std::string> ca_file;
};

class HttpClient {
 public:
  // `clock` measures elapsed time (monotonic); it must outlive the client.
  // Throws std::runtime_error when the trust anchors (options.ca_file, or the
  // system store) cannot be loaded: a configuration error, seen at startup.
  HttpClient(boost::asio::any_io_executor executor, const core::Clock& clock, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  boost::asio::awaitable<OutboundResult> send(OutboundRequest request);

  const HttpClientOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace postfuze::net
