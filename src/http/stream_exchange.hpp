// StreamExchange: one request whose body and response a handler streams
// instead of holding them in strings — uploads and downloads far larger than
// the server's body limit (media files). The Server hands it over right after
// the request header is read, for paths under a prefix registered with
// Server::add_stream_route; the handler decides the body cap itself (e.g.
// from a signed URL) and can refuse a declared Content-Length before a
// single body byte is read.
//
// Reading: read() fills the caller's buffer from the body (64 KiB is plenty),
// so memory stays bounded whatever the body size. "Expect: 100-continue" is
// answered on the first read, so a refused upload is never sent. Each read
// and each write has its own deadline (the server's read and write
// timeouts): a big transfer is not cut as long as it makes progress.
//
// Writing: either respond() with a whole (small) response, or begin() with a
// header carrying Content-Length, then write() pieces, then finish(). The
// exchange adds X-Request-Id and decides keep-alive (only when the whole
// request body was read and the server is not stopping).
//
// Owned by the connection's coroutine; not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include "core/result.hpp"
#include "http/response.hpp"

namespace postfuze::http {

class StreamExchange {
 public:
  using Parser = bhttp::request_parser<bhttp::buffer_body>;
  struct Settings {
    std::chrono::milliseconds read_timeout;   // per body read
    std::chrono::milliseconds write_timeout;  // per response write
    bool keep_alive_allowed = true;           // false once the server is stopping
  };

  StreamExchange(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer, Parser& parser,
                 boost::urls::url target, std::string request_id, Settings settings);
  ~StreamExchange();
  StreamExchange(const StreamExchange&) = delete;
  StreamExchange& operator=(const StreamExchange&) = delete;

  bhttp::verb method() const { return parser_.get().method(); }
  boost::urls::url_view target() const { return target_; }
  std::string_view header(bhttp::field f) const { return parser_.get()[f]; }
  const std::string& request_id() const { return request_id_; }
  // The declared body length; nullopt for a chunked body. 0 without a body.
  std::optional<std::uint64_t> content_length() const;
  bool chunked() const { return parser_.chunked(); }

  // Caps the body: a chunked body growing past `max` fails read() with
  // payload_too_large. (A declared Content-Length the handler compares
  // with content_length() itself, before reading.) Call before read().
  void limit_body(std::uint64_t max);
  // Reads body bytes into `into`, filling it unless the body ends first.
  // Returns the count; 0 means the body is complete. Errors:
  // payload_too_large (past limit_body), bad_request (malformed framing),
  // unavailable (the client stalled past the deadline or went away: no
  // response can be delivered then).
  boost::asio::awaitable<core::Result<std::size_t>> read(std::span<char> into);
  bool body_done() const { return parser_.is_done(); }

  // A whole response. False when the client is gone.
  boost::asio::awaitable<bool> respond(Response res);
  // A streamed response: the header (its Content-Length set by the caller),
  // then the body in pieces, then finish(). Each returns false when the
  // client is gone; stop streaming then.
  boost::asio::awaitable<bool> begin(bhttp::response_header<> header);
  boost::asio::awaitable<bool> write(std::string_view bytes);
  boost::asio::awaitable<bool> finish();

  // For the server: what was answered and whether the connection may serve
  // another request.
  bool responded() const { return status_ != 0; }
  unsigned status() const { return status_; }
  bool reusable() const { return complete_ && keep_alive_; }

 private:
  struct Output;
  bool decide_keep_alive();

  boost::beast::tcp_stream& stream_;
  boost::beast::flat_buffer& buffer_;
  Parser& parser_;
  boost::urls::url target_;
  std::string request_id_;
  Settings settings_;
  bool continue_sent_ = false;
  unsigned status_ = 0;
  bool complete_ = false;
  bool keep_alive_ = false;
  std::unique_ptr<Output> out_;
};

// A stream route's handler. It must answer through the exchange (respond()
// or begin()…finish()); one that returns without answering gets a 500.
using StreamHandler = std::function<boost::asio::awaitable<void>(StreamExchange&)>;

}  // namespace postfuze::http
