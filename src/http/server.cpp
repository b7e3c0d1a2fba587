#include "http/server.hpp"

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace postfuze::http {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct Server::Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::atomic<bool> idle{false};
};

namespace {

// A client-sent request id is echoed only when it is short and plain.
bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  return true;
}

}  // namespace

Server::Server(net::io_context& io, ServerOptions options, Handler handler, const core::Clock& clock,
               core::Logger& log, core::Random& random)
    : io_(io),
      options_(options),
      handler_(std::move(handler)),
      clock_(clock),
      log_(log),
      random_(random),
      acceptor_(net::make_strand(io)) {}

Server::~Server() = default;

void Server::add_stream_route(std::string prefix, StreamHandler handler) {
  stream_routes_.push_back({std::move(prefix), std::move(handler)});
}

core::Result<tcp::endpoint> Server::listen(const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(address, ec);
  if (ec) return core::Error::bad_request("invalid listen address '" + address + "'");
  const tcp::endpoint ep{ip, port};
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return core::Error::unavailable("cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  return acceptor_.local_endpoint();
}

void Server::start() {
  net::co_spawn(acceptor_.get_executor(), accept_loop(), [this](std::exception_ptr e) {
    if (e) log_.error("accept loop ended by an exception");
  });
}

net::awaitable<void> Server::accept_loop() {
  net::steady_timer backoff(acceptor_.get_executor());
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(io_), use_tuple);
    if (ec) {
      if (stopping_ || ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of descriptors and the like: say so, pause briefly, keep serving.
      log_.warn("accept failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(use_tuple);
      continue;
    }
    auto exec = socket.get_executor();
    net::co_spawn(exec, serve(std::move(socket)), [this](std::exception_ptr e) {
      if (e) log_.error("connection ended by an exception");
    });
  }
}

std::string Server::new_request_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string raw = random_.bytes(12);
  std::string id;
  id.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    id.push_back(kHex[c >> 4]);
    id.push_back(kHex[c & 15]);
  }
  return id;
}

// A path with every bearer-token segment masked: pending connect sessions are
// addressed by their token (/social-accounts/pending/ps_…, as the connect
// guide prescribes), and a credential does not belong in the log.
namespace {
std::string loggable_path(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  while (!path.empty()) {
    const std::size_t slash = path.find('/', 1);
    std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    out += segment.starts_with("/ps_") ? std::string_view("/ps_[redacted]") : segment;
  }
  return out;
}
}  // namespace

void Server::access_log(std::string_view method, std::string_view raw_path, unsigned status,
                        std::string_view request_id, std::chrono::steady_clock::time_point started) {
  if (!log_.enabled(core::LogLevel::info)) return;
  const std::string path = loggable_path(raw_path);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(clock_.monotonic() - started).count();
  log_.info("request", {{"method", method},
                        {"path", path},
                        {"status", status},
                        {"duration_us", micros},
                        {"request_id", request_id}});
}

