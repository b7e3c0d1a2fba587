// Publisher: one platform's publish calls (contract §25, platforms.md). The
// delivery engine (src/publish/) decides when and what to publish and keeps
// the exactly-once bookkeeping; a Publisher only turns one item — the root
// post or one reply/comment — into the platform's HTTP calls and classifies
// the answer. Every call is a coroutine on the caller's executor; nothing
// here blocks a thread or touches the store.
//
// Exactly once: the engine records the intent before create() and the
// returned PlatformRef as soon as it answers. When the answer was lost
// (Outcome::ambiguous, or a crash) the engine calls find() before trying
// again, so a post the platform already has is adopted, not duplicated.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/secret.hpp"
#include "net/http_client.hpp"
#include "publishers/publish_media.hpp"
#include "providers/provider_spec.hpp"

namespace postfuze::publishers {

// What a publisher knows about the account it acts for (never other tokens).
struct PublishAccount {
  std::string id;
  std::string platform;
  std::string network_unique_id;  // the platform's id: X user id, Page id, urn, DID, location name…
  std::optional<std::string> username;
  std::string account_type;       // profile, page, organization, location, channel, business_account
  boost::json::object platform_data;  // non-secret facts from connect (login_id, pds, …)
};

// A post the platform has: its id, public URL, and whatever else a reply to
// it needs (Bluesky: {"uri","cid"}; Threads/Reddit: the fullname…).
struct PlatformRef {
  std::string id;
  std::string url;
  boost::json::object extra;
};

// One create: container `position` (0 = the root post) with its text, and for
// replies the refs they hang off. ReplyMode::reply_chain: parent = the
// previous item, root = item 0. ReplyMode::comments: parent = root = item 0
// (Reddit chains each comment under the previous one: parent = previous).
struct PublishItem {
  int position = 0;
  std::string text;  // already fitted to the platform's limits (truncated where it truncates)
  std::optional<PlatformRef> root;
  std::optional<PlatformRef> parent;
  // The container's media, in order (last, so {position, text, root,
  // parent} initialisers keep working). The engine starts an item only once
  // every asset is ready.
  std::vector<MediaItem> media;
};

struct PublishContext {
  const providers::ProviderSpec& spec;
  net::HttpClient& http;
  std::chrono::milliseconds timeout;
  const core::Clock& clock;
  PublishAccount account;
  core::Secret token;           // a usable access token (Bluesky: the session's accessJwt)
  boost::json::object config;   // the target's resolved config slice (canonical field names)
  const MediaBytes* media_bytes = nullptr;  // set whenever an item has media
};

enum class Outcome {
  created,       // `ref` is set
  transient,     // network failure before the request was sent, 408, 5xx: retry later
  rate_limited,  // 429 (or the platform's throttling code): retry after `retry_after` when given
  auth,          // the token was refused (401, Graph 190, XRPC ExpiredToken…): refresh, then retry once
  permanent,     // the platform refused the content or the request: never retry
  ambiguous,     // the request may have reached the platform (timeout, connection lost mid-answer)
};

std::string_view to_string(Outcome outcome);

struct PublishResult {
  Outcome outcome = Outcome::permanent;
  std::optional<PlatformRef> ref;
  std::optional<std::chrono::seconds> retry_after;
  // Stable code for the target's error (e.g. "platform_rejected",
  // "duplicate_content", "platform_unavailable"), and a client-safe message
  // from the platform's answer: never a token, never our request.
  std::string error_code;
  std::string message;
  std::optional<int> platform_status;
  std::string platform_request_id;  // x-request-id, fbtrace_id, log_id, … when the platform sends one
};

enum class LookupOutcome { found, absent, unavailable };

struct LookupResult {
  LookupOutcome outcome = LookupOutcome::unavailable;
  std::optional<PlatformRef> ref;  // set when found
  std::string message;
};

class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual boost::asio::awaitable<PublishResult> create(const PublishContext& ctx, const PublishItem& item) const = 0;
  // Looks for `item` among the account's posts created since `since` (the
  // intent's time, minus a little skew). absent only when the platform could
  // be asked and does not have it; unavailable when it cannot tell.
  virtual boost::asio::awaitable<LookupResult> find(const PublishContext& ctx, const PublishItem& item,
                                                    core::TimePoint since) const = 0;
};

// The publisher for `platform`; nullptr when publishing to it is not implemented.
const Publisher* publisher_for(std::string_view platform);

}  // namespace postfuze::publishers
