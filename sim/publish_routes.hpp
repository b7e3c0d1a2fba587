// Publishing: the create and lookup calls of each platform, as one table
// (publish_routes.cpp) of (platform, method, path below /P/api, kind,
// required scopes, builder), mounted by routes.cpp beside the API table.
// publish_handler() wraps a row with what every publish call shares:
//
//   the `publish` stat → publish_delay_ms → publish_error (create calls) →
//   the bearer and scope check → the builder → created_then_timeout (when the
//   builder stored a post)
//
// Bluesky's createRecord / listRecords go through the same steps
// (run_publish) with the XRPC session check instead of the bearer table.
// Builders render the platform's JSON and store what they create through
// PublishCall::store(), so tests can read it at GET /_sim/posts.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/response.hpp"
#include "sim/sim.hpp"
#include "sim/wire.hpp"

namespace postfuze::sim {

enum class PublishKind {
  create,  // creates something: publish_error and created_then_timeout apply
  lookup,  // reads (listings, permalinks): only publish_delay_ms applies
};

// One publish call as a builder sees it, on any platform.
struct PublishCall {
  Sim& sim;
  http::Request& req;
  std::string_view platform;
  Call* call = nullptr;        // OAuth platforms (for their error envelopes); nullptr on Bluesky
  std::optional<Token> token;  // OAuth platforms: a copy of the live bearer token
  std::string actor;           // who acts: the user id (OAuth) or the DID (Bluesky)
  std::string actor_name;      // their username or handle
  Params query;
  bool created = false;  // set by store()

  core::TimePoint now() const { return sim.clock.now(); }
  // OAuth platforms only: the login behind the token.
  const Identity& user() const { return token->grant->user; }
  // A fresh number, unique and increasing for the simulator's run (post ids derive from it).
  std::uint64_t next_id();
  // Records a created post (platform and created time filled in) and marks the call as creating.
  SimPost store(SimPost post);
  // The post of this platform with this id.
  std::optional<SimPost> find_post(std::string_view id) const;
  // This platform's posts by `author`, newest first.
  std::vector<SimPost> posts_by(std::string_view author) const;
  // Counts a refusal the builder renders itself (stats.rejected).
  void rejected() const;
};

using PublishBuilder = http::Response (*)(PublishCall&);
// A builder that awaits (it downloads the media the call names: media_fetch.hpp).
using AsyncPublishBuilder = boost::asio::awaitable<http::Response> (*)(PublishCall&);

struct PublishRoute {
  std::string_view platform;
  http::bhttp::verb method;
  std::string_view path;  // below /P/api; "{name}" segments bind path parameters
  PublishKind kind;
  // Scopes the token must carry, as in ApiRoute: space-separated groups of
  // '|'-separated alternatives. Empty: none.
  std::string_view scopes;
  PublishBuilder build;
  AsyncPublishBuilder build_async = nullptr;  // used instead of `build` when set (`build` is then nullptr)
  // false: no bearer check, for upload URLs the platform signs itself (TikTok's
  // upload_url, Reddit's lease); the builder checks the URL's own credential.
  bool bearer = true;
};

std::span<const PublishRoute> publish_routes();

PlatformHandler publish_handler(const PublishRoute& route);

// The steps every publish call shares, around `handle` (which authenticates
// and builds). `inject` renders an injected publish_error in the platform's
// envelope. Retry-After is set here when the knob asks for it.
boost::asio::awaitable<http::Response> run_publish(PublishCall& pc, PublishKind kind,
                                                   const std::function<http::Response(const InjectedPublishError&)>& inject,
                                                   const std::function<http::Response(PublishCall&)>& handle);
// The same with a handler that awaits.
boost::asio::awaitable<http::Response> run_publish(
    PublishCall& pc, PublishKind kind, const std::function<http::Response(const InjectedPublishError&)>& inject,
    const std::function<boost::asio::awaitable<http::Response>(PublishCall&)>& handle);

// GET /_sim/posts[?platform=P]: [{"platform","id","author","text","parent_id","root_id","created_at","extra"}]
boost::json::array posts_json(Sim& sim, std::optional<std::string_view> platform);

}  // namespace postfuze::sim
