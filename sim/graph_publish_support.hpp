// What the Graph-style publish builders share (Facebook Pages, Instagram,
// Threads): Graph's error envelope, the call's parameters (query, then a
// JSON or form body on top, as Graph reads them), Graph timestamps, and the
// media container's life — created with its downloaded media, IN_PROGRESS
// for a fixed number of status polls when it holds a video, then FINISHED,
// or ERROR when a file could not be decoded; PUBLISHED once published.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "sim/media_fetch.hpp"
#include "sim/publish_routes.hpp"

namespace postfuze::sim::publish {

// Status polls a video container answers IN_PROGRESS before it finishes
// (images finish at once): deterministic, so tests see the polling.
inline constexpr int kVideoProcessingPolls = 2;

// {"error":{"message","type","code","error_subcode"?,"error_user_msg"?,"fbtrace_id"}} with `status`; counts a rejection.
http::Response graph_refusal(PublishCall& pc, int status, int code, int subcode, std::string_view message,
                             std::string_view type = "OAuthException");

// Query parameters, then a JSON object or form body on top (access_token left
// out); values as sent (strings from forms). nullopt: a body of another kind.
std::optional<boost::json::object> graph_parameters(PublishCall& pc);

std::string param(const boost::json::object& params, std::string_view key);  // a string value, or ""

// "2026-06-09T10:00:00+0000"
std::string graph_time(core::TimePoint t);

// Container bookkeeping kept in SimContainer::fields under "_media" (the
// FetchedMedia json of each file), "_decodable" and "_polls_left".
void attach_media(boost::json::object& fields, const std::vector<FetchedMedia>& media);
// The media a container holds (children's media for a carousel are listed by the caller).
boost::json::array container_media(const boost::json::object& fields);
// FINISHED / IN_PROGRESS / ERROR / PUBLISHED of container `id` of this platform,
// counting this as one poll when `poll`; nullopt when there is no such container.
std::optional<std::string> container_status(PublishCall& pc, std::string_view id, bool poll);

}  // namespace postfuze::sim::publish
