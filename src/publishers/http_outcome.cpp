#include "publishers/http_outcome.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <charconv>
#include <ctime>

namespace postfuze::publishers {

namespace {

std::optional<std::int64_t> to_int(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::int64_t v = 0;
  // Reddit sends floats ("X-Ratelimit-Reset: 431"), others integers: read the integer part.
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr == s.data()) return std::nullopt;
  if (ptr != s.data() + s.size() && *ptr != '.') return std::nullopt;
  return v;
}

std::int64_t unix_seconds(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

net::OutboundRequest bearer_request(const PublishContext& ctx, boost::beast::http::verb method, std::string url) {
  net::OutboundRequest req;
  req.method = method;
  req.url = std::move(url);
  req.timeout = ctx.timeout;
  req.headers = {{"Authorization", "Bearer " + ctx.token.reveal()}, {"Accept", "application/json"}};
  return req;
}

std::optional<PublishResult> transport_failure(const net::OutboundResult& r) {
  using net::FailureClass;
  if (!r.failure) return std::nullopt;
  PublishResult out;
  out.message = safe_message(std::string(net::to_string(*r.failure)) + ": " + r.detail);
  switch (*r.failure) {
    case FailureClass::dns:
    case FailureClass::connect:
    case FailureClass::tls:
    case FailureClass::blocked_address:
      out.outcome = Outcome::transient;
      out.error_code = kPlatformUnavailable;
      return out;
    case FailureClass::timeout:
    case FailureClass::protocol:
      out.outcome = Outcome::ambiguous;
      out.error_code = kAnswerLost;
      return out;
    case FailureClass::response_too_large:
      if (r.response && (r.response->status < 200 || r.response->status >= 300)) {
        out.platform_status = r.response->status;
        out.outcome = r.response->status == 429 ? Outcome::rate_limited
                      : r.response->status == 401 ? Outcome::auth
                      : (r.response->status == 408 || r.response->status >= 500) ? Outcome::transient
                                                                                   : Outcome::permanent;
        out.error_code = out.outcome == Outcome::permanent ? kPlatformRejected : kPlatformUnavailable;
        return out;
      }
      out.outcome = Outcome::ambiguous;
      out.error_code = kAnswerLost;
      return out;
    case FailureClass::invalid_url:
      out.outcome = Outcome::permanent;
      out.error_code = kPlatformRejected;
      return out;
  }
  return out;
}

std::optional<core::TimePoint> parse_http_date(std::string_view v) {
  // IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
  if (v.size() != 29 || v.substr(3, 2) != ", " || v.substr(25) != " GMT") return std::nullopt;
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto num = [&](std::size_t at, std::size_t len) -> int {
    int n = 0;
    auto [p, ec] = std::from_chars(v.data() + at, v.data() + at + len, n);
    return ec == std::errc{} && p == v.data() + at + len ? n : -1;
  };
  std::tm tm{};
  tm.tm_mday = num(5, 2);
  tm.tm_mon = -1;
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (v.substr(8, 3) == kMonths[i]) tm.tm_mon = static_cast<int>(i);
  tm.tm_year = num(12, 4) - 1900;
  tm.tm_hour = num(17, 2);
  tm.tm_min = num(20, 2);
  tm.tm_sec = num(23, 2);
  if (tm.tm_mday < 1 || tm.tm_mon < 0 || tm.tm_year < 70 || tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
    return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t < 0) return std::nullopt;
  return core::TimePoint(std::chrono::seconds(t));
}

std::optional<std::chrono::seconds> retry_after(const net::OutboundResponse& res, const core::Clock& clock) {
  const std::int64_t now = unix_seconds(clock.now());
  auto clamp = [](std::int64_t s) { return std::chrono::seconds(s < 0 ? 0 : s); };
  if (const std::string v = res.header("retry-after"); !v.empty()) {
    if (auto n = to_int(v)) return clamp(*n);
    if (auto t = parse_http_date(v)) return clamp(unix_seconds(*t) - now);
  }
  for (const char* name : {"x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"}) {
    const std::string v = res.header(name);
    if (v.empty()) continue;
    auto n = to_int(v);
    if (!n) continue;
    // Epoch seconds (X, Bluesky) or seconds to go (Reddit): tell them apart by size.
    return clamp(*n > 86'400 * 365 ? *n - now : *n);
  }
  return std::nullopt;
}

PublishResult by_status(const net::OutboundResponse& res, const core::Clock& clock, std::string message) {
  PublishResult out;
  out.platform_status = res.status;
  out.platform_request_id = request_id(res);
  out.message = safe_message(message);
  if (res.status == 401) {
    out.outcome = Outcome::auth;
    out.error_code = kTokenRejected;
  } else if (res.status == 429) {
    out.outcome = Outcome::rate_limited;
    out.error_code = kPlatformRateLimited;
    out.retry_after = retry_after(res, clock);
  } else if (res.status == 408 || res.status >= 500) {
    out.outcome = Outcome::transient;
    out.error_code = kPlatformUnavailable;
    out.retry_after = retry_after(res, clock);
  } else {
    out.outcome = Outcome::permanent;
    out.error_code = kPlatformRejected;
  }
  return out;
}

std::string request_id(const net::OutboundResponse& res) {
  for (const char* name : {"x-request-id", "x-transaction-id", "x-fb-trace-id", "x-li-uuid"})
    if (std::string v = res.header(name); !v.empty()) return safe_message(v);
  return {};
}

std::optional<boost::json::object> json_object(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string safe_message(std::string_view text) {
  std::size_t n = std::min<std::size_t>(text.size(), 300);
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  std::string out(text.substr(0, n));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return out;
}

PublishResult unexpected_answer(const net::OutboundResponse& res, std::string_view what) {
  // The platform said yes but we cannot tell to what: the post may exist.
  PublishResult out;
  out.outcome = Outcome::ambiguous;
  out.error_code = kUnexpectedAnswer;
  out.message = safe_message("The platform answered " + std::to_string(res.status) + " without " + std::string(what));
  out.platform_status = res.status;
  out.platform_request_id = request_id(res);
  return out;
}

}  // namespace postfuze::publishers
