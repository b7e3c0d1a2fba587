// A small synchronous HTTP/1.1 client for tests: real sockets over loopback.
// HttpConnection keeps one connection open (for keep-alive tests);
// http_request() opens one per call. raw_exchange() sends bytes verbatim for
// malformed-request tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

namespace postfuze::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;

  std::string header(const std::string& lowercase_name) const;
  bool has_header(const std::string& lowercase_name) const { return headers.count(lowercase_name) > 0; }
  boost::json::value json() const;  // throws if the body is not JSON
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port);
  ~HttpConnection();
  HttpResult request(boost::beast::http::verb method, const std::string& target, const std::string& body = "",
                     const Headers& headers = {});
  // True when the server has closed the connection (reads EOF within `wait`).
  bool closed_by_server(std::chrono::milliseconds wait);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

HttpResult http_request(std::uint16_t port, boost::beast::http::verb method, const std::string& target,
                        const std::string& body = "", const Headers& headers = {});

// GET/POST… with a bearer key and, for bodies, Content-Type application/json.
HttpResult api_call(std::uint16_t port, boost::beast::http::verb method, const std::string& target,
                    const std::string& key, const std::string& json_body = "");

// Writes `bytes`, then reads until the server closes or `timeout` passes.
std::string raw_exchange(std::uint16_t port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace postfuze::test
