// Graph API refusals (Facebook Pages, Instagram with Facebook Login):
// {"error":{"code","error_subcode","message","fbtrace_id"}} read into a
// PublishResult — the HTTP status first (http_outcome.hpp), then
// graph_outcome() for the code, then, for calls that carry media, Graph's
// media codes (media_by_url.hpp). Pure function: thread-safe.
#pragma once

#include "net/http_client.hpp"
#include "publishers/publisher.hpp"

namespace postfuze::publishers {

PublishResult graph_refusal(const PublishContext& ctx, const net::OutboundResult& r, bool media = false);

}  // namespace postfuze::publishers
