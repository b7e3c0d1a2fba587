#include "http/stream_exchange.hpp"

#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

namespace postfuze::http {

namespace net = boost::asio;
namespace beast = boost::beast;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

namespace {
// Built outside the coroutine: GCC 12 mishandles aggregate temporaries there.
core::Error body_too_large() {
  return {core::ErrorCode::payload_too_large, "The request body is larger than allowed.", {}, {}};
}
}  // namespace

// The streamed response and its serializer, which refers to it: kept
// together and alive across begin/write/finish.
struct StreamExchange::Output {
  explicit Output(bhttp::response_header<> header) : res(std::move(header)), sr(res) {}
  bhttp::response<bhttp::buffer_body> res;
  bhttp::response_serializer<bhttp::buffer_body> sr;
};

StreamExchange::StreamExchange(beast::tcp_stream& stream, beast::flat_buffer& buffer, Parser& parser,
                               boost::urls::url target, std::string request_id, Settings settings)
    : stream_(stream),
      buffer_(buffer),
      parser_(parser),
      target_(std::move(target)),
      request_id_(std::move(request_id)),
      settings_(settings) {}

StreamExchange::~StreamExchange() = default;

std::optional<std::uint64_t> StreamExchange::content_length() const {
  if (parser_.chunked()) return std::nullopt;
  return parser_.content_length().value_or(0);
}

void StreamExchange::limit_body(std::uint64_t max) { parser_.body_limit(max); }

net::awaitable<core::Result<std::size_t>> StreamExchange::read(std::span<char> into) {
  if (parser_.is_done() || into.empty()) co_return std::size_t{0};
  if (!continue_sent_ && beast::iequals(parser_.get()[bhttp::field::expect], "100-continue")) {
    continue_sent_ = true;
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
    stream_.expires_after(settings_.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream_, cont, use_tuple);
    if (ec) co_return core::Error::unavailable("The client went away.", ec.message());
  }
  continue_sent_ = true;
  auto& body = parser_.get().body();
  body.data = into.data();
  body.size = into.size();
  // Fill the buffer one socket read at a time, each under its own deadline:
  // a slow but steady upload is never cut; a stalled one is.
  boost::system::error_code ec;
  while (body.size > 0 && !parser_.is_done()) {
    stream_.expires_after(settings_.read_timeout);
    std::size_t n = 0;
    std::tie(ec, n) = co_await bhttp::async_read_some(stream_, buffer_, parser_, use_tuple);
    if (ec) break;
  }
  const std::size_t got = into.size() - body.size;
  body.data = nullptr;
  if (ec == bhttp::error::need_buffer) ec = {};  // the buffer is full: more to come
  if (ec == bhttp::error::body_limit) co_return body_too_large();
  if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
    co_return core::Error::bad_request("The request body is not valid HTTP/1.1 framing.");
  if (ec) co_return core::Error::unavailable("The upload stalled or the client went away.", ec.message());
  co_return got;
}

bool StreamExchange::decide_keep_alive() {
  keep_alive_ = settings_.keep_alive_allowed && parser_.get().keep_alive() && parser_.is_done();
  return keep_alive_;
}

net::awaitable<bool> StreamExchange::respond(Response res) {
  if (status_ != 0) co_return false;
  status_ = res.result_int();
  res.set("X-Request-Id", request_id_);
  res.keep_alive(decide_keep_alive());
  res.version(parser_.get().version());
  stream_.expires_after(settings_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, res, use_tuple);
  complete_ = !ec;
  co_return !ec;
}

net::awaitable<bool> StreamExchange::begin(bhttp::response_header<> header) {
  if (status_ != 0) co_return false;
  status_ = header.result_int();
  header.set("X-Request-Id", request_id_);
  header.version(parser_.get().version());
  out_ = std::make_unique<Output>(std::move(header));
  out_->res.keep_alive(decide_keep_alive());
  out_->res.body().data = nullptr;
  out_->res.body().more = true;
  stream_.expires_after(settings_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(stream_, out_->sr, use_tuple);
  co_return !ec;
}

net::awaitable<bool> StreamExchange::write(std::string_view bytes) {
  if (!out_) co_return false;
  if (bytes.empty()) co_return true;
  auto& body = out_->res.body();
  body.data = const_cast<char*>(bytes.data());  // the serializer only reads it
  body.size = bytes.size();
  body.more = true;
  stream_.expires_after(settings_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, out_->sr, use_tuple);
  body.data = nullptr;
  co_return !ec || ec == bhttp::error::need_buffer;
}

net::awaitable<bool> StreamExchange::finish() {
  if (!out_) co_return false;
  auto& body = out_->res.body();
  body.data = nullptr;
  body.more = false;
  stream_.expires_after(settings_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream_, out_->sr, use_tuple);
  complete_ = !ec;
  co_return !ec;
}

}  // namespace postfuze::http
