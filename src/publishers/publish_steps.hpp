// Steps the LinkedIn, Facebook and Google Business publishers share on top of
// http_outcome.hpp: telling a 2xx from the rest, the created result, the
// results for items the platform cannot take (a comment without its root,
// a config the platform would refuse), and find()'s listing call with its
// found / absent / unavailable answers. Pure functions and one coroutine;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/error.hpp"
#include "net/http_client.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publishers {

// The first `n` code points of `s` (UTF-8), for platform fields counted in
// characters that the catalogue does not fit (YouTube's title with its
// #Shorts suffix, TikTok's photo title).
std::string first_code_points(std::string_view s, std::size_t n);

// A 2xx response arrived (a too-large 2xx is not one: transport_failure says ambiguous).
bool succeeded(const net::OutboundResult& r);

// The refusal for a call that did not succeed: transport_failure(), else
// by_status() with the platform's message. Publishers refine it with their codes.
PublishResult refusal(const net::OutboundResult& r, const core::Clock& clock, std::string message);

// Outcome::created with `ref`, the status and the platform's request id.
PublishResult created(const net::OutboundResult& r, PlatformRef ref);

// Permanent: a comment or reply asked for without the root post it belongs to.
PublishResult missing_root(const PublishItem& item);
// Permanent: the platform has no surface for this item (containers 1+ on Google Business).
PublishResult not_supported(std::string_view why);
// Permanent: the target's config cannot make a request the platform accepts (nothing sent).
PublishResult invalid_config(const core::Error& error);

// A find() listing: the JSON object answered, or why there is none.
struct Listing {
  std::optional<boost::json::object> object;
  std::string problem;
};
boost::asio::awaitable<Listing> get_listing(net::HttpClient& http, net::OutboundRequest request);

// The objects in the array at `key` (non-objects skipped); empty when absent.
std::vector<const boost::json::object*> objects_in(const boost::json::object& o, std::string_view key);

LookupResult found(PlatformRef ref);
LookupResult absent();
LookupResult unavailable(const Listing& listing);

}  // namespace postfuze::publishers
