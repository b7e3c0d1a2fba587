#include "net/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <optional>
#include <variant>

#include "net/address_policy.hpp"
#include "net/outbound_url.hpp"
#include "net/tls_client.hpp"

namespace postfuze::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string_view to_string(FailureClass f) {
  switch (f) {
    case FailureClass::invalid_url:
      return "invalid_url";
    case FailureClass::dns:
      return "dns";
    case FailureClass::blocked_address:
      return "blocked_address";
    case FailureClass::connect:
      return "connect";
    case FailureClass::tls:
      return "tls";
    case FailureClass::timeout:
      return "timeout";
    case FailureClass::protocol:
      return "protocol";
    case FailureClass::response_too_large:
      return "response_too_large";
  }
  return "unknown";
}

std::string OutboundResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (beast::iequals(n, name)) return v;
  return {};
}

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// 1xx answers (103 Early Hints, a stray 100 Continue) precede the real
// response; a server sending more than this many is not answering.
constexpr int kMaxInterimResponses = 8;

OutboundResult failure(FailureClass f, std::string detail) {
  OutboundResult r;
  r.failure = f;
  r.detail = std::move(detail);
  return r;
}

// RFC 9110 §5.1 (token) for names, §5.5 for values: no CR, LF or NUL, which
// would let a value inject header lines.
bool sendable_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != std::string_view::npos)
      return false;
  }
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

bhttp::request<bhttp::string_body> build_request(OutboundRequest& request, const OutboundUrl& url,
                                                 const std::string& user_agent) {
  bhttp::request<bhttp::string_body> msg{request.method, url.target, 11};
  msg.set(bhttp::field::host, url.host_header);
  msg.set(bhttp::field::user_agent, user_agent);
  for (const auto& [name, value] : request.headers) {
    switch (bhttp::string_to_field(name)) {
      // Framing and routing belong to the client: one request per connection.
      case bhttp::field::host:
      case bhttp::field::content_length:
      case bhttp::field::transfer_encoding:
      case bhttp::field::connection:
        break;
      case bhttp::field::user_agent:
        msg.set(bhttp::field::user_agent, value);
        break;
      default:
        msg.insert(name, value);
    }
  }
  msg.set(bhttp::field::connection, "close");
  msg.body() = std::move(request.body);
  msg.prepare_payload();
  return msg;
}

OutboundResponse to_response(bhttp::response<bhttp::string_body>&& res) {
  OutboundResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& field : res) out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(res.body());
  return out;
}

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

// getaddrinfo cannot be interrupted, so the lookup reports through a channel
// that the deadline can cancel; a late answer lands in the channel unread and
// is freed with the last reference (the completion handler's).
struct Lookup {
  using Answer = asio::experimental::channel<void(error_code, tcp::resolver::results_type)>;
  explicit Lookup(const asio::any_io_executor& executor) : resolver(executor), answer(executor, 1) {}
  tcp::resolver resolver;
  Answer answer;
};

// One outbound call on one strand: the connection, and what the deadline
// needs to abort it. run() and watch() race; whichever ends first wins.
class Call {
 public:
  Call(asio::any_io_executor executor, ssl::context& tls_context, const HttpClientOptions& options,
       OutboundRequest request, OutboundUrl url)
      : executor_(std::move(executor)),
        tls_context_(tls_context),
        options_(options),
        request_(std::move(request)),
        url_(std::move(url)),
        lookup_(std::make_shared<Lookup>(executor_)) {}

