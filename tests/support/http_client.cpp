#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace postfuze::test {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

boost::json::value HttpResult::json() const { return boost::json::parse(body); }

struct HttpConnection::Impl {
  net::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;
};

HttpConnection::HttpConnection(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect({net::ip::make_address("127.0.0.1"), port});
}

HttpConnection::~HttpConnection() {
  boost::system::error_code ec;
  impl_->socket.close(ec);
}

HttpResult HttpConnection::request(bhttp::verb method, const std::string& target, const std::string& body,
                                   const Headers& headers) {
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == bhttp::verb::post || method == bhttp::verb::put || method == bhttp::verb::patch)
    req.prepare_payload();
  bhttp::write(impl_->socket, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(impl_->socket, impl_->buffer, parser);
  const auto& res = parser.get();
  HttpResult out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

bool HttpConnection::closed_by_server(std::chrono::milliseconds wait) {
  // Poll with a receive timeout: EOF means the server closed it.
  timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
  ::setsockopt(impl_->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char c;
  const auto n = ::recv(impl_->socket.native_handle(), &c, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

HttpResult http_request(std::uint16_t port, bhttp::verb method, const std::string& target, const std::string& body,
                        const Headers& headers) {
  HttpConnection conn(port);
  return conn.request(method, target, body, headers);
}

HttpResult api_call(std::uint16_t port, bhttp::verb method, const std::string& target, const std::string& key,
                    const std::string& json_body) {
  Headers headers{{"Authorization", "Bearer " + key}};
  if (!json_body.empty()) headers.emplace_back("Content-Type", "application/json");
  return http_request(port, method, target, json_body, headers);
}

std::string raw_exchange(std::uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  net::write(socket, net::buffer(bytes), ec);
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (;;) {
    const auto n = ::recv(socket.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace postfuze::test
