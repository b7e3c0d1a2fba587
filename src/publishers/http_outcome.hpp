// How a platform's HTTP answer becomes a PublishResult, for what every
// publisher shares: failures before any answer (transient when nothing can
// have reached the platform, ambiguous when it may have), the status classes
// (401 auth; 408 and 5xx transient; 429 rate_limited; other 4xx permanent),
// waits the platform asks for (Retry-After as seconds or an HTTP date,
// x-rate-limit-reset / RateLimit-Reset as epoch seconds), and small helpers
// for JSON bodies and request ids. Each publisher refines the result with
// its platform's codes (X "duplicate content", Reddit json.errors, XRPC
// ExpiredToken…). Pure functions: thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publishers {

// Stable error codes shared by the publishers.
inline constexpr std::string_view kPlatformUnavailable = "platform_unavailable";  // transient
inline constexpr std::string_view kPlatformRateLimited = "platform_rate_limited";
inline constexpr std::string_view kTokenRejected = "token_rejected";              // auth
inline constexpr std::string_view kPlatformRejected = "platform_rejected";        // permanent, generic
inline constexpr std::string_view kDuplicateContent = "duplicate_content";
inline constexpr std::string_view kAnswerLost = "platform_answer_lost";           // ambiguous
inline constexpr std::string_view kUnexpectedAnswer = "platform_unexpected_answer";

// A call as the account: `method` on `url` with its bearer token, JSON
// accepted, under the context's timeout. Publishers add their own headers.
net::OutboundRequest bearer_request(const PublishContext& ctx, boost::beast::http::verb method, std::string url);

// The result when `r` carries no usable HTTP response; nullopt when it does.
// DNS, connect and TLS failures happen before the request is written:
// transient. A timeout or a connection lost mid-answer may come after the
// platform acted: ambiguous. A too-large 2xx answer is ambiguous too (the
// post exists but its id could not be read).
std::optional<PublishResult> transport_failure(const net::OutboundResult& r);

// The wait a response asks for: Retry-After (delta seconds or HTTP date),
// else x-rate-limit-reset / RateLimit-Reset / X-Ratelimit-Reset (epoch
// seconds, or seconds to go when smaller than a day). Never negative.
std::optional<std::chrono::seconds> retry_after(const net::OutboundResponse& res, const core::Clock& clock);

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
std::optional<core::TimePoint> parse_http_date(std::string_view value);

// The outcome a non-2xx status means, with the shared code for it, the
// platform's message and request id copied in.
PublishResult by_status(const net::OutboundResponse& res, const core::Clock& clock, std::string message);

// The platform's request id header (x-request-id, x-transaction-id, x-fb-trace-id, x-li-uuid), or "".
std::string request_id(const net::OutboundResponse& res);

// The body as a JSON object, or nullopt.
std::optional<boost::json::object> json_object(std::string_view body);

// A client-safe excerpt of a platform message: at most 300 bytes, cut on a
// UTF-8 boundary, control characters replaced.
std::string safe_message(std::string_view text);

// A result for an answer the publisher cannot read (2xx without the id).
PublishResult unexpected_answer(const net::OutboundResponse& res, std::string_view what);

}  // namespace postfuze::publishers