  // Every outcome other than the deadline, as a value.
  asio::awaitable<OutboundResult> run() {
    stage_ = "resolving";
    auto [rec, results] = co_await resolve();
    if (timed_out_) co_return OutboundResult{};
    if (rec) co_return failure(FailureClass::dns, "cannot resolve " + url_.host + ": " + rec.message());

    // The policy is applied to the resolved addresses and only those are
    // dialled, so a second DNS answer cannot slip in between.
    std::vector<tcp::endpoint> endpoints;
    std::string refused;
    for (const auto& entry : results) {
      const auto address = entry.endpoint().address();
      if (request_.enforce_address_policy && !destination_allowed(address, options_.allow_private_destinations)) {
        if (!refused.empty()) refused += ", ";
        refused += address.to_string() + " (" + std::string(to_string(classify(address))) + ")";
        continue;
      }
      endpoints.push_back(entry.endpoint());
    }
    if (endpoints.empty() && !refused.empty())
      co_return failure(FailureClass::blocked_address, "address policy refuses " + refused);
    if (endpoints.empty()) co_return failure(FailureClass::dns, "no addresses for " + url_.host);

    if (url_.tls) {
      auto& stream = tls_.emplace(executor_, tls_context_);
      if (auto f = co_await connect(stream.next_layer(), endpoints)) co_return std::move(*f);
      stage_ = "in the TLS handshake";
      if (!expect_peer(stream.native_handle(), url_.host, url_.host_is_ip))
        co_return failure(FailureClass::tls, "cannot set the expected peer name");
      auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
      if (timed_out_) co_return OutboundResult{};
      if (hec) co_return failure(FailureClass::tls, tls_failure_detail(stream.native_handle(), hec));
      co_return co_await exchange(stream);
    }
    auto& socket = plain_.emplace(executor_);
    if (auto f = co_await connect(socket, endpoints)) co_return std::move(*f);
    co_return co_await exchange(socket);
  }

  // Waits for the deadline; when it passes, closes everything so that run()
  // ends promptly whatever it was waiting on.
  asio::awaitable<void> watch(asio::steady_timer& deadline) {
    auto [ec] = co_await deadline.async_wait(use_tuple);
    if (ec) co_return;  // run() finished first
    timed_out_ = true;
    error_code ignored;
    lookup_->resolver.cancel();
    lookup_->answer.cancel();
    if (plain_) plain_->close(ignored);
    if (tls_) tls_->lowest_layer().close(ignored);
  }

  bool timed_out() const { return timed_out_; }
  std::chrono::milliseconds timeout() const { return request_.timeout; }
  const char* stage() const { return stage_; }

 private:
  asio::awaitable<std::tuple<error_code, tcp::resolver::results_type>> resolve() {
    lookup_->resolver.async_resolve(url_.host, std::to_string(url_.port), tcp::resolver::numeric_service,
                                    [lookup = lookup_](error_code ec, tcp::resolver::results_type results) {
                                      lookup->answer.try_send(ec, std::move(results));
                                    });
    co_return co_await lookup_->answer.async_receive(use_tuple);
  }

  // Tries each endpoint in turn; nullopt once connected.
  asio::awaitable<std::optional<OutboundResult>> connect(tcp::socket& socket,
                                                         const std::vector<tcp::endpoint>& endpoints) {
    stage_ = "connecting";
    auto [ec, endpoint] = co_await asio::async_connect(socket, endpoints, use_tuple);
    if (timed_out_) co_return OutboundResult{};
    if (ec) co_return failure(FailureClass::connect, "cannot connect to " + url_.host + ": " + ec.message());
    co_return std::nullopt;
  }

