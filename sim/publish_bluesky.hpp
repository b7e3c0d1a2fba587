// Bluesky publishing (platforms.md §14): the repo methods under
// /bluesky/xrpc/, run through the shared publish steps (run_publish: stat,
// delay, injected errors, created_then_timeout) with the XRPC session check.
//
//   POST com.atproto.repo.createRecord  {"repo","collection","record","rkey"?,"validate"?}
//        → {"uri","cid","commit":{"cid","rev"},"validationStatus":"valid"}
//   POST com.atproto.repo.uploadBlob  raw bytes, Content-Type = the blob's type
//        → {"blob":{"$type":"blob","ref":{"$link"},"mimeType","size"}} (kept for GET /_sim/media)
//   GET  com.atproto.repo.listRecords?repo=&collection=&limit=&cursor=&reverse=
//        → {"records":[{"uri","cid","value"}],"cursor"?}
#pragma once

#include <boost/asio/awaitable.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "sim/sim.hpp"

namespace postfuze::sim {

struct BlueskyPublishMethod;

// The publish method a /bluesky/xrpc/<nsid> request names, or nullptr.
const BlueskyPublishMethod* find_bluesky_publish_method(const http::Request& req);

boost::asio::awaitable<http::Response> bluesky_publish(Sim& sim, http::Request& req,
                                                       const BlueskyPublishMethod& method);

}  // namespace postfuze::sim