net::awaitable<void> Server::reject(Connection& conn, const core::Error& error, std::string_view method,
                                    std::string_view path) {
  const auto started = clock_.monotonic();
  Response res = problem_response(error);
  const std::string id = new_request_id();
  res.set("X-Request-Id", id);
  res.keep_alive(false);
  conn.stream.expires_after(options_.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(conn.stream, res, use_tuple);
  access_log(method, path, res.result_int(), id, started);
  if (ec) co_return;
  co_await linger(conn);
}

// Lingering close: closing with unread request bytes pending makes the
// kernel send RST, which can destroy the answer before the client reads it.
net::awaitable<void> Server::linger(Connection& conn) {
  boost::system::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.expires_after(std::chrono::seconds(2));
  std::array<char, 16384> sink;
  for (std::size_t drained = 0; drained < 8 * 1024 * 1024;) {
    auto [rec, rn] = co_await conn.stream.async_read_some(net::buffer(sink), use_tuple);
    if (rec) break;
    drained += rn;
  }
}

net::awaitable<Response> Server::respond(Request& req) {
  try {
    co_return co_await handler_(req);
  } catch (const std::exception& e) {
    log_.error("handler failed", {{"request_id", req.request_id}, {"error", e.what()}});
  }
  co_return problem_response(core::Error::internal_error("unhandled exception"));
}

net::awaitable<bool> Server::serve_stream(Connection& conn, beast::flat_buffer& buffer, ReadOutcome& in) {
  const std::string_view client_id = in.stream->get()["X-Request-Id"];
  const std::string request_id = sane_request_id(client_id) ? std::string(client_id) : new_request_id();
  StreamExchange exchange(conn.stream, buffer, *in.stream, std::move(in.target), request_id,
                          {options_.read_timeout, options_.write_timeout, !stopping_});
  try {
    co_await (*in.stream_handler)(exchange);
  } catch (const std::exception& e) {
    log_.error("stream handler failed", {{"request_id", request_id}, {"error", e.what()}});
  }
  if (!exchange.responded()) co_await exchange.respond(problem_response(core::Error::internal_error("no response")));
  access_log(in.method, in.path, exchange.status(), request_id, in.started);
  if (exchange.reusable()) co_return true;
  // Unread body bytes may still be on their way: close without a reset.
  if (!exchange.body_done()) co_await linger(conn);
  co_return false;
}

// Reads one request. Returns it, or an error to answer before closing, or
// neither when the connection should just close (idle timeout, client gone).
net::awaitable<Server::ReadOutcome> Server::read_request(Connection& conn, beast::flat_buffer& buffer) {
  ReadOutcome out;
  // Wait for the first byte of the next request under the idle deadline.
  if (buffer.size() == 0) {
    conn.idle = true;
    boost::system::error_code ec;
    if (stopping_ && conn.stream.socket().available(ec) == 0) co_return out;
    conn.stream.expires_after(options_.idle_timeout);
    auto [rec, n] = co_await conn.stream.async_read_some(buffer.prepare(8192), use_tuple);
    conn.idle = false;
    if (rec) co_return out;
    buffer.commit(n);
  }
  out.started = clock_.monotonic();

  // Header and body are read under one deadline. The body limit is applied
  // once the header says whether this is a stream route (which has none).
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
  parser.body_limit(boost::none);
  conn.stream.expires_after(options_.read_timeout);
  const core::Error too_large{core::ErrorCode::payload_too_large,
                              "The request body exceeds " + std::to_string(options_.body_limit) + " bytes.", {}, {}};
  auto [hec, hn] = co_await bhttp::async_read_header(conn.stream, buffer, parser, use_tuple);
  if (parser.is_header_done()) {
    out.method = std::string(parser.get().method_string());
    if (auto t = boost::urls::parse_origin_form(parser.get().target())) out.path = std::string(t->encoded_path());
  }
  if (hec == bhttp::error::header_limit) {
    out.reject = core::Error{core::ErrorCode::headers_too_large, "Request headers are too large.", {}, {}};
  } else if (hec && hec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
             hec != bhttp::error::end_of_stream && hec != bhttp::error::partial_message) {
    out.reject = core::Error::bad_request("The request is not valid HTTP/1.1.");
  }
  if (hec) co_return out;

  for (const auto& route : stream_routes_) {
    if (!out.path.starts_with(route.prefix)) continue;
    auto target = boost::urls::parse_origin_form(parser.get().target());
    if (!target) {
      out.reject = core::Error::bad_request("The request target is not a valid path.");
      co_return out;
    }
    out.target = *target;
    out.stream = std::make_unique<StreamExchange::Parser>(std::move(parser));
    out.stream_handler = &route.handler;
    co_return out;
  }
  // A declared Content-Length over the limit is refused before reading the
  // body; a chunked body is cut by the parser as it grows.
  if (parser.content_length().value_or(0) > options_.body_limit) {
    out.reject = too_large;
    co_return out;
  }
  parser.body_limit(options_.body_limit);

  if (!parser.is_done()) {
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      co_await bhttp::async_write(conn.stream, cont, use_tuple);
    }
    auto [bec, bn] = co_await bhttp::async_read(conn.stream, buffer, parser, use_tuple);
    if (bec == bhttp::error::body_limit) out.reject = too_large;
    if (bec) co_return out;  // else: timeout or client gone mid-body, nothing to answer
  }
  auto target = boost::urls::parse_origin_form(parser.get().target());
  if (!target) {
    out.reject = core::Error::bad_request("The request target is not a valid path.");
    co_return out;
  }
  out.request.emplace();
  out.request->message = parser.release();
  out.request->target = *target;
  co_return out;
}

net::awaitable<void> Server::serve(tcp::socket socket) {
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  auto conn = std::make_shared<Connection>(std::move(socket));
  std::uint64_t id;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    connections_.emplace(id, conn);
  }
  beast::flat_buffer buffer;

  for (;;) {
    ReadOutcome in = co_await read_request(*conn, buffer);
    if (in.reject) {
      co_await reject(*conn, *in.reject, in.method, in.path);
      break;
    }
    if (in.stream) {
      if (!co_await serve_stream(*conn, buffer, in)) break;
      continue;
    }
    if (!in.request) break;
    Request& req = *in.request;
    const std::string_view client_id = req.message["X-Request-Id"];
    req.request_id = sane_request_id(client_id) ? std::string(client_id) : new_request_id();
    req.remote_address = remote.address().to_string();

    Response res = co_await respond(req);
    res.set("X-Request-Id", req.request_id);
    const bool keep_alive = req.message.keep_alive() && !stopping_;
    res.keep_alive(keep_alive);
    res.version(req.message.version());
    conn->stream.expires_after(options_.write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(conn->stream, res, use_tuple);
    access_log(in.method, in.path, res.result_int(), req.request_id, in.started);
    if (wec || !keep_alive) break;
  }

  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  conn->stream.socket().close(ec);
  std::lock_guard lock(mu_);
  connections_.erase(id);
  if (stopping_ && connections_.empty() && on_drained_) net::post(io_, std::exchange(on_drained_, nullptr));
}

void Server::shutdown(std::function<void()> done) {
  stopping_ = true;
  net::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  std::lock_guard lock(mu_);
  if (connections_.empty()) {
    net::post(io_, std::move(done));
    return;
  }
  on_drained_ = std::move(done);
  // Idle connections hold no request: close them now. Busy ones finish theirs,
  // and so does one whose request bytes have arrived but not yet been read.
  for (auto& [id, conn] : connections_) {
    net::post(conn->stream.get_executor(), [conn] {
      boost::system::error_code ec;
      if (conn->idle && conn->stream.socket().available(ec) == 0) conn->stream.cancel();
    });
  }
  auto timer = std::make_shared<net::steady_timer>(io_, options_.shutdown_grace);
  timer->async_wait([this, timer](boost::system::error_code) {
    std::function<void()> done_now;
    {
      std::lock_guard lock(mu_);
      done_now = std::exchange(on_drained_, nullptr);
    }
    if (done_now) {
      log_.warn("shutdown grace period over; closing remaining connections");
      done_now();
    }
  });
}

}  // namespace postfuze::http