  template <class Stream>
  asio::awaitable<OutboundResult> exchange(Stream& stream) {
    stage_ = "sending the request";
    auto message = build_request(request_, url_, options_.user_agent);
    auto [wec, wn] = co_await bhttp::async_write(stream, message, use_tuple);
    if (timed_out_) co_return OutboundResult{};
    // Even when sending failed, the server may have answered first (an early
    // 413, say) and closed: read what it sent.

    stage_ = "reading the response";
    beast::flat_buffer buffer;
    for (int interim = 0;; ++interim) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(request_.max_response_bytes);
      if (request_.method == bhttp::verb::head) parser.skip(true);  // no body follows, whatever the headers say
      auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
      if (timed_out_) co_return OutboundResult{};
      if (rec == bhttp::error::body_limit) {
        // The status and headers did arrive: keep them (the body is dropped),
        // so a caller that only needs the status can still use it.
        auto r = failure(FailureClass::response_too_large,
                         "response body exceeds " + std::to_string(request_.max_response_bytes) + " bytes");
        if (parser.is_header_done()) {
          parser.get().body().clear();
          r.response = to_response(parser.release());
        }
        co_return r;
      }
      if (rec == bhttp::error::header_limit)
        co_return failure(FailureClass::protocol, "response header exceeds " + std::to_string(kHeaderLimit) + " bytes");
      // A TLS peer that closes without close_notify mid-body reports
      // stream_truncated: treated like any other cut-off response.
      if (rec && wec) co_return failure(FailureClass::protocol, "sending the request failed: " + wec.message());
      if (rec) co_return failure(FailureClass::protocol, "no complete response: " + rec.message());
      const unsigned status = parser.get().result_int();
      if (status >= 100 && status < 200 && status != 101 && interim < kMaxInterimResponses) continue;
      OutboundResult result;
      result.response = to_response(parser.release());
      co_return result;
    }
  }

  asio::any_io_executor executor_;
  ssl::context& tls_context_;
  const HttpClientOptions& options_;
  OutboundRequest request_;
  OutboundUrl url_;
  std::shared_ptr<Lookup> lookup_;
  std::optional<tcp::socket> plain_;
  std::optional<ssl::stream<tcp::socket>> tls_;
  bool timed_out_ = false;
  const char* stage_ = "starting";
};

}  // namespace

struct HttpClient::Impl {
  Impl(asio::any_io_executor ex, const core::Clock& c, HttpClientOptions opts)
      : executor(std::move(ex)), clock(c), options(std::move(opts)), tls(make_tls_client_context(options.ca_file)) {}

  // Runs on a strand of its own, so the deadline and the I/O never touch the
  // connection at the same time even when the executor has many threads.
  asio::awaitable<OutboundResult> perform(OutboundRequest request) {
    auto url = parse_outbound_url(request.url);
    if (!url) co_return failure(FailureClass::invalid_url, "not an absolute http(s) URL with a host and no userinfo");
    if (request.method == bhttp::verb::unknown) co_return failure(FailureClass::invalid_url, "no request method");
    for (const auto& [name, value] : request.headers)
      if (!sendable_header(name, value))
        co_return failure(FailureClass::invalid_url, "a request header has an invalid name or value");

    const auto strand = co_await asio::this_coro::executor;
    Call call(strand, tls, options, std::move(request), std::move(*url));
    asio::steady_timer deadline(strand);
    deadline.expires_after(call.timeout());
    auto outcome = co_await (call.run() || call.watch(deadline));
    // run() returns an empty result when the deadline cut it short.
    if (outcome.index() == 0) {
      auto& result = std::get<0>(outcome);
      if (result.response || result.failure) co_return std::move(result);
    }
    co_return failure(FailureClass::timeout, "deadline of " + ms_text(call.timeout()) + " passed " + call.stage());
  }

  asio::any_io_executor executor;
  const core::Clock& clock;
  HttpClientOptions options;
  ssl::context tls;  // shared by every call; read-only after construction
};

HttpClient::HttpClient(asio::any_io_executor executor, const core::Clock& clock, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(executor), clock, std::move(options))) {}

HttpClient::~HttpClient() = default;

const HttpClientOptions& HttpClient::options() const { return impl_->options; }

asio::awaitable<OutboundResult> HttpClient::send(OutboundRequest request) {
  const auto started = impl_->clock.monotonic();
  OutboundResult result = co_await asio::co_spawn(asio::make_strand(impl_->executor),
                                                  impl_->perform(std::move(request)), asio::use_awaitable);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(impl_->clock.monotonic() - started);
  co_return result;
}

}  // namespace postfuze::net
